/**
 * The cache's public API (figures and clearing, admin over HTTP) over the in-process
 * memory and the remote client alike; outputs are stored through the in-process cache
 * (`getOrCompute` takes a function, which cannot travel).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeMemories } from '../support/memories.js';

let seq = 0;
/** A tenant of its own per test: the store is shared by the tests of a block. */
const tenant = () => `ca${++seq}`;

function counter(content: unknown = { facts: ['x'] }, extra: Record<string, unknown> = {}) {
  const fn = async () => {
    fn.calls++;
    return { content, ...extra };
  };
  fn.calls = 0;
  return fn;
}

describeMemories('llm cache API', (ctx) => {
  const key = (input: unknown = { text: 'I moved to Lyon' }) => ({
    model: 'gpt-test',
    promptVersion: 'extract-v1',
    input,
    params: { temperature: 0 },
  });
  const rows = async (t: string) =>
    (await ctx.db().query<{ n: number }>('select count(*) as n from llm_cache where tenant_id = $1', [t]))
      .rows[0].n;

  it('reports entries, bytes, hits, misses and what the hits saved', async () => {
    const cache = ctx.memory().cache;
    const t = tenant();
    const content = { summary: 'Alice lives in Lyon', n: 1 };
    const compute = counter(content, {
      promptTokens: 100,
      completionTokens: 50,
      cost: 0.01,
      latencyMs: 2000,
    });
    for (let i = 0; i < 4; i++)
      await ctx.local().cache.getOrCompute({ scope: { tenant: t, user: 'alice' }, key: key(), compute });
    await ctx.local().cache.getOrCompute({ scope: { tenant: t, user: 'bob' }, key: key(), compute });
    const s = await cache.stats({ scope: { tenant: t } });
    assert.equal(s.entries, 1);
    assert.equal(s.bytes, Buffer.byteLength(JSON.stringify(content)));
    assert.deepEqual(
      { hits: s.hits, misses: s.misses, hitRate: s.hitRate },
      { hits: 4, misses: 1, hitRate: 0.8 },
    );
    assert.equal(s.latencySavedMs, 8000);
    assert.ok(Math.abs(s.costSaved - 0.04) < 1e-9);
    assert.equal(s.tokensSaved, 600);
    const bob = await cache.stats({ scope: { tenant: t, user: 'bob' } });
    assert.deepEqual(
      { hits: bob.hits, misses: bob.misses, entries: bob.entries },
      { hits: 1, misses: 0, entries: 0 },
    );
    const empty = await cache.stats({ scope: { tenant: tenant() } });
    assert.deepEqual(empty, {
      entries: 0,
      bytes: 0,
      hits: 0,
      misses: 0,
      hitRate: 0,
      latencySavedMs: 0,
      costSaved: 0,
      tokensSaved: 0,
    });
  });

  it('clears only the given user', async () => {
    const cache = ctx.memory().cache;
    const t = tenant();
    await ctx
      .local()
      .cache.getOrCompute({ scope: { tenant: t, user: 'alice' }, key: key(1), compute: counter() });
    await ctx
      .local()
      .cache.getOrCompute({ scope: { tenant: t, user: 'bob' }, key: key(2), compute: counter() });
    assert.equal(await cache.clear({ scope: { tenant: t, user: 'alice' } }), 1);
    assert.equal(await rows(t), 1);
    assert.equal(await cache.clear({ scope: { tenant: t } }), 1);
    assert.equal(await rows(t), 0);
  });
});
