import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createEpisodes } from '../../src/episodes/episodes-service.js';
import { createFacts } from '../../src/facts/facts-service.js';
import { describeMemories } from '../support/memories.js';
import { findMarker, searchableColumns } from './scan.js';
import { newMarker, seedUser, tableCounts } from './seed.js';

describeMemories(
  'purge',
  (ctx) => {
    const clock = ctx.clock;
    const purge = () => ctx.memory().purge;

    it('erases every copy of a user and nothing of anybody else', async () => {
      const db = ctx.db();
      const alice = await seedUser(db, clock, 'p1', 'alice', 's-alice');
      const bob = await seedUser(db, clock, 'p1', 'bob', 's-bob');
      const elsewhere = await seedUser(db, clock, 'p2', 'alice', 's-alice');
      // Carol's memories derived from Alice's: a fact citing her episode, a decision on it.
      const carol = newMarker();
      await createFacts({ db, clock }).assert({
        scope: { tenant: 'p1', user: 'carol' },
        content: `carol heard ${alice.marker}`,
        sourceEpisodeIds: [alice.episodeIds[0]],
      });
      await createFacts({ db, clock }).assert({
        scope: { tenant: 'p1', user: 'carol' },
        content: `own ${carol}`,
      });
      await db.query(
        `insert into decisions (tenant_id, user_id, context, chosen, episode_id) values ('p1', 'carol', $1, 'x', $2)`,
        [`after ${alice.marker}`, alice.episodeIds[0]],
      );
      await db.query(
        `insert into llm_cache (tenant_id, content_hash, user_id, content) values ('p1', 'carol-hash', 'carol', '{}')`,
      );
      assert.ok((await findMarker(db, alice.marker)).length >= 20, 'the seed reaches many columns');
      assert.ok((await searchableColumns(db)) > 30);
      const before = await tableCounts(db, 'p1');

      const r = await purge().purge({
        scope: { tenant: 'p1', user: 'alice' },
        reason: 'erasure #1',
        by: 'dpo',
      });
      assert.deepEqual(r.counts, {
        episodes: 2,
        facts: 3, // two versions of alice's fact + carol's fact citing alice's episode
        conflicts: 1,
        decisions: 2, // alice's + carol's decision on alice's episode
        sessions: 1,
        tasks: 1,
        brain: 1,
        brain_history: 1,
        llm_cache: 2, // alice's row + carol's (carol's derived content was purged: her cache goes too)
      });

      assert.deepEqual(await findMarker(db, alice.marker), [], 'no copy of alice content survives');
      const after = await tableCounts(db, 'p1');
      for (const [t, n] of Object.entries(r.counts)) assert.equal(after[t], before[t] - n, t);
      assert.equal(after.purge_audit, before.purge_audit + 1);
      // Bob, carol's own fact and the other tenant's alice are untouched.
      assert.equal(
        (await findMarker(db, bob.marker)).length,
        (await findMarker(db, elsewhere.marker)).length,
      );
      assert.ok((await findMarker(db, bob.marker)).length >= 20);
      // Her own fact, and its lexemes in recall's statistics.
      assert.deepEqual(await findMarker(db, carol), ['facts.content', 'facts.tsv', 'recall_stats.lexeme']);
      const { rows } = await db.query<{ n: number }>(
        "select count(*) as n from episodes where tenant_id = 'p2'",
      );
      assert.equal(rows[0].n, 2);

      const audit = await db.query<{
        tenant_id: string;
        target: unknown;
        counts: unknown;
        reason: string;
        purged_by: string;
        purged_at: Date;
      }>('select * from purge_audit where id = $1', [r.auditId]);
      assert.equal(audit.rows[0].tenant_id, 'p1');
      assert.deepEqual(audit.rows[0].target, { user: 'alice' });
      assert.deepEqual(audit.rows[0].counts, r.counts);
      assert.equal(audit.rows[0].reason, 'erasure #1');
      assert.equal(audit.rows[0].purged_by, 'dpo');
      assert.deepEqual(new Date(audit.rows[0].purged_at), clock.now());
    });

    it('purges one session: its episodes, facts, decisions, session row and tasks, not the brain', async () => {
      const db = ctx.db();
      const s = await seedUser(db, clock, 'ps', 'dave', 'sess-1');
      await db.query(
        `insert into tasks (tenant_id, user_id, queue, payload) values ('ps', 'dave', 'jobs', '{"scope": {"session": "sess-1"}}')`,
      );
      const r = await purge().purge({ scope: { tenant: 'ps', session: 'sess-1' } });
      assert.deepEqual(r.counts, {
        episodes: 1,
        facts: 0,
        conflicts: 0,
        decisions: 1,
        sessions: 1,
        tasks: 1,
        brain: 0,
        brain_history: 0,
        llm_cache: 1, // dave's content went, so dave's cached outputs go
      });
      const left = await tableCounts(db, 'ps');
      assert.equal(left.episodes, 1);
      assert.equal(left.facts, 2);
      assert.equal(left.brain, 1);
      assert.equal(left.tasks, 1);
      assert.ok(s.episodeIds.length === 2);
    });

    it('purges one memory: an episode with what was derived from it, a fact chain, a decision, a brain key', async () => {
      const db = ctx.db();
      const scope = { tenant: 'pm', user: 'erin' };
      const s = await seedUser(db, clock, 'pm', 'erin', 'sess-e');
      const derived = await createFacts({ db, clock }).assert({
        scope,
        content: 'derived',
        sourceEpisodeIds: [s.episodeIds[1]],
      });
      const r1 = await purge().purge({ scope, memory: { kind: 'episode', id: s.episodeIds[1] } });
      assert.equal(r1.counts.episodes, 1);
      assert.equal(r1.counts.facts, 1);
      assert.equal(await createFacts({ db, clock }).get({ scope, id: derived.id }), null);
      assert.equal(
        (await createEpisodes({ db, clock }).get({ scope, id: s.episodeIds[0] }))?.id,
        s.episodeIds[0],
      );

      const r2 = await purge().purge({ scope, memory: { kind: 'fact', id: s.factIds[0] } });
      assert.equal(r2.counts.facts, 2, 'both versions');
      assert.equal(r2.counts.conflicts, 1);
      const r3 = await purge().purge({ scope, memory: { kind: 'decision', id: s.decisionId } });
      assert.equal(r3.counts.decisions, 1);
      const r4 = await purge().purge({ scope, memory: { kind: 'brain', key: 'identity.note' } });
      assert.equal(r4.counts.brain, 1);
      assert.equal(r4.counts.brain_history, 1);
      const audit = await db.query<{ target: unknown }>('select target from purge_audit where id = $1', [
        r4.auditId,
      ]);
      assert.deepEqual(audit.rows[0].target, {
        user: 'erin',
        memory: { kind: 'brain', key: 'identity.note' },
      });
    });

    it('purges a whole tenant with all: true and leaves other tenants alone', async () => {
      const db = ctx.db();
      await seedUser(db, clock, 'pa', 'u1', 'x1');
      await seedUser(db, clock, 'pa', 'u2', 'x2');
      const keep = await seedUser(db, clock, 'pb', 'u1', 'x1');
      const r = await purge().purge({ scope: { tenant: 'pa' }, all: true });
      assert.equal(r.counts.episodes, 4);
      assert.equal(r.counts.facts, 4);
      const left = await tableCounts(db, 'pa');
      assert.deepEqual(left, {
        episodes: 0,
        facts: 0,
        conflicts: 0,
        decisions: 0,
        sessions: 0,
        tasks: 0,
        brain: 0,
        brain_history: 0,
        llm_cache: 0,
        purge_audit: 1,
      });
      assert.ok((await findMarker(db, keep.marker)).length >= 20);
    });
  },
  { start: new Date('2026-04-01T00:00:00Z') },
);
