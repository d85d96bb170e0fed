import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { createTasks } from '../../src/coordination/tasks-service.js';
import { openStore } from '../../src/db/open.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';
import { waitFor } from './wait.js';

const child = join(import.meta.dirname, '../support/worker-child.ts');
const TASKS = 5000;
const WORKERS = 8;

it("8 worker processes drain 5,000 tasks: each completed exactly once; a SIGKILLed worker's task is reclaimed", {
  skip: PG_URL
    ? false
    : 'MNEMO_TEST_DATABASE_URL is not set (needs a PostgreSQL server for several processes)',
  timeout: 90_000,
}, async () => {
  const t = await createTestDatabase();
  const db = await openStore({ kind: 'postgres', url: t.url });
  const procs: ChildProcess[] = [];
  try {
    await db.exec('create table test_completions (task_id uuid not null, agent text not null)');
    await db.query(
      `insert into tasks (tenant_id, queue, payload)
       select 'default', 'proc', jsonb_build_object('n', g) from generate_series(1, $1::int) g`,
      [TASKS],
    );
    const tasks = createTasks({ db, clock: systemClock });
    // Claimed first (highest priority); the first worker to take it hangs on it.
    const hang = await tasks.create({ queue: 'proc', payload: { hang: true }, priority: 10 });

    let hungAgent: string | null = null;
    const exits: Promise<number | null>[] = [];
    for (let n = 0; n < WORKERS; n++) {
      const agent = `worker-${n}`;
      const p = spawn(process.execPath, ['--import', 'tsx', child, t.url, 'proc', agent, '2'], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      p.stdout?.setEncoding('utf8').on('data', (s: string) => {
        const m = /HANG (\S+)/.exec(s);
        if (m && !hungAgent) {
          hungAgent = m[1];
          p.kill('SIGKILL');
        }
      });
      exits.push(new Promise((r) => p.on('exit', (code) => r(code))));
      procs.push(p);
    }

    const done = async () =>
      (await db.query<{ n: number }>("select count(*)::int as n from tasks where status = 'done'")).rows[0].n;
    await waitFor(async () => (await done()) === TASKS + 1, 75_000, 'every task done');
    assert.ok(hungAgent, 'a worker hung on the marker task and was killed');

    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    const codes = await Promise.all(exits);
    assert.equal(codes.filter((c) => c === 0).length, WORKERS - 1, 'the others stop gracefully on SIGTERM');

    const { rows } = await db.query<{ runs: number; distinct_tasks: number; agents: number }>(
      'select count(*)::int as runs, count(distinct task_id)::int as distinct_tasks, count(distinct agent)::int as agents from test_completions',
    );
    assert.equal(rows[0].distinct_tasks, TASKS + 1, 'none lost');
    assert.equal(rows[0].runs, TASKS + 1, 'none run twice');
    assert.ok(rows[0].agents >= 2, 'the work was spread over processes');
    const mismatched = await db.query(
      `select 1 from tasks t join test_completions c on c.task_id = t.id
       where t.result->>'by' <> c.agent or t.claimed_by <> c.agent`,
    );
    assert.equal(mismatched.rowCount, 0, 'each task completed by the worker that ran it');
    const h = await tasks.get({ id: hang.id });
    assert.equal(h?.status, 'done');
    assert.equal(h?.attempts, 2, 'reclaimed once after the lease expired');
    assert.notEqual(h?.claimedBy, hungAgent);
    const open = await db.query("select 1 from tasks where status <> 'done'");
    assert.equal(open.rowCount, 0);
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await db.close();
    await t.drop();
  }
});
