/**
 * `maintain` on one store per backend: each retention step deletes what is old and only
 * that (usage events, expired brain keys with a history row, the LLM cache by expiry and
 * LRU beyond its cap, archived episodes through the audited purge), a dry run changes
 * nothing, bad options change nothing, and the engine steps report what they did
 * (reindex skipped on PGlite, done on PostgreSQL). Then the scheduler, with a clock the
 * test moves: several schedulers on one database run each period's job once, one arriving
 * after the period's run does not run it again, a failed run is retried after its
 * backoff, the result is kept on its task, bad jobs are refused.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createBrain } from '../../src/brain/brain-service.js';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { MONTH_MS } from '../../src/maintenance/duration.js';
import type { MaintenanceReport } from '../../src/maintenance/maintenance-schema.js';
import { maintain } from '../../src/maintenance/maintenance-service.js';
import { type ScheduledJob, startScheduler } from '../../src/maintenance/scheduler.js';
import { startServeJobs } from '../../src/maintenance/serve-jobs.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { bindEmbedder } from '../../src/recall/embedding-binding.js';
import { describeBackends } from '../support/backends.js';

const DAY = 86_400_000;
const MINUTE = 60_000;
const NOW = new Date('2026-06-15T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const step = (r: MaintenanceReport, name: string) => {
  const s = r.steps.find((x) => x.step === name);
  assert.ok(s, `no ${name} step in the report`);
  return s;
};

describeBackends('maintain', (ctx) => {
  const clock = fixedClock(NOW);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await ctx.db().query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]?.n);

  before(async () => {
    const db = ctx.db();
    // Usage: 5 events 14 months old (two tenants), 1 of 12 months, 1 of today.
    for (const [tenant, at] of [
      ['a', ago(14 * MONTH_MS)],
      ['a', ago(14 * MONTH_MS + DAY)],
      ['b', ago(14 * MONTH_MS)],
      ['b', ago(15 * MONTH_MS)],
      ['b', ago(20 * MONTH_MS)],
      ['a', ago(12 * MONTH_MS)],
      ['a', NOW],
    ] as const)
      await db.query(
        `insert into usage_events (tenant_id, endpoint, method, status, latency_ms, created_at)
         values ($1, '/v1/recall', 'POST', 200, 3, $2)`,
        [tenant, at],
      );
    // Brain: one key that expires in a minute, one that never does.
    const brain = createBrain({ db, clock: fixedClock(ago(2 * DAY)) });
    await brain.set({
      scope: { tenant: 'a', user: 'u' },
      key: 'session.work',
      value: { task: 'T-1' },
      ttlSeconds: 60,
    });
    await brain.set({ scope: { tenant: 'a', user: 'u' }, key: 'identity.name', value: 'Ada' });
    // Cache of tenant c: h0 expired, h1..h4 live, last used 4, 3, 2, 1 hours ago.
    for (let i = 0; i < 5; i++)
      await db.query(
        `insert into llm_cache (tenant_id, content_hash, content, last_accessed, expires_at)
         values ('c', $1, '{}'::jsonb, $2, $3)`,
        [`h${i}`, ago((5 - i) * 3_600_000), i === 0 ? ago(1000) : null],
      );
    // Episodes: archived 100 days ago, archived 10 days ago, never archived (old).
    for (const [content, archived] of [
      ['old archive', ago(100 * DAY)],
      ['recent archive', ago(10 * DAY)],
      ['live', null],
    ] as const)
      await db.query(
        `insert into episodes (tenant_id, user_id, role, content, occurred_at, archived_at)
         values ('a', 'u', 'user', $1, $2, $3)`,
        [content, ago(200 * DAY), archived],
      );
  });

  it('a dry run counts what would go and changes nothing; bad options are refused before any step', async () => {
    const before = await count('usage_events');
    const r = await maintain(
      ctx.db(),
      { dryRun: true, cacheMaxEntries: 2, archivedEpisodesAfterMs: 90 * DAY },
      { clock },
    );
    assert.equal(r.dryRun, true);
    assert.deepEqual(step(r, 'usage').deleted, { usage_events: 5 });
    assert.deepEqual(step(r, 'brain').deleted, { brain: 1 });
    assert.deepEqual(step(r, 'cache').deleted, { llm_cache_aged: 1, llm_cache_over_cap: 2 });
    assert.deepEqual(step(r, 'episodes').deleted, { episodes: 1 });
    assert.equal(step(r, 'vacuum').status, 'skipped');
    assert.equal(await count('usage_events'), before);
    assert.equal(await count('brain'), 2);
    assert.equal(await count('llm_cache'), 5);

    for (const bad of [
      { cacheMaxEntries: 0 },
      { steps: ['usage', 'nope'] },
      { usageRetentionMs: -1 },
      { extra: 1 },
    ])
      await assert.rejects(
        maintain(ctx.db(), bad as never, { clock }),
        (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input',
      );
    assert.equal(await count('usage_events'), before);
  });

  it('usage events older than the retention go in batches; 12 months old stay', async () => {
    const r = await maintain(ctx.db(), { steps: ['usage'], batchSize: 2 }, { clock });
    assert.deepEqual(
      r.steps.map((s) => s.step),
      ['usage'],
    );
    assert.deepEqual(step(r, 'usage').deleted, { usage_events: 5 });
    const left = await ctx
      .db()
      .query<{ created_at: Date }>('select created_at from usage_events order by created_at');
    assert.deepEqual(
      left.rows.map((x) => new Date(x.created_at).toISOString()),
      [ago(12 * MONTH_MS).toISOString(), NOW.toISOString()],
    );
  });

  it('expired brain keys are swept and leave a history row saying they expired', async () => {
    const r = await maintain(ctx.db(), { steps: ['brain'] }, { clock });
    assert.deepEqual(step(r, 'brain').deleted, { brain: 1 });
    const keys = await ctx.db().query<{ key: string }>('select key from brain');
    assert.deepEqual(
      keys.rows.map((k) => k.key),
      ['identity.name'],
    );
    const history = await createBrain({ db: ctx.db(), clock }).history({
      scope: { tenant: 'a', user: 'u' },
      key: 'session.work',
    });
    assert.equal(history.length, 2);
    const last = history.at(-1);
    assert.equal(last?.op, 'delete');
    assert.equal(last?.changedBy, 'mnemo:expired');
    assert.deepEqual(last?.oldValue, { task: 'T-1' });
    assert.equal(last?.version, 2);
    assert.equal(
      new Date(last?.changedAt as Date).toISOString(),
      new Date(ago(2 * DAY).getTime() + 60_000).toISOString(),
    );
    // Set again, the key continues its version count after the expiry.
    const again = await createBrain({ db: ctx.db(), clock }).set({
      scope: { tenant: 'a', user: 'u' },
      key: 'session.work',
      value: 2,
    });
    assert.equal(again.version, 3);
  });

  it('the LLM cache loses expired outputs, then the least recently used beyond the cap', async () => {
    const r = await maintain(ctx.db(), { steps: ['cache'], cacheMaxEntries: 2, batchSize: 1 }, { clock });
    assert.deepEqual(step(r, 'cache').deleted, { llm_cache_aged: 1, llm_cache_over_cap: 2 });
    const left = await ctx.db().query<{ h: string }>('select content_hash as h from llm_cache order by 1');
    assert.deepEqual(
      left.rows.map((x) => x.h),
      ['h3', 'h4'],
    );
    // With an idle limit, outputs unused for longer go too.
    const idle = await maintain(ctx.db(), { steps: ['cache'], cacheMaxIdleMs: 90 * 60_000 }, { clock });
    assert.deepEqual(step(idle, 'cache').deleted, { llm_cache_aged: 1, llm_cache_over_cap: 0 });
    assert.equal(await count('llm_cache'), 1);
  });

  it('archived episodes are kept by default, and purged through the audited purge after N days', async () => {
    const off = await maintain(ctx.db(), { steps: ['episodes'] }, { clock });
    assert.equal(step(off, 'episodes').status, 'skipped');
    assert.equal(await count('episodes'), 3);
    const r = await maintain(ctx.db(), { steps: ['episodes'], archivedEpisodesAfterMs: 90 * DAY }, { clock });
    const s = step(r, 'episodes');
    assert.deepEqual(s.deleted, { episodes: 1 });
    assert.equal(s.auditIds?.length, 1);
    const contents = await ctx
      .db()
      .query<{ content: string }>('select content from episodes order by content');
    assert.deepEqual(
      contents.rows.map((x) => x.content),
      ['live', 'recent archive'],
    );
    const audit = await ctx.db().query<{
      id: string;
      tenant_id: string;
      reason: string;
      purged_by: string;
      target: { memory: { kind: string } };
    }>('select id, tenant_id, reason, purged_by, target from purge_audit');
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0]?.id, s.auditIds?.[0]);
    assert.equal(audit.rows[0]?.tenant_id, 'a');
    assert.equal(audit.rows[0]?.purged_by, 'mnemo maintain');
    assert.match(audit.rows[0]?.reason ?? '', /^retention: archived more than 90 days ago$/);
    assert.equal(audit.rows[0]?.target.memory.kind, 'episode');
  });

  it('the engine steps: ANALYZE and VACUUM run; REINDEX CONCURRENTLY of the vector indexes on PostgreSQL only', async () => {
    await bindEmbedder(ctx.db(), createHashEmbedder({ dimension: 16 }));
    const r = await maintain(ctx.db(), { steps: ['analyze', 'vacuum', 'reindex'] }, { clock });
    assert.equal(r.engine, ctx.backend);
    assert.equal(step(r, 'analyze').status, 'done');
    assert.equal(step(r, 'vacuum').status, 'done', step(r, 'vacuum').reason);
    const re = step(r, 'reindex');
    if (ctx.backend === 'pglite') {
      assert.equal(re.status, 'skipped');
      assert.match(re.reason ?? '', /^reindex: skipped on PGlite/);
    } else {
      assert.equal(re.status, 'done', re.reason);
      assert.ok((re.indexes ?? []).includes('episodes_embedding_hnsw'), String(re.indexes));
      // The rebuilt indexes are valid and no leftover (_ccnew) index remains.
      const bad = await count(
        `pg_index i join pg_class c on c.oid = i.indexrelid where not i.indisvalid or c.relname like '%ccnew%'`,
      );
      assert.equal(bad, 0);
    }
    for (const s of r.steps) assert.ok(s.ms >= 0);
  });

  // The scheduler, on the same store (its tasks live in their own queues).
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
      lines.some((l) =>
        /^maintain: ran for the period from \S+: usage done( \(\d+ rows deleted\))?$/.test(l),
      ),
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
