/** Tasks, observations, conflicts, purge and the cache over HTTP, through a real socket, on both backends. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { afterAssert } from '../../src/coordination/conflicts-service.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

type Res = Awaited<ReturnType<TestServer['call']>>;
const NO_ID = '00000000-0000-4000-8000-000000000000';

// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
function expectStatus(r: Res, status: number): any {
  assert.equal(r.status, status, `${status} expected, got ${r.status}: ${r.text}`);
  return r.body;
}

function expectField(r: Res, field: string): void {
  const body = expectStatus(r, 400);
  assert.equal(body.error.code, 'invalid_input');
  assert.equal(body.error.field, field, r.text);
}

describeBackends('http routes: tasks, observations, conflicts, purge, cache', (ctx) => {
  let t: TestServer;
  let key: string;
  let admin: string;
  const call = (path: string, method = 'GET', json?: unknown, as = key) =>
    t.call(path, { key: as, method, json });
  before(async () => {
    t = await startServer(ctx.db());
    key = await t.key({ scopes: ['read', 'write'] });
    admin = await t.key({ scopes: ['admin'] });
  });
  after(() => t.close());

  it('tasks: create, claim, heartbeat, complete, fail, release, cancel, list, get', async () => {
    const a = expectStatus(
      await call('/v1/tasks', 'POST', { queue: 'crawl', payload: { url: 'a' }, priority: 5 }),
      201,
    );
    const dup = expectStatus(
      await call('/v1/tasks', 'POST', { queue: 'crawl', dedupeKey: 'b', payload: 1 }),
      201,
    );
    assert.equal(
      expectStatus(await call('/v1/tasks', 'POST', { queue: 'crawl', dedupeKey: 'b' }), 201).id,
      dup.id,
    );
    const claimed = expectStatus(await call('/v1/tasks/claim?agent=w1', 'POST', { queue: 'crawl' }), 200);
    assert.deepEqual(
      claimed.items.map((x: { id: string }) => x.id),
      [a.id],
    );
    assert.equal(claimed.items[0].claimedBy, 'w1');
    const hb = expectStatus(
      await call(`/v1/tasks/${a.id}/heartbeat?agent=w1`, 'POST', { leaseSeconds: 120 }),
      200,
    );
    assert.equal(hb.status, 'claimed');
    expectStatus(await call(`/v1/tasks/${a.id}/complete`, 'POST', { agent: 'w2' }), 409);
    const done = expectStatus(
      await call(`/v1/tasks/${a.id}/complete`, 'POST', { agent: 'w1', result: { n: 3 } }),
      200,
    );
    assert.deepEqual([done.status, done.result], ['done', { n: 3 }]);

    const b = expectStatus(
      await call('/v1/tasks/claim', 'POST', { queue: 'crawl', agent: 'w2', limit: 5 }),
      200,
    );
    assert.deepEqual(
      b.items.map((x: { id: string }) => x.id),
      [dup.id],
    );
    const released = expectStatus(await call(`/v1/tasks/${dup.id}/release?agent=w2`, 'POST'), 200);
    assert.equal(released.status, 'open');
    expectStatus(await call('/v1/tasks/claim', 'POST', { queue: 'crawl', agent: 'w2' }), 200);
    const failed = expectStatus(
      await call(`/v1/tasks/${dup.id}/fail`, 'POST', { agent: 'w2', error: 'boom', retry: false }),
      200,
    );
    assert.deepEqual([failed.status, failed.error], ['failed', 'boom']);
    const empty = expectStatus(await call('/v1/tasks/claim', 'POST', { queue: 'crawl', agent: 'w2' }), 200);
    assert.deepEqual(empty.items, []);

    const c = expectStatus(await call('/v1/tasks', 'POST', { queue: 'mail' }), 201);
    assert.equal(expectStatus(await call(`/v1/tasks/${c.id}/cancel`, 'POST'), 200).status, 'cancelled');
    const list = expectStatus(await call('/v1/tasks?queue=crawl&status=done'), 200);
    assert.deepEqual(
      list.items.map((x: { id: string }) => x.id),
      [a.id],
    );
    assert.equal(expectStatus(await call(`/v1/tasks/${a.id}`), 200).queue, 'crawl');
  });

  it('tasks: 404, 400 naming the field, reserved mnemo.* queues', async () => {
    expectStatus(await call(`/v1/tasks/${NO_ID}`), 404);
    for (const action of ['heartbeat', 'complete', 'release'])
      expectStatus(await call(`/v1/tasks/${NO_ID}/${action}?agent=w1`, 'POST'), 404);
    expectStatus(await call(`/v1/tasks/${NO_ID}/fail?agent=w1`, 'POST', { error: 'x' }), 404);
    expectStatus(await call(`/v1/tasks/${NO_ID}/cancel`, 'POST'), 404);
    expectField(await call('/v1/tasks', 'POST', { queue: 'bad queue!' }), 'queue');
    expectField(await call('/v1/tasks', 'POST', { queue: 'q', maxAttempts: 0 }), 'maxAttempts');
    expectField(
      await call('/v1/tasks/claim', 'POST', { queue: 'q', agent: 'w', leaseSeconds: -1 }),
      'leaseSeconds',
    );
    expectField(await call(`/v1/tasks/${NO_ID}/fail`, 'POST', { agent: 'w' }), 'error');
    expectField(await call('/v1/tasks?status=lost'), 'status');
    expectField(await call('/v1/tasks', 'POST', { queue: 'mnemo.extract' }), 'queue');
    expectField(await call('/v1/tasks/claim', 'POST', { queue: 'mnemo.extract', agent: 'w' }), 'queue');
  });

  it('observations: publish and query', async () => {
    const o = expectStatus(
      await call('/v1/observations?agent=ci', 'POST', {
        subject: 'payments',
        type: 'deploy_failed',
        payload: { region: 'eu' },
      }),
      201,
    );
    assert.deepEqual(
      [o.agent, o.subject, o.type, o.payload],
      ['ci', 'payments', 'deploy_failed', { region: 'eu' }],
    );
    expectStatus(
      await call('/v1/observations', 'POST', { subject: 'search', type: 'deployed', agent: 'cd' }),
      201,
    );
    const q = expectStatus(await call('/v1/observations?subject=payments&type=deploy_failed&agent=ci'), 200);
    assert.deepEqual(
      q.items.map((x: { id: string }) => x.id),
      [o.id],
    );
    const all = expectStatus(await call('/v1/observations?limit=10'), 200);
    assert.equal(all.items.length, 2);
    assert.ok(all.items[0].seq > all.items[1].seq, 'newest first');
    expectField(await call('/v1/observations', 'POST', { subject: 'x' }), 'type');
    expectField(await call('/v1/observations', 'POST', { subject: 'x', type: 'y', payload: [] }), 'payload');
    expectField(await call('/v1/observations?limit=5000'), 'limit');
    expectField(await call('/v1/observations?until=soon'), 'until');
  });

  it('conflicts: list, get, resolve', async () => {
    const f1 = expectStatus(
      await call('/v1/facts?user=alice&agent=a1', 'POST', { subject: 'alice.city', content: 'Lyon' }),
      201,
    );
    const f2 = expectStatus(
      await call('/v1/facts?user=alice&agent=a2', 'POST', { subject: 'alice.city', content: 'Paris' }),
      201,
    );
    const open = await t.memory.conflicts.list({ scope: { tenant: 'acme' }, status: 'open' });
    if (open.length === 0) await afterAssert(t.memory.db, f2); // facts not yet wired to the detector
    const list = expectStatus(await call('/v1/conflicts?user=alice&status=open'), 200);
    assert.equal(list.items.length, 1);
    const conflict = list.items[0];
    assert.deepEqual(conflict.facts.map((f: { id: string }) => f.id).sort(), [f1.id, f2.id].sort());
    assert.equal(expectStatus(await call(`/v1/conflicts/${conflict.id}`), 200).subject, 'alice.city');
    expectField(await call(`/v1/conflicts/${conflict.id}/resolve`, 'POST', { keep: NO_ID }), 'keep');
    expectField(await call(`/v1/conflicts/${conflict.id}/resolve`, 'POST', { keep: 'either' }), 'keep');
    const resolved = expectStatus(
      await call(`/v1/conflicts/${conflict.id}/resolve`, 'POST', { keep: f2.id, by: 'supervisor' }),
      200,
    );
    assert.deepEqual(
      [resolved.status, resolved.resolution, resolved.resolvedBy],
      ['resolved', f2.id, 'supervisor'],
    );
    expectStatus(await call(`/v1/conflicts/${conflict.id}/resolve`, 'POST', { keep: 'both' }), 409);
    expectStatus(await call(`/v1/conflicts/${NO_ID}`), 404);
    expectStatus(await call(`/v1/conflicts/${NO_ID}/resolve`, 'POST', { keep: 'both' }), 404);
    expectField(await call('/v1/conflicts?status=closed'), 'status');
  });

  it('cache: stats for read keys, clear for admin keys only', async () => {
    await t.memory.cache.getOrCompute({
      scope: { tenant: 'acme' },
      key: { model: 'm', promptVersion: 1, input: 'x' },
      compute: async () => ({ content: { ok: true }, cost: 0.5 }),
    });
    const stats = expectStatus(await call('/v1/cache/stats'), 200);
    assert.deepEqual([stats.entries, stats.misses], [1, 1]);
    assert.equal(expectStatus(await call('/v1/cache', 'DELETE'), 403).error.code, 'forbidden');
    assert.deepEqual(expectStatus(await call('/v1/cache', 'DELETE', undefined, admin), 200), { removed: 1 });
    assert.equal(expectStatus(await call('/v1/cache/stats'), 200).entries, 0);
  });

  it('purge: admin only; erases a user and says how many rows per table', async () => {
    expectStatus(await call('/v1/episodes?user=zed', 'POST', { content: 'secret' }), 201);
    expectStatus(await call('/v1/brain/identity.name?user=zed', 'PUT', { value: 'Zed' }), 200);
    const denied = await call('/v1/purge', 'POST', { scope: { user: 'zed' } });
    assert.equal(expectStatus(denied, 403).error.code, 'forbidden');
    expectField(await call('/v1/purge', 'POST', {}, admin), 'scope');
    expectField(
      await call('/v1/purge', 'POST', { memory: { kind: 'episode', id: 'x' } }, admin),
      'memory.id',
    );
    const r = expectStatus(
      await call('/v1/purge?user=zed', 'POST', { reason: 'erasure request' }, admin),
      200,
    );
    assert.equal(r.counts.episodes, 1);
    assert.equal(r.counts.brain, 1);
    assert.match(r.auditId, /^[0-9a-f-]{36}$/);
    assert.equal(expectStatus(await call('/v1/episodes?user=zed'), 200).items.length, 0);
  });
});
