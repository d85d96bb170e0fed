/**
 * The scheduler runs each period's job once across processes: three real processes on
 * one PostgreSQL database, a one-second period, and the job's own side effect (a row
 * per run) counted per period. PGlite is left out: one process opens an embedded store.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { openStore } from '../../src/db/open.js';
import { waitFor } from '../coordination/wait.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const child = join(import.meta.dirname, '../support/scheduler-child.ts');
const PROCESSES = 3;

it('three scheduler processes on one database: the job runs exactly once per period', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set (several processes need a PostgreSQL server)',
  timeout: 60_000,
}, async () => {
  const t = await createTestDatabase();
  const db = await openStore({ kind: 'postgres', url: t.url });
  const procs: ChildProcess[] = [];
  try {
    await db.exec('create table sched_probe (period timestamptz not null, pid int not null)');
    const exits: Promise<number | null>[] = [];
    let ready = 0;
    for (let n = 0; n < PROCESSES; n++) {
      const p = spawn(process.execPath, ['--import', 'tsx', child, t.url, '1000'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      p.stdout?.setEncoding('utf8').on('data', (s: string) => {
        if (s.includes('READY')) ready++;
      });
      exits.push(new Promise((r) => p.on('exit', (code) => r(code))));
      procs.push(p);
    }
    await waitFor(() => ready === PROCESSES, 30_000, 'every process started');
    // Three periods with all three processes ticking every 50 ms.
    const started = await db.query<{ n: number }>('select count(*)::int as n from sched_probe');
    const periodsBefore = started.rows[0].n;
    await waitFor(
      async () =>
        (await db.query<{ n: number }>('select count(distinct period)::int as n from sched_probe')).rows[0]
          .n >=
        periodsBefore + 3,
      20_000,
      'three more periods',
    );
    for (const p of procs) p.kill('SIGTERM');
    assert.deepEqual(await Promise.all(exits), Array(PROCESSES).fill(0), 'each stops gracefully');

    const runs = await db.query<{ period: Date; runs: number }>(
      'select period, count(*)::int as runs from sched_probe group by period order by period',
    );
    assert.ok(runs.rows.length >= 3, `${runs.rows.length} periods`);
    for (const r of runs.rows)
      assert.equal(r.runs, 1, `period ${r.period.toISOString()} ran ${r.runs} times`);
    // One task per period key, whatever its status; each done by the process that ran it.
    const tasks = await db.query<{ key: string; n: number; done: number }>(
      `select dedupe_key as key, count(*)::int as n, count(*) filter (where status = 'done')::int as done
         from tasks where queue = 'mnemo.schedule.probe' group by dedupe_key`,
    );
    for (const k of tasks.rows) assert.equal(k.n, 1, `${k.key}: ${k.n} tasks`);
    assert.ok(tasks.rows.filter((k) => k.done === 1).length >= runs.rows.length);
    const mismatched = await db.query(
      `select 1 from tasks k join sched_probe p on k.dedupe_key = 'probe:' || to_char(p.period at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        where (k.result->>'pid')::int <> p.pid`,
    );
    assert.equal(mismatched.rowCount, 0, 'each task completed by the process whose run inserted the row');
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await db.close();
    await t.drop();
  }
});
