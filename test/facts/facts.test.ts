import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import { MnemoError } from '../../src/errors.js';
import type { Fact } from '../../src/facts/facts-schema.js';
import { createFacts } from '../../src/facts/facts-service.js';
import { describeBackends } from '../support/backends.js';
import { describeMemories } from '../support/memories.js';

const T0 = new Date('2026-03-01T00:00:00Z');
const HOUR = 3_600_000;

const isCode = (code: string, field?: string) => (e: unknown) => {
  assert.ok(e instanceof MnemoError, `expected a MnemoError, got ${e}`);
  assert.equal(e.code, code, e.message);
  if (field !== undefined) assert.equal(e.field, field);
  return true;
};

describeMemories(
  'facts',
  (ctx) => {
    const clock = ctx.clock;
    const facts = () => ctx.memory().facts;

    it('asserts a fact with defaults and reads it back', async () => {
      const f = await facts().assert({ scope: { tenant: 'f1', user: 'alice' }, content: 'Alice likes tea' });
      assert.equal(f.kind, 'semantic');
      assert.equal(f.category, 'fact');
      assert.equal(f.confidence, 1);
      assert.equal(f.current, true);
      assert.equal(f.validTo, null);
      assert.equal(f.supersededBy, null);
      assert.deepEqual(f.validFrom, T0);
      assert.deepEqual(await facts().get({ scope: { tenant: 'f1' }, id: f.id }), f);
      const p = await facts().assert({
        scope: { tenant: 'f1', user: 'alice', agent: 'coach' },
        kind: 'procedural',
        category: 'rule',
        subject: 'replies',
        content: 'Answer in French',
        confidence: 0.75,
        source: 'chat',
        tags: ['lang'],
        metadata: { from: 'onboarding' },
        by: 'coach',
      });
      assert.equal(p.kind, 'procedural');
      assert.equal(p.confidence, 0.75);
      assert.equal(p.createdBy, 'coach');
      assert.deepEqual(p.tags, ['lang']);
    });

    it('records provenance from episodes of the same tenant only', async () => {
      const eps = ctx.memory().episodes;
      const e = await eps.append({ scope: { tenant: 'prov' }, content: 'I moved to Lyon' });
      const f = await facts().assert({
        scope: { tenant: 'prov' },
        content: 'lives in Lyon',
        sourceEpisodeIds: [e.id],
      });
      assert.deepEqual(f.sourceEpisodeIds, [e.id]);
      await assert.rejects(
        facts().assert({ scope: { tenant: 'other' }, content: 'x', sourceEpisodeIds: [e.id] }),
        isCode('not_found', 'sourceEpisodeIds.0'),
      );
    });

    it('supersedes through three versions, reads as of any time, and walks the chain', async () => {
      const scope = { tenant: 'chain', user: 'alice' };
      const v1 = await facts().assert({
        scope,
        subject: 'alice.city',
        category: 'fact',
        content: 'lives in Lyon',
      });
      clock.advance(HOUR);
      const s2 = await facts().supersede({
        scope,
        id: v1.id,
        fact: { content: 'lives in Paris' },
        by: 'agent-1',
      });
      assert.equal(s2.old.id, v1.id);
      assert.equal(s2.old.current, false);
      assert.equal(s2.old.supersededBy, s2.new.id);
      assert.deepEqual(s2.old.validTo, new Date(T0.getTime() + HOUR));
      assert.equal(s2.new.subject, 'alice.city');
      assert.equal(s2.new.user, 'alice');
      assert.equal(s2.new.createdBy, 'agent-1');
      clock.advance(HOUR);
      const s3 = await facts().supersede({
        scope,
        id: s2.new.id,
        fact: { content: 'lives in Rome', confidence: 0.6 },
      });

      await assert.rejects(
        facts().supersede({ scope, id: v1.id, fact: { content: 'lives in Oslo' } }),
        (e: unknown) => isCode('conflict')(e) && /already superseded/.test((e as Error).message),
      );

      const contentAt = async (ms: number) =>
        (await facts().list({ scope, subject: 'alice.city', asOf: new Date(T0.getTime() + ms) })).items.map(
          (f) => f.content,
        );
      assert.deepEqual(await contentAt(-1), []);
      assert.deepEqual(await contentAt(0), ['lives in Lyon']);
      assert.deepEqual(await contentAt(HOUR / 2), ['lives in Lyon']);
      assert.deepEqual(await contentAt(HOUR), ['lives in Paris']);
      assert.deepEqual(await contentAt(1.5 * HOUR), ['lives in Paris']);
      assert.deepEqual(await contentAt(5 * HOUR), ['lives in Rome']);

      const current = await facts().list({ scope, subject: 'alice.city' });
      assert.deepEqual(
        current.items.map((f) => f.id),
        [s3.new.id],
      );
      const history = await facts().list({ scope, subject: 'alice.city', includeHistory: true });
      assert.equal(history.items.length, 3);

      for (const id of [v1.id, s2.new.id, s3.new.id]) {
        const chain = await facts().chain({ scope, id });
        assert.deepEqual(
          chain.map((f: Fact) => f.content),
          ['lives in Lyon', 'lives in Paris', 'lives in Rome'],
        );
        assert.deepEqual(
          chain.map((f) => f.current),
          [false, false, true],
        );
      }
    });

    it('invalidates a fact without replacement and keeps the reason', async () => {
      const scope = { tenant: 'inv' };
      const f = await facts().assert({ scope, content: 'the build is green' });
      clock.advance(HOUR);
      const closed = await facts().invalidate({ scope, id: f.id, reason: 'it broke', by: 'ci' });
      assert.equal(closed.current, false);
      assert.equal(closed.supersededBy, null);
      assert.deepEqual(closed.validTo, clock.now());
      assert.deepEqual((closed.metadata as { invalidation: unknown }).invalidation, {
        reason: 'it broke',
        by: 'ci',
        at: clock.now().toISOString(),
      });
      assert.equal((await facts().list({ scope })).items.length, 0);
      await assert.rejects(facts().invalidate({ scope, id: f.id }), (e: unknown) => {
        return isCode('conflict')(e) && /already invalidated/.test((e as Error).message);
      });
      await assert.rejects(
        facts().supersede({ scope, id: f.id, fact: { content: 'x' } }),
        isCode('conflict'),
      );
    });

    it('lists with filters and cursor pagination', async () => {
      const scope = { tenant: 'lst', user: 'u' };
      for (let i = 0; i < 7; i++) {
        await facts().assert({
          scope,
          content: `pref ${i}`,
          category: i < 4 ? 'preference' : 'goal',
          kind: i === 6 ? 'procedural' : 'semantic',
          tags: i % 2 ? ['odd'] : [],
        });
        clock.advance(1000);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ReturnType<typeof facts>['list']>> = await facts().list({
          scope,
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.items.map((f) => f.content));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, ['pref 6', 'pref 5', 'pref 4', 'pref 3', 'pref 2', 'pref 1', 'pref 0']);
      assert.equal((await facts().list({ scope, category: 'preference' })).items.length, 4);
      assert.equal((await facts().list({ scope, kind: 'procedural' })).items.length, 1);
      assert.equal((await facts().list({ scope, tag: 'odd' })).items.length, 3);
      assert.equal((await facts().list({ scope: { tenant: 'lst', user: 'v' } })).items.length, 0);
    });

    it('isolates tenants on every read and write', async () => {
      const f = await facts().assert({ scope: { tenant: 'iso-a', user: 'alice' }, content: 'private' });
      const b = { tenant: 'iso-b' };
      assert.equal(await facts().get({ scope: b, id: f.id }), null);
      assert.equal((await facts().list({ scope: b })).items.length, 0);
      await assert.rejects(facts().chain({ scope: b, id: f.id }), isCode('not_found', 'id'));
      await assert.rejects(
        facts().supersede({ scope: b, id: f.id, fact: { content: 'x' } }),
        isCode('not_found', 'id'),
      );
      await assert.rejects(facts().invalidate({ scope: b, id: f.id }), isCode('not_found', 'id'));
      await assert.rejects(
        facts().supersede({ scope: { tenant: 'iso-a', user: 'bob' }, id: f.id, fact: { content: 'x' } }),
        isCode('not_found', 'id'),
      );
      assert.equal((await facts().get({ scope: { tenant: 'iso-a' }, id: f.id }))?.current, true);
    });
  },
  { start: T0 },
);

describeBackends('facts hooks', (ctx) => {
  const clock = fixedClock(T0);
  it('runs afterAssert inside the transaction, and its failure rolls the write back', async () => {
    const seen: string[] = [];
    const hooked = createFacts({
      db: ctx.db(),
      clock,
      hooks: {
        async afterAssert(tx: Db, fact: Fact) {
          const { rows } = await tx.query<{ n: number }>('select count(*) as n from facts where id = $1', [
            fact.id,
          ]);
          seen.push(`${fact.content}:${rows[0].n}`);
          if (fact.content === 'boom') throw new Error('hook refused');
        },
      },
    });
    const a = await hooked.assert({ scope: { tenant: 'hook' }, content: 'one' });
    await hooked.supersede({ scope: { tenant: 'hook' }, id: a.id, fact: { content: 'two' } });
    await assert.rejects(hooked.assert({ scope: { tenant: 'hook' }, content: 'boom' }), /hook refused/);
    assert.deepEqual(seen, ['one:1', 'two:1', 'boom:1']);
    const { rows } = await ctx
      .db()
      .query<{ n: number }>("select count(*) as n from facts where tenant_id = 'hook'");
    assert.equal(rows[0].n, 2);
  });
});
