// Task queue throughput: W worker processes (runWorker) on PostgreSQL drain N tasks;
// prints claims + completions per second. Uses a scratch database (created, then
// dropped) on MNEMO_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
//
//   npx tsx bench/tasks-throughput.ts [--tasks 20000] [--workers 8] [--concurrency 1]
//
// The workers start together (each waits for "GO" on stdin once connected), so
// process start-up is not counted. The handler does nothing: this measures the queue.

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { systemClock } from '../src/clock.js';
import { createTasks } from '../src/coordination/tasks-service.js';
import { runWorker } from '../src/coordination/worker-runner.js';
import { openStore } from '../src/db/open.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function childMain(url: string): Promise<void> {
  const db = await openStore({ kind: 'postgres', url }, { poolSize: 2 });
  const tasks = createTasks({ db, clock: systemClock });
  process.stdout.write('READY\n');
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((r) => rl.once('line', () => r()));
  const w = runWorker({
    tasks,
    queue: 'bench',
    concurrency: arg('concurrency', 1),
    leaseSeconds: 60,
    pollIntervalMs: 100,
    handleSignals: true,
    handler: async () => null,
  });
  await w.done;
  rl.close();
  await db.close();
}

async function parentMain(): Promise<void> {
  const N = arg('tasks', 20_000);
  const W = arg('workers', 8);
  const base = process.env.MNEMO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `mnemo_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = await openStore({ kind: 'postgres', url });
  const procs: ChildProcess[] = [];
  try {
    await db.query(
      `insert into tasks (tenant_id, queue, payload)
       select 'default', 'bench', jsonb_build_object('n', g) from generate_series(1, $1::int) g`,
      [N],
    );
    await db.exec('vacuum analyze tasks');
    const ready: Promise<void>[] = [];
    for (let n = 0; n < W; n++) {
      const p = spawn(
        process.execPath,
        ['--import', 'tsx', import.meta.filename, '--child', url, ...process.argv.slice(2)],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      procs.push(p);
      ready.push(new Promise((r) => p.stdout?.once('data', () => r())));
    }
    await Promise.all(ready);
    const load = loadavg()[0];
    const t0 = performance.now();
    for (const p of procs) p.stdin?.write('GO\n');
    for (;;) {
      const { rows } = await db.query<{ n: number }>(
        "select count(*)::int as n from tasks where status = 'done'",
      );
      if (rows[0].n >= N) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const secs = (performance.now() - t0) / 1000;
    const exits = procs.map((p) => new Promise((r) => p.on('exit', r)));
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(exits);
    console.log(
      JSON.stringify({
        tasks: N,
        workers: W,
        concurrency: arg('concurrency', 1),
        seconds: Number(secs.toFixed(2)),
        tasksPerSecond: Math.round(N / secs),
        claimsPlusCompletionsPerSecond: Math.round((2 * N) / secs),
        loadAverageBefore: Number(load.toFixed(1)),
      }),
    );
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await db.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt > 0) await childMain(process.argv[childAt + 1]);
else await parentMain();
