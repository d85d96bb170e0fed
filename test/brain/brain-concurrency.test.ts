import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { describeMemories } from '../support/memories.js';

function isConflict(e: unknown): boolean {
  return e instanceof MnemoError && e.code === 'conflict';
}

describeMemories(
  'brain versions and expiry',
  (ctx) => {
    const clock = ctx.clock;
    const brain = () => ctx.memory().brain;

    it('checks expectedVersion: 0 means must not exist, a stale version conflicts', async () => {
      const scope = { tenant: 'ev' };
      const a = await brain().set({ scope, key: 'k', value: 'a', expectedVersion: 0 });
      await assert.rejects(brain().set({ scope, key: 'k', value: 'b', expectedVersion: 0 }), (e) => {
        assert.ok(isConflict(e));
        assert.match((e as Error).message, /version 1, not the expected 0/);
        return true;
      });
      const b = await brain().set({ scope, key: 'k', value: 'b', expectedVersion: a.version });
      await assert.rejects(
        brain().set({ scope, key: 'k', value: 'c', expectedVersion: a.version }),
        isConflict,
      );
      await assert.rejects(brain().set({ scope, key: 'new', value: 1, expectedVersion: 3 }), isConflict);
      assert.equal((await brain().get({ scope, key: 'k' }))?.value, 'b');
      assert.equal(await brain().get({ scope, key: 'new' }), null);
      assert.equal((await brain().history({ scope, key: 'k' })).length, 2);
      await assert.rejects(brain().delete({ scope, key: 'k', expectedVersion: a.version }), isConflict);
      await assert.rejects(brain().delete({ scope, key: 'absent', expectedVersion: 1 }), isConflict);
      assert.equal(await brain().delete({ scope, key: 'k', expectedVersion: b.version }), true);
    });

    it('two concurrent writers with the same expected version: exactly one wins', async () => {
      const scope = { tenant: 'race' };
      for (let round = 0; round < 5; round++) {
        const key = `race.k${round}`;
        // Round 0 races on creation (expected 0), the others on an existing version.
        const expected = round === 0 ? 0 : (await brain().set({ scope, key, value: 'start' })).version;
        const results = await Promise.allSettled([
          brain().set({ scope, key, value: 'A', expectedVersion: expected }),
          brain().set({ scope, key, value: 'B', expectedVersion: expected }),
        ]);
        const won = results.filter((r) => r.status === 'fulfilled');
        const lost = results.filter((r) => r.status === 'rejected');
        assert.equal(won.length, 1, `round ${round}: exactly one writer wins`);
        assert.equal(lost.length, 1);
        assert.ok(isConflict((lost[0] as PromiseRejectedResult).reason));
        const winner = (won[0] as PromiseFulfilledResult<{ value: unknown; version: number }>).value;
        assert.equal(winner.version, expected + 1);
        const now = await brain().get({ scope, key });
        assert.equal(now?.value, winner.value);
        assert.equal(now?.version, expected + 1);
        const h = await brain().history({ scope, key });
        assert.equal(h.length, expected + 1, 'the loser left no history row');
      }
    });

    it('concurrent deletes with the same expected version: one deletes, the other conflicts', async () => {
      const scope = { tenant: 'race-del' };
      const e = await brain().set({ scope, key: 'k', value: 1 });
      const results = await Promise.allSettled([
        brain().delete({ scope, key: 'k', expectedVersion: e.version }),
        brain().delete({ scope, key: 'k', expectedVersion: e.version }),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
      const h = await brain().history({ scope, key: 'k' });
      assert.deepEqual(
        h.map((x) => x.op),
        ['set', 'delete'],
      );
    });

    it('unconditional concurrent writers all land, with a gap-free chain in history', async () => {
      const scope = { tenant: 'many' };
      const n = 8;
      await Promise.all(
        Array.from({ length: n }, (_, i) => brain().set({ scope, key: 'counter', value: i })),
      );
      const h = await brain().history({ scope, key: 'counter' });
      assert.deepEqual(
        h.map((x) => x.version),
        Array.from({ length: n }, (_, i) => i + 1),
      );
      assert.equal(h[0].oldValue, null);
      for (let i = 1; i < n; i++)
        assert.equal(h[i].oldValue, h[i - 1].newValue, 'each old value is the previous new');
      assert.equal((await brain().get({ scope, key: 'counter' }))?.value, h[n - 1].newValue);
    });

    it('an expired key is absent for get and list without any cleanup, then continues its versions', async () => {
      const scope = { tenant: 'ttl' };
      const e = await brain().set({
        scope,
        key: 'session.work',
        value: 'w1',
        ttlSeconds: 60,
        category: 'session',
      });
      await brain().set({ scope, key: 'session.keep', value: 'forever' });
      assert.equal(e.expiresAt?.getTime(), clock.now().getTime() + 60_000);
      clock.advance(59_999);
      assert.equal((await brain().get({ scope, key: 'session.work' }))?.value, 'w1');
      clock.advance(1);
      assert.equal(await brain().get({ scope, key: 'session.work' }), null);
      assert.deepEqual(
        (await brain().list({ scope, prefix: 'session' })).map((x) => x.key),
        ['session.keep'],
      );
      assert.deepEqual(await brain().list({ scope, category: 'session' }), []);
      const { rows } = await ctx
        .db()
        .query("select count(*)::int as n from brain where tenant_id = 'ttl' and key = 'session.work'");
      assert.equal(rows[0].n, 1, 'the row is still there: expiry is decided at read time');
      assert.equal(await brain().delete({ scope, key: 'session.work' }), false);
      await assert.rejects(
        brain().set({ scope, key: 'session.work', value: 'x', expectedVersion: 1 }),
        isConflict,
      );
      const again = await brain().set({ scope, key: 'session.work', value: 'w2', expectedVersion: 0 });
      assert.equal(again.version, 2);
      assert.equal(again.expiresAt, null);
      assert.equal(again.category, 'general', 'an expired key does not lend its metadata');
      assert.deepEqual(again.createdAt, clock.now());
      const h = await brain().history({ scope, key: 'session.work' });
      assert.deepEqual(
        h.map((x) => [x.version, x.oldValue, x.newValue]),
        [
          [1, null, 'w1'],
          [2, null, 'w2'],
        ],
      );
    });

    it('accepts an absolute expiresAt and clears the expiry on a set without one', async () => {
      const scope = { tenant: 'ttl-abs' };
      const at = new Date(clock.now().getTime() + 3_600_000);
      const e = await brain().set({ scope, key: 'k', value: 1, expiresAt: at.toISOString() });
      assert.deepEqual(e.expiresAt, at);
      const f = await brain().set({ scope, key: 'k', value: 2 });
      assert.equal(f.expiresAt, null);
      clock.advance(7_200_000);
      assert.equal((await brain().get({ scope, key: 'k' }))?.value, 2);
    });
  },
  { start: new Date('2026-04-01T00:00:00Z') },
);
