/**
 * MnemoStore against LangGraph's documented BaseStore behaviour (get, put, delete,
 * search with and without a query, filters, TTL, listNamespaces), and hostile namespaces
 * that must never reach another tenant's or user's items, on both backends.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { InvalidNamespaceError } from '@langchain/langgraph-checkpoint';
import { createRemoteMemory } from '../../src/client/remote-memory.js';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { MnemoStore } from '../../src/langgraph/index.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { serve } from '../../src/server/serve.js';
import { describeBackends } from '../support/backends.js';

const HOSTILE: string[][] = [
  ['%'],
  ['_'],
  ['*'],
  ['a%'],
  ['a_c'],
  ['%', '%'],
  ['a', ''],
  [''],
  ['a.b'],
  ['a', 'b'],
  ['lg'],
  ['_25'],
  ["x'; drop table brain; --"],
  ['nul\u0000', 'tab\t'],
  Array.from({ length: 40 }, (_, i) => `d${i}`),
];

describeBackends('langgraph store', (ctx) => {
  const clock = fixedClock(new Date('2026-03-01T00:00:00Z'));
  let mem: LocalMemory;
  let alice: MnemoStore;
  before(async () => {
    mem = await createMemory({ db: ctx.db(), clock, embedder: null, llm: null, indexer: false });
    alice = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'alice' } });
  });
  after(() => mem.close());

  it('puts, gets, replaces and deletes items; they are brain keys recall and count see', async () => {
    await alice.put(['memories', 'food'], 'tea', { text: 'Alice drinks oolong tea every morning', n: 1 });
    const item = await alice.get(['memories', 'food'], 'tea');
    assert.ok(item);
    assert.deepEqual(item.namespace, ['memories', 'food']);
    assert.equal(item.key, 'tea');
    assert.deepEqual(item.value, { text: 'Alice drinks oolong tea every morning', n: 1 });
    assert.ok(item.createdAt instanceof Date && item.updatedAt instanceof Date);
    clock.advance(1000);
    await alice.put(['memories', 'food'], 'tea', { text: 'Alice drinks oolong tea every morning', n: 2 });
    const replaced = await alice.get(['memories', 'food'], 'tea');
    assert.equal(replaced?.value.n, 2);
    assert.deepEqual(replaced?.createdAt, item.createdAt);
    assert.ok((replaced?.updatedAt.getTime() ?? 0) > item.updatedAt.getTime());

    const entry = await mem.brain.get({
      scope: { tenant: 'acme', user: 'alice' },
      key: 'lg.memories.food.tea',
    });
    assert.equal(entry?.category, 'langgraph');
    const recalled = await mem.recall({
      scope: { tenant: 'acme', user: 'alice' },
      query: 'oolong',
      kinds: ['brain'],
    });
    assert.deepEqual(
      recalled.items.map((i) => i.id),
      ['lg.memories.food.tea'],
    );
    assert.equal(await alice.get(['memories', 'food'], 'coffee'), null);
    await alice.delete(['memories', 'food'], 'tea');
    assert.equal(await alice.get(['memories', 'food'], 'tea'), null);
  });

  it('searches a namespace prefix component by component, with filters, limit and offset', async () => {
    const s = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'search' } });
    await s.put(['docs', 'a'], 'k1', { n: 1, tag: 'x', list: [1, 2] });
    clock.advance(1000);
    await s.put(['docs', 'a'], 'k2', { n: 2, tag: 'y' });
    clock.advance(1000);
    await s.put(['docs', 'a', 'deep'], 'k3', { n: 3, tag: 'x' });
    clock.advance(1000);
    await s.put(['docs', 'ab'], 'k4', { n: 4, tag: 'x' });
    await s.put(['docsx'], 'k5', { n: 5 });
    await s.put(['docs'], 'a', { n: 6 });
    const keys = async (prefix: string[], opts?: Parameters<MnemoStore['search']>[1]) =>
      (await s.search(prefix, opts)).map((i) => i.key);
    // newest first; ['docs','ab'] and the item keyed 'a' in ['docs'] are not under ['docs','a']
    assert.deepEqual(await keys(['docs', 'a']), ['k3', 'k2', 'k1']);
    assert.deepEqual((await keys(['docs'], { limit: 100 })).sort(), ['a', 'k1', 'k2', 'k3', 'k4']);
    assert.deepEqual(await keys(['docs', 'a'], { limit: 1, offset: 1 }), ['k2']);
    assert.deepEqual(await keys(['docs'], { filter: { tag: 'x' }, limit: 10 }), ['k4', 'k3', 'k1']);
    assert.deepEqual(await keys(['docs'], { filter: { n: { $gte: 2, $lt: 4 } } }), ['k3', 'k2']);
    assert.deepEqual(await keys(['docs'], { filter: { tag: { $in: ['y'] } } }), ['k2']);
    assert.deepEqual(await keys(['docs'], { filter: { tag: { $ne: 'x' }, n: { $lte: 4 } } }), ['k2']);
    assert.deepEqual(await keys(['docs'], { filter: { list: [1, 2] } }), ['k1']);
    assert.deepEqual(await keys(['nothing']), []);
    assert.equal((await s.search([], { limit: 100 })).length, 6);
  });

  it('searches with a query through recall, ranked, in the prefix and filter only', async () => {
    const s = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'query' } });
    await s.put(['notes'], 'n1', { text: 'the deploy key rotates every month', team: 'ops' });
    await s.put(['notes'], 'n2', { text: 'lunch is at noon', team: 'ops' });
    await s.put(['notes'], 'n3', { text: 'deploy key deploy key deploy pipeline', team: 'dev' });
    await s.put(['other'], 'n4', { text: 'deploy key elsewhere' });
    const hits = await s.search(['notes'], { query: 'deploy key' });
    assert.deepEqual(hits.map((h) => h.key).sort(), ['n1', 'n3']);
    assert.ok(hits.every((h) => typeof h.score === 'number' && h.score > 0));
    const ops = await s.search(['notes'], { query: 'deploy key', filter: { team: 'ops' } });
    assert.deepEqual(
      ops.map((h) => h.key),
      ['n1'],
    );
    const withoutQuery = await s.search(['notes']);
    assert.ok(withoutQuery.every((h) => h.score === undefined));
  });

  it('forgets items after their TTL (per put or the store default)', async () => {
    const s = new MnemoStore({
      memory: mem,
      scope: { tenant: 'acme', user: 'ttl' },
      defaultTtlSeconds: 3600,
    });
    await s.put(['cache'], 'short', { v: 1 }, undefined, { ttlSeconds: 60 });
    await s.put(['cache'], 'default', { v: 2 });
    clock.advance(61_000);
    assert.equal(await s.get(['cache'], 'short'), null);
    assert.deepEqual(
      (await s.search(['cache'])).map((i) => i.key),
      ['default'],
    );
    clock.advance(3600_000);
    assert.equal(await s.get(['cache'], 'default'), null);
    assert.deepEqual(await s.listNamespaces(), []);
  });

  it('lists namespaces by prefix, suffix (with * wildcards) and max depth, paginated', async () => {
    const s = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'ns' } });
    for (const ns of [['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'x'], ['b', 'b'], ['ab']])
      await s.put(ns, 'k', { v: 1 });
    assert.deepEqual(await s.listNamespaces(), [
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
      ['a', 'x'],
      ['ab'],
      ['b', 'b'],
    ]);
    assert.deepEqual(await s.listNamespaces({ prefix: ['a'] }), [
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
      ['a', 'x'],
    ]);
    assert.deepEqual(await s.listNamespaces({ prefix: ['a', '*', 'd'] }), [['a', 'b', 'd']]);
    assert.deepEqual(await s.listNamespaces({ suffix: ['b'] }), [['b', 'b']]);
    assert.deepEqual(await s.listNamespaces({ suffix: ['*', 'c'] }), [['a', 'b', 'c']]);
    assert.deepEqual(await s.listNamespaces({ prefix: ['a'], maxDepth: 2 }), [
      ['a', 'b'],
      ['a', 'x'],
    ]);
    assert.deepEqual(await s.listNamespaces({ limit: 2, offset: 1 }), [
      ['a', 'b', 'd'],
      ['a', 'x'],
    ]);
  });

  it('never lets a hostile namespace reach another tenant or user', async () => {
    const bob = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'bob' } });
    const other = new MnemoStore({ memory: mem, scope: { tenant: 'globex', user: 'alice' } });
    const evil = new MnemoStore({ memory: mem, scope: { tenant: 'acme', user: 'eve' } });
    await bob.put(['private'], 'secret', { text: 'bob secret' });
    await other.put(['private'], 'secret', { text: 'globex secret' });
    // batch() skips LangGraph's own label checks (no '', no '.'): every hostile tuple is stored
    // (the value holds the tuple as JSON text: a JSON value cannot hold a NUL character)
    for (const ns of HOSTILE)
      await evil.batch([{ namespace: ns, key: '%', value: { ns: JSON.stringify(ns) } }]);
    for (const ns of HOSTILE) {
      const [got] = await evil.batch([{ namespace: ns, key: '%' }]);
      assert.deepEqual(got?.namespace, ns, `get ${JSON.stringify(ns)}`);
      assert.deepEqual(got?.value, { ns: JSON.stringify(ns) });
      const found = await evil.batch([{ namespacePrefix: ns, limit: 100, offset: 0 }]);
      for (const hit of found[0]) {
        assert.deepEqual(
          hit.namespace.slice(0, ns.length),
          ns,
          `search ${JSON.stringify(ns)} found ${hit.namespace}`,
        );
        assert.notEqual(hit.value.text, 'bob secret');
      }
      assert.deepEqual(await bob.batch([{ namespace: ns, key: '%' }]), [null]);
      assert.deepEqual(await other.batch([{ namespace: ns, key: '%' }]), [null]);
    }
    // a '%' or '*' namespace is that one component, not a wildcard
    assert.deepEqual(
      (await evil.search(['%'], { limit: 100 })).map((i) => JSON.stringify(i.namespace)).sort(),
      ['["%","%"]', '["%"]'],
    );
    assert.deepEqual(
      (await evil.search(['*'], { limit: 100 })).map((i) => i.namespace),
      [['*']],
    );
    assert.deepEqual(
      (await evil.search(['a'], { limit: 100 })).map((i) => JSON.stringify(i.namespace)).sort(),
      ['["a",""]', '["a","b"]'],
    );
    assert.equal((await evil.search([], { limit: 100 })).length, HOSTILE.length);
    assert.equal((await evil.listNamespaces({ limit: 100 })).length, HOSTILE.length);
    for (const s of [bob, other]) {
      assert.deepEqual(
        (await s.search([], { limit: 100 })).map((i) => i.value.text),
        [s === bob ? 'bob secret' : 'globex secret'],
      );
      assert.deepEqual(await s.listNamespaces({ limit: 100 }), [['private']]);
      assert.deepEqual(await s.search(['%']), []);
      assert.deepEqual(await s.search(['*']), []);
    }
    // LangGraph's own checks still apply through put
    await assert.rejects(evil.put(['a.b'], 'k', { v: 1 }), InvalidNamespaceError);
    await assert.rejects(evil.put(['a', ''], 'k', { v: 1 }), InvalidNamespaceError);
    // too deep to be a brain key: refused, nothing written anywhere
    const deep = Array.from({ length: 200 }, (_, i) => `level${i}`);
    await assert.rejects(
      evil.put(deep, 'k', { v: 1 }),
      (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && /namespace/.test(e.message),
    );
    assert.equal((await evil.search([], { limit: 100 })).length, HOSTILE.length);
  });

  it('works the same on a server’s client (the remote memory)', async () => {
    const localToken = `mnemo_local_${randomBytes(16).toString('hex')}`;
    const server = await serve({
      memory: mem,
      host: '127.0.0.1',
      port: 0,
      handleSignals: false,
      log: () => {},
      config: { clock, localToken, usageFlushMs: 60_000, logger: { error() {}, info() {} } },
    });
    const remote = createRemoteMemory({ url: server.url, apiKey: localToken });
    try {
      const s = new MnemoStore({ memory: remote, scope: { tenant: 'acme', user: 'remote' } });
      await s.put(['a', '%'], 'k', { text: 'over http', n: 1 });
      assert.deepEqual((await s.get(['a', '%'], 'k'))?.value, { text: 'over http', n: 1 });
      assert.deepEqual(
        (await s.search(['a'], { filter: { n: 1 } })).map((i) => i.namespace),
        [['a', '%']],
      );
      assert.deepEqual(await s.listNamespaces(), [['a', '%']]);
      assert.deepEqual(
        (await alice.batch([{ namespace: ['a', '%'], key: 'k' }]))[0],
        null,
        'another user of the same tenant does not see it',
      );
    } finally {
      await remote.close();
      await server.close();
    }
  });
});
