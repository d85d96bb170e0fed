import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InvalidInputError } from '../../src/errors.js';
import { createKeys } from '../../src/keys/keys-service.js';
import { createMemory } from '../../src/memory.js';
import { countPending } from '../../src/recall/embedding-indexer.js';
import type { EmbeddingProgress } from '../../src/recall/embedding-progress.js';
import { serve } from '../../src/server/serve.js';
import type { RouteRegistrar } from '../../src/server/server-types.js';
import { countingEmbedder } from '../recall/indexer-helpers.js';
import { describeBackends } from '../support/backends.js';
import { startServer } from './server-helpers.js';

/** A route that answers only when the test says so. */
function slowRoute(events: string[] = []) {
  let markStarted: () => void = () => {};
  let release: () => void = () => {};
  const started = new Promise<void>((r) => {
    markStarted = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  const register: RouteRegistrar = (app) => {
    app.get('/v1/test/slow', async (c) => {
      markStarted();
      await released;
      events.push('handler finished');
      return c.json({ finished: true });
    });
  };
  return { register, started, release };
}

describeBackends('http serve and shutdown', (ctx) => {
  it('refuses to listen beyond loopback while the store has no key, and says how to fix it', async () => {
    const memory = await createMemory({ db: ctx.db() });
    for (const host of ['0.0.0.0', '192.168.1.10', '::']) {
      await assert.rejects(
        serve({ memory, host, port: 0, handleSignals: false, log: () => {} }),
        (e: unknown) =>
          e instanceof InvalidInputError &&
          e.field === 'host' &&
          e.message.includes(`refusing to listen on ${host}`) &&
          e.message.includes('mnemo keys create'),
      );
    }
  });

  it('listens on 0.0.0.0 once a key exists, and then requires keys', async () => {
    const memory = await createMemory({ db: ctx.db() });
    const { key } = await createKeys({ db: ctx.db(), clock: { now: () => new Date() } }).create({
      tenant: 't',
    });
    const lines: string[] = [];
    const server = await serve({
      memory,
      host: '0.0.0.0',
      port: 0,
      handleSignals: false,
      log: (l) => lines.push(l),
    });
    try {
      assert.equal(server.openMode, false);
      assert.ok(lines.some((l) => /API keys required/.test(l)));
      const base = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${base}/v1/whoami`)).status, 401);
      const r = await fetch(`${base}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(r.status, 200);
    } finally {
      await server.close();
    }
  });

  it('finishes an in-flight request on shutdown, refuses new connections, then runs close hooks', async () => {
    const events: string[] = [];
    const slow = slowRoute(events);
    const t = await startServer(ctx.db(), { config: { routes: [slow.register] } });
    const key = await t.key({ scopes: ['read'] });
    t.server.onClose(() => {
      events.push('hook 1');
    });
    t.server.onClose(async () => {
      events.push('hook 2');
    });
    const inflight = t.call('/v1/test/slow', { key });
    await slow.started;
    const closing = t.server.close().then(() => events.push('closed'));
    await assert.rejects(fetch(`${t.server.url}/healthz`), 'a new connection is refused while draining');
    assert.deepEqual(events, []);
    slow.release();
    const r = await inflight;
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { finished: true });
    await closing;
    await t.server.closed;
    assert.deepEqual(events, ['handler finished', 'hook 2', 'hook 1', 'closed']);
  });

  it('cuts a request that outlives the drain bound, and still closes', async () => {
    const slow = slowRoute();
    const t = await startServer(ctx.db(), { config: { routes: [slow.register] }, serve: { drainMs: 100 } });
    const key = await t.key({ scopes: ['read'] });
    const inflight = t.call('/v1/test/slow', { key });
    await slow.started;
    await t.server.close();
    await assert.rejects(inflight);
    assert.ok(t.lines.some((l) => /still running after 100 ms/.test(l)));
    slow.release();
  });

  // Last in this block: it binds the store to a test embedder.
  it('close() stops a busy background indexer after its current batch; the rest stays pending', async () => {
    const db = ctx.db();
    await db.query(
      `insert into episodes (tenant_id, role, content)
       select 't1', 'user', 'backlog turn ' || g from generate_series(1, 3000) g`,
    );
    const slow = countingEmbedder(16, { delayMs: 30, maxBatch: 16 });
    const progress: EmbeddingProgress[] = [];
    const memory = await createMemory({
      db,
      embedder: slow.embedder,
      onEmbeddingProgress: (p) => progress.push(p),
    });
    const server = await serve({ memory, port: 0, handleSignals: false, log: () => {} });
    while (slow.calls < 3) await new Promise((r) => setTimeout(r, 10));
    const callsAtClose = slow.calls;
    await server.close();
    assert.ok(slow.calls <= callsAtClose + 1, `${slow.calls - callsAtClose} batches started after close()`);
    const left = (await countPending(db)).total;
    assert.equal(left, 3000 - 16 * slow.calls, 'every batch started is written, nothing else');
    assert.equal(progress[0]?.state, 'backlog');
    assert.equal(progress.at(-1)?.state, 'stopped');
    assert.equal(progress.at(-1)?.pending, left);
  });
});
