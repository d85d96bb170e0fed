import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import { openStore } from '../../src/db/open.js';
import { MnemoError } from '../../src/errors.js';
import { createLlmCache } from '../../src/formation/cache-service.js';
import { describeBackends } from '../support/backends.js';

const T0 = new Date('2026-03-01T12:00:00Z');
let seq = 0;
/** A tenant of its own per test: the store is shared by the tests of a block. */
const tenant = () => `t${++seq}`;

function counter(content: unknown = { facts: ['x'] }, extra: Record<string, unknown> = {}) {
  const fn = async () => {
    fn.calls++;
    return { content, ...extra };
  };
  fn.calls = 0;
  return fn;
}

function invalid(field: string) {
  return (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && e.field === field;
}

describeBackends('llm cache', (ctx) => {
  const key = (
    input: unknown = { text: 'I moved to Lyon' },
    promptVersion: string | number = 'extract-v1',
  ) => ({
    model: 'gpt-test',
    promptVersion,
    input,
    params: { temperature: 0 },
  });
  const rows = async (t: string) =>
    (await ctx.db().query<{ n: number }>('select count(*) as n from llm_cache where tenant_id = $1', [t]))
      .rows[0].n;

  it('misses, stores, then hits without computing again', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant(), user: 'alice' };
    const compute = counter();
    const a = await cache.getOrCompute({ scope, key: key(), compute });
    const b = await cache.getOrCompute({ scope, key: key(), compute });
    assert.deepEqual(a, { content: { facts: ['x'] }, hit: false, hash: a.hash });
    assert.deepEqual(b, { content: { facts: ['x'] }, hit: true, hash: a.hash });
    assert.equal(compute.calls, 1);
    const { rows: r } = await ctx
      .db()
      .query<{ access_count: number; hit_count: number; user_id: string; model: string }>(
        'select access_count, hit_count, user_id, model from llm_cache where tenant_id = $1',
        [scope.tenant],
      );
    assert.deepEqual(r, [{ access_count: 2, hit_count: 1, user_id: 'alice', model: 'gpt-test' }]);
  });

  it('hashes the key canonically: another key order is the same entry', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant() };
    const compute = counter();
    const a = await cache.getOrCompute({ scope, key: key({ a: 1, b: { c: 2, d: 3 } }), compute });
    const b = await cache.getOrCompute({
      scope,
      key: {
        params: { temperature: 0 },
        input: { b: { d: 3, c: 2 }, a: 1 },
        promptVersion: 'extract-v1',
        model: 'gpt-test',
      },
      compute,
    });
    assert.equal(a.hash, b.hash);
    assert.equal(b.hit, true);
    assert.equal(compute.calls, 1);
  });

  it('misses for another prompt version', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant() };
    const compute = counter();
    const a = await cache.getOrCompute({ scope, key: key(undefined, 'extract-v1'), compute });
    const b = await cache.getOrCompute({ scope, key: key(undefined, 'extract-v2'), compute });
    assert.notEqual(a.hash, b.hash);
    assert.equal(b.hit, false);
    assert.equal(compute.calls, 2);
    assert.equal(await rows(scope.tenant), 2);
  });

  it('never returns an expired output as a hit, and replaces it in place', async () => {
    const clock = fixedClock(T0);
    const cache = createLlmCache({ db: ctx.db(), clock });
    const scope = { tenant: tenant() };
    const compute = counter();
    await cache.getOrCompute({ scope, key: key(), compute, ttlSeconds: 60 });
    clock.advance(59_000);
    assert.equal((await cache.getOrCompute({ scope, key: key(), compute, ttlSeconds: 60 })).hit, true);
    clock.advance(2_000);
    const again = await cache.getOrCompute({ scope, key: key(), compute, ttlSeconds: 60 });
    assert.equal(again.hit, false);
    assert.equal(compute.calls, 2);
    assert.equal(await rows(scope.tenant), 1);
    clock.advance(30_000);
    assert.equal((await cache.getOrCompute({ scope, key: key(), compute })).hit, true);
  });

  it('evicts expired outputs and outputs unused for longer than a cutoff', async () => {
    const clock = fixedClock(T0);
    const cache = createLlmCache({ db: ctx.db(), clock });
    const scope = { tenant: tenant() };
    await cache.getOrCompute({ scope, key: key('old'), compute: counter() });
    await cache.getOrCompute({ scope, key: key('short'), compute: counter(), ttlSeconds: 10 });
    clock.advance(100_000);
    await cache.getOrCompute({ scope, key: key('recent'), compute: counter() });
    clock.advance(100_000);
    assert.equal(await cache.evict({ scope }), 1); // only the expired one
    assert.equal(await cache.evict({ scope, olderThanSeconds: 150 }), 1); // 'old' was last used 200 s ago
    assert.equal(await rows(scope.tenant), 1);
    const recent = counter();
    assert.equal((await cache.getOrCompute({ scope, key: key('recent'), compute: recent })).hit, true);
  });

  it('evicts least recently used outputs until under a size budget', async () => {
    const clock = fixedClock(T0);
    const cache = createLlmCache({ db: ctx.db(), clock });
    const scope = { tenant: tenant() };
    const body = (c: string) => ({ text: c.repeat(100) }); // 113 bytes each
    const size = Buffer.byteLength(JSON.stringify(body('a')));
    for (const k of ['a', 'b', 'c']) {
      await cache.getOrCompute({ scope, key: key(k), compute: counter(body(k)) });
      clock.advance(1000);
    }
    await cache.getOrCompute({ scope, key: key('a'), compute: counter() }); // 'a' is now the most recent
    assert.equal(await cache.evict({ scope, maxBytes: 2 * size }), 1);
    assert.equal((await cache.stats({ scope })).bytes, 2 * size);
    const b = counter(body('b'));
    assert.equal((await cache.getOrCompute({ scope, key: key('b'), compute: b })).hit, false); // 'b' was evicted
    assert.equal(await cache.evict({ scope, maxBytes: 0 }), 3); // a, c and the recomputed b
    assert.equal(await rows(scope.tenant), 0);
  });

  it('keeps tenants apart', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const a = { tenant: tenant() };
    const b = { tenant: tenant() };
    const computeA = counter({ by: 'a' });
    const computeB = counter({ by: 'b' });
    const ra = await cache.getOrCompute({ scope: a, key: key(), compute: computeA });
    const rb = await cache.getOrCompute({ scope: b, key: key(), compute: computeB });
    assert.equal(ra.hash, rb.hash);
    assert.equal(rb.hit, false);
    assert.deepEqual(rb.content, { by: 'b' });
    assert.equal(computeB.calls, 1);
    assert.equal((await cache.stats({ scope: a })).misses, 1);
    assert.equal(await cache.clear({ scope: b }), 1);
    assert.equal((await cache.getOrCompute({ scope: a, key: key(), compute: computeA })).hit, true);
  });

  it('computes once for concurrent asks of one key in a process', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant() };
    let calls = 0;
    const compute = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return { content: { v: calls } };
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => cache.getOrCompute({ scope, key: key(), compute })),
    );
    assert.equal(calls, 1);
    assert.equal(await rows(scope.tenant), 1);
    assert.ok(results.every((r) => JSON.stringify(r.content) === '{"v":1}'));
    assert.equal(results.filter((r) => !r.hit).length, 1);
    const s = await cache.stats({ scope });
    assert.deepEqual({ hits: s.hits, misses: s.misses }, { hits: 4, misses: 1 });
  });

  it('stores nothing when compute fails, and computes again next time', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant() };
    await assert.rejects(
      cache.getOrCompute({
        scope,
        key: key(),
        compute: async () => {
          throw new Error('model down');
        },
      }),
      /model down/,
    );
    assert.equal(await rows(scope.tenant), 0);
    assert.equal((await cache.getOrCompute({ scope, key: key(), compute: counter() })).hit, false);
  });

  it('rejects bad input with invalid_input naming the field, storing nothing', async () => {
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
    const scope = { tenant: tenant() };
    const compute = counter();
    const { model: _m, ...noModel } = key();
    await assert.rejects(cache.getOrCompute({ scope, key: noModel as never, compute }), invalid('key.model'));
    await assert.rejects(
      cache.getOrCompute({ scope, key: { ...key(), model: ' ' }, compute }),
      invalid('key.model'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key({ when: new Date() }), compute }),
      invalid('key.input'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key({ f: () => 1 }), compute }),
      invalid('key.input'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: { ...key(), input: undefined }, compute }),
      invalid('key.input'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key(), compute, ttlSeconds: -5 }),
      invalid('ttlSeconds'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key(), compute: 'nope' as never }),
      invalid('compute'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key(), compute: async () => ({ content: { n: Number.NaN } }) }),
      invalid('content'),
    );
    await assert.rejects(
      cache.getOrCompute({ scope, key: key(), compute: async () => ({ content: 'x', cost: -1 }) }),
      invalid('cost'),
    );
    await assert.rejects(cache.evict({ scope, maxBytes: -1 }), invalid('maxBytes'));
    await assert.rejects(cache.stats({ scope: { tenant: '' } }), invalid('scope.tenant'));
    assert.equal(compute.calls, 0);
    assert.equal(await rows(scope.tenant), 0);
    assert.equal((await cache.stats({ scope })).misses, 0);
  });

  it('stores one row when two connections compute the same key at once', async (t) => {
    if (ctx.backend !== 'postgres') {
      t.skip('an in-memory PGlite store has one connection');
      return;
    }
    const other = await openStore(ctx.location());
    try {
      const scope = { tenant: tenant() };
      const c1 = createLlmCache({ db: ctx.db(), clock: fixedClock(T0) });
      const c2 = createLlmCache({ db: other, clock: fixedClock(T0) });
      let started = 0;
      let release: () => void = () => {};
      const bothStarted = new Promise<void>((r) => {
        release = r;
      });
      const compute = (by: string) => async () => {
        if (++started === 2) release();
        await bothStarted; // neither stores before both have missed
        return { content: { by } };
      };
      const [r1, r2] = await Promise.all([
        c1.getOrCompute({ scope, key: key(), compute: compute('one') }),
        c2.getOrCompute({ scope, key: key(), compute: compute('two') }),
      ]);
      assert.equal(started, 2);
      assert.equal(await rows(scope.tenant), 1);
      assert.deepEqual(r1.content, r2.content);
      assert.equal((await c1.stats({ scope })).misses, 2);
    } finally {
      await other.close();
    }
  });
});
