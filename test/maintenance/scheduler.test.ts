/**
 * The scheduler on one store per backend, with a clock the test moves: several
 * schedulers on one database run each period's job once, a scheduler arriving after the
 * period's run does not run it again, a failed run is retried after its backoff, the
 * run's result is kept on its task, and bad jobs are refused.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { type ScheduledJob, startScheduler } from '../../src/maintenance/scheduler.js';
import { startServeJobs } from '../../src/maintenance/serve-jobs.js';
import { describeBackends } from '../support/backends.js';

const MINUTE = 60_000;

describeBackends('scheduler', (ctx) => {
  it('runs each period once across schedulers, not again for a late one; retries a failure after its backoff', async () => {
    const clock = fixedClock(new Date('2026-06-15T10:00:10Z'));
    const runs: string[] = [];
    let failNext = false;
    const job: ScheduledJob = {
      name: 'probe',
      everyMs: MINUTE,
      run: async ({ periodStart }) => {
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
        runs.push(periodStart.toISOString());
        return { n: runs.length };
      },
    };
    const opts = { db: ctx.db(), clock, jobs: [job], tickMs: 3_600_000 };
    const a = startScheduler(opts);
    const b = startScheduler(opts);
    try {
      await Promise.all([a.tick(), b.tick(), a.tick()]);
      assert.deepEqual(runs, ['2026-06-15T10:00:00.000Z']);
      clock.advance(MINUTE);
      await Promise.all([b.tick(), a.tick()]);
      assert.deepEqual(runs, ['2026-06-15T10:00:00.000Z', '2026-06-15T10:01:00.000Z']);
      // A scheduler started after the period's run finished finds its task done.
      const late = startScheduler(opts);
      await late.tick();
      await late.stop();
      assert.equal(runs.length, 2);

      // A failed run goes back to the queue with a backoff, then runs once more.
      clock.advance(MINUTE);
      failNext = true;
      await a.tick();
      await b.tick();
      assert.equal(runs.length, 2, 'not retried before its backoff');
      clock.advance(MINUTE / 2 + 1000);
      await b.tick();
      assert.deepEqual(runs.at(-1), '2026-06-15T10:02:00.000Z');
      assert.equal(runs.length, 3);
    } finally {
      await a.stop();
      await b.stop();
    }
    const tasks = await ctx
      .db()
      .query<{ key: string; status: string; attempts: number; result: unknown; error: string | null }>(
        `select dedupe_key as key, status, attempts, result, error from tasks
        where queue = 'mnemo.schedule.probe' order by dedupe_key`,
      );
    assert.deepEqual(
      tasks.rows.map((t) => [t.key, t.status, t.attempts]),
      [
        ['probe:2026-06-15T10:00:00.000Z', 'done', 1],
        ['probe:2026-06-15T10:01:00.000Z', 'done', 1],
        ['probe:2026-06-15T10:02:00.000Z', 'done', 2],
      ],
    );
    assert.deepEqual(tasks.rows[2]?.result, { n: 3 });
    assert.equal(tasks.rows[2]?.error, 'disk full');
  });

  it('refuses a bad job; serve registers the maintain job unless it is off', async () => {
    const run = async () => null;
    for (const jobs of [
      [{ name: 'Bad Name', everyMs: MINUTE, run }],
      [{ name: 'x', everyMs: 10, run }],
      [
        { name: 'x', everyMs: MINUTE, run },
        { name: 'x', everyMs: MINUTE, run },
      ],
    ])
      assert.throws(
        () => startScheduler({ db: ctx.db(), jobs }),
        (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input',
      );
    assert.equal(startServeJobs({ db: ctx.db() }, { maintainEveryMs: null }), null);
    const lines: string[] = [];
    const jobs = startServeJobs(
      { db: ctx.db() },
      { maintainEveryMs: 86_400_000, maintainInput: { steps: ['usage'] } },
      (l) => lines.push(l),
    );
    assert.ok(jobs);
    await jobs.tick();
    await jobs.stop();
    assert.match(lines[0] ?? '', /^scheduled jobs: maintain every 86400 s/);
    assert.ok(
      lines.some((l) => /^maintain: ran for the period from \S+: usage done$/.test(l)),
      lines.join('\n'),
    );
    const t = await ctx
      .db()
      .query<{ result: { steps: { step: string }[] } }>(
        "select result from tasks where queue = 'mnemo.schedule.maintain' and status = 'done'",
      );
    assert.equal(t.rows.length, 1);
    assert.deepEqual(
      t.rows[0]?.result.steps.map((s) => s.step),
      ['usage'],
    );
  });
});
