import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { LIMITS } from '../../src/validation.js';
import { describeMemories } from '../support/memories.js';

/** Asserts `p` rejects with invalid_input naming `field`, and returns the message. */
async function invalid(p: Promise<unknown>, field: string | undefined, message?: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof MnemoError, `expected a MnemoError, got ${e}`);
    assert.equal(e.code, 'invalid_input');
    assert.equal(e.field, field);
    if (message) assert.match(e.message, message);
    return true;
  });
}

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
}

describeMemories(
  'brain input and isolation',
  (ctx) => {
    const brain = () => ctx.memory().brain;
    const counts = async () => {
      const { rows } = await ctx
        .db()
        .query<{ b: number; h: number }>(
          'select (select count(*) from brain)::int as b, (select count(*) from brain_history)::int as h',
        );
      return rows[0];
    };

    it('rejects invalid keys with a message showing a valid one', async () => {
      const before = await counts();
      for (const key of ['a..b', ' x', 'a.b!', '', '.a', 'a.', 'é.x', 'a b', 'x'.repeat(257)])
        await invalid(brain().set({ key, value: 1 }), 'key', /like identity\.name|at most 256/);
      await invalid(brain().set({ key: 42, value: 1 } as never), 'key', /must be a string/);
      await invalid(brain().set({ value: 1 } as never), 'key', /is required/);
      await invalid(brain().get({ key: 'a..b' }), 'key');
      await invalid(brain().delete({ key: 'a.b!' }), 'key');
      await invalid(brain().history({ key: ' x' }), 'key');
      await invalid(brain().list({ prefix: 'a..b' }), 'prefix');
      await invalid(brain().list({ prefix: 'sess%' }), 'prefix');
      assert.deepEqual(await counts(), before);
    });

    it('rejects values that are not storable JSON, naming "value"', async () => {
      const before = await counts();
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const bad: unknown[] = [
        undefined,
        () => 1,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        new Point(1, 2),
        new Date(),
        cyclic,
        { a: undefined },
        [1, Symbol('x')],
        10n,
        'nul\u0000byte',
      ];
      for (const value of bad) await invalid(brain().set({ key: 'v.k', value }), 'value');
      await invalid(brain().set({ key: 'v.k', value: { 'k\u0000': 1 } }), 'value.k', /NUL/);
      await invalid(brain().set({ key: 'v.k' } as never), 'value');
      const big = 'x'.repeat(LIMITS.jsonBytes);
      await invalid(brain().set({ key: 'v.k', value: big }), 'value', /too large/);
      assert.deepEqual(await counts(), before);
      const ok = await brain().set({ key: 'v.k', value: 'x'.repeat(LIMITS.jsonBytes - 2) });
      assert.equal(ok.version, 1);
    });

    it('rejects bad options of set, list, delete and history', async () => {
      const before = await counts();
      const k = { key: 'opt.k', value: 1 };
      await invalid(brain().set({ ...k, priority: 11 }), 'priority', /1 to 10/);
      await invalid(brain().set({ ...k, priority: 0 }), 'priority');
      await invalid(brain().set({ ...k, priority: 2.5 }), 'priority', /whole/);
      await invalid(brain().set({ ...k, priority: '5' } as never), 'priority');
      await invalid(brain().set({ ...k, ttlSeconds: 0 }), 'ttlSeconds');
      await invalid(brain().set({ ...k, ttlSeconds: -5 }), 'ttlSeconds');
      await invalid(brain().set({ ...k, ttlSeconds: 60, expiresAt: new Date() }), 'ttlSeconds', /not both/);
      await invalid(brain().set({ ...k, expiresAt: 'tomorrow' }), 'expiresAt');
      await invalid(brain().set({ ...k, expiresAt: '2020-01-01T00:00:00Z' }), 'expiresAt', /future/);
      await invalid(brain().set({ ...k, expectedVersion: -1 }), 'expectedVersion');
      await invalid(brain().set({ ...k, expectedVersion: 1.5 }), 'expectedVersion');
      await invalid(brain().set({ ...k, category: '' }), 'category');
      await invalid(brain().set({ ...k, category: 7 } as never), 'category');
      await invalid(brain().set({ ...k, description: 'a\u0000b' }), 'description');
      await invalid(brain().set({ ...k, by: 5 } as never), 'by');
      await invalid(brain().set({ ...k, ttl: 5 } as never), 'ttl', /ttl/);
      await invalid(brain().set({ ...k, scope: { tenant: '' } }), 'scope.tenant');
      await invalid(brain().set({ ...k, scope: { org: 'x' } } as never), 'scope.org');
      await invalid(brain().set(null as never), undefined);
      await invalid(brain().set('identity.name' as never), undefined);
      await invalid(brain().list({ limit: 0 }), 'limit');
      await invalid(brain().list({ limit: 5000 }), 'limit');
      await invalid(brain().list({ category: 3 } as never), 'category');
      await invalid(brain().history({ key: 'a', limit: -1 }), 'limit');
      await invalid(brain().delete({ key: 'a', expectedVersion: 'x' } as never), 'expectedVersion');
      assert.deepEqual(await counts(), before);
    });

    it('never shows one tenant the keys of another', async () => {
      const A = { tenant: 'tenant-a', user: 'u' };
      const B = { tenant: 'tenant-b', user: 'u' };
      await brain().set({ scope: A, key: 'identity.name', value: 'secret-a', category: 'identity' });
      await brain().set({ scope: A, key: 'identity.name', value: 'secret-a2' });
      await brain().set({ scope: B, key: 'identity.other', value: 'b' });
      assert.equal(await brain().get({ scope: B, key: 'identity.name' }), null);
      assert.deepEqual(
        (await brain().list({ scope: B })).map((e) => e.key),
        ['identity.other'],
      );
      assert.deepEqual(await brain().list({ scope: B, category: 'identity' }), []);
      assert.deepEqual(await brain().history({ scope: B, key: 'identity.name' }), []);
      assert.equal(await brain().delete({ scope: B, key: 'identity.name' }), false);
      await assert.rejects(
        brain().set({ scope: B, key: 'identity.name', value: 'x', expectedVersion: 2 }),
        (e) => e instanceof MnemoError && e.code === 'conflict' && !e.message.includes('secret'),
      );
      // B writing the same key creates B's own key at version 1; A's is untouched.
      assert.equal((await brain().set({ scope: B, key: 'identity.name', value: 'b-name' })).version, 1);
      const a = await brain().get({ scope: A, key: 'identity.name' });
      assert.equal(a?.value, 'secret-a2');
      assert.equal(a?.version, 2);
      assert.equal((await brain().history({ scope: A, key: 'identity.name' })).length, 2);
    });
  },
  { start: new Date('2026-05-01T00:00:00Z') },
);
