/** Tenant isolation through HTTP, and every area route described in the OpenAPI document. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { afterAssert } from '../../src/coordination/conflicts-service.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

type Res = Awaited<ReturnType<TestServer['call']>>;

// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
function expectStatus(r: Res, status: number): any {
  assert.equal(r.status, status, `${status} expected, got ${r.status}: ${r.text}`);
  return r.body;
}

describeBackends('http routes: tenant isolation and OpenAPI', (ctx) => {
  let t: TestServer;
  let a: string;
  let b: string;
  const ids: Record<string, string> = {};
  const as =
    (key: string) =>
    (path: string, method = 'GET', json?: unknown) =>
      t.call(path, { key, method, json });

  before(async () => {
    t = await startServer(ctx.db());
    a = (await t.keys.create({ tenant: 'acme', scopes: ['admin'] })).key;
    b = (await t.keys.create({ tenant: 'globex', scopes: ['admin'] })).key;
    const A = as(a);
    expectStatus(await A('/v1/brain/identity.name', 'PUT', { value: 'Ada' }), 200);
    ids.episode = expectStatus(await A('/v1/episodes', 'POST', { content: 'acme secret' }), 201).id;
    ids.fact = expectStatus(await A('/v1/facts?agent=x', 'POST', { subject: 's', content: 'one' }), 201).id;
    const other = expectStatus(await A('/v1/facts?agent=y', 'POST', { subject: 's', content: 'two' }), 201);
    if ((await t.memory.conflicts.list({ scope: { tenant: 'acme' } })).length === 0)
      await afterAssert(t.memory.db, other);
    ids.conflict = expectStatus(await A('/v1/conflicts'), 200).items[0].id;
    ids.decision = expectStatus(await A('/v1/decisions', 'POST', { context: 'c', chosen: 'x' }), 201).id;
    ids.session = expectStatus(await A('/v1/sessions', 'POST', { id: 'acme-run' }), 201).id;
    ids.task = expectStatus(await A('/v1/tasks', 'POST', { queue: 'q' }), 201).id;
    expectStatus(await A('/v1/tasks/claim', 'POST', { queue: 'q', agent: 'w' }), 200);
    expectStatus(await A('/v1/observations', 'POST', { subject: 'acme', type: 'secret' }), 201);
  });
  after(() => t.close());

  it("a key of tenant B cannot read tenant A's memories by id (404, not 403)", async () => {
    const B = as(b);
    for (const path of [
      '/v1/brain/identity.name',
      `/v1/episodes/${ids.episode}`,
      `/v1/facts/${ids.fact}`,
      `/v1/facts/${ids.fact}/chain`,
      `/v1/decisions/${ids.decision}`,
      `/v1/sessions/${ids.session}`,
      `/v1/tasks/${ids.task}`,
      `/v1/conflicts/${ids.conflict}`,
    ])
      assert.equal(expectStatus(await B(path), 404).error.code, 'not_found', path);
  });

  it("a key of tenant B cannot change tenant A's memories (404) and lists show only its own", async () => {
    const B = as(b);
    const attempts: [string, string, unknown?][] = [
      ['/v1/brain/identity.name', 'DELETE'],
      [`/v1/facts/${ids.fact}/supersede`, 'POST', { fact: { content: 'hijacked' } }],
      [`/v1/facts/${ids.fact}/invalidate`, 'POST', {}],
      [`/v1/decisions/${ids.decision}/resolve`, 'POST', { status: 'failure' }],
      [`/v1/sessions/${ids.session}/end`, 'POST', { summary: 'hijacked' }],
      [`/v1/tasks/${ids.task}/complete`, 'POST', { agent: 'w' }],
      [`/v1/tasks/${ids.task}/heartbeat`, 'POST', { agent: 'w' }],
      [`/v1/tasks/${ids.task}/cancel`, 'POST'],
      [`/v1/conflicts/${ids.conflict}/resolve`, 'POST', { keep: 'both' }],
      ['/v1/purge', 'POST', { memory: { kind: 'episode', id: ids.episode } }],
    ];
    for (const [path, method, json] of attempts) {
      const r = await B(path, method, json);
      assert.equal(expectStatus(r, 404).error.code, 'not_found', `${method} ${path}`);
    }
    for (const path of [
      '/v1/brain',
      '/v1/episodes',
      '/v1/facts',
      '/v1/decisions',
      '/v1/sessions',
      '/v1/tasks',
      '/v1/observations',
      '/v1/conflicts',
    ])
      assert.deepEqual(expectStatus(await B(path), 200).items, [], path);
    const A = as(a);
    assert.equal(expectStatus(await A('/v1/brain/identity.name'), 200).value, 'Ada');
    assert.equal(expectStatus(await A(`/v1/facts/${ids.fact}`), 200).current, true);
    assert.equal(expectStatus(await A(`/v1/decisions/${ids.decision}`), 200).status, 'pending');
    assert.equal(expectStatus(await A(`/v1/sessions/${ids.session}`), 200).endedAt, null);
    assert.equal(expectStatus(await A(`/v1/tasks/${ids.task}`), 200).status, 'claimed');
    assert.equal(expectStatus(await A(`/v1/conflicts/${ids.conflict}`), 200).status, 'open');
    assert.equal(expectStatus(await A(`/v1/episodes/${ids.episode}`), 200).content, 'acme secret');
  });

  // Recall reads on the store's pool, outside the request's row-level security
  // transaction (src/recall/recall-service.ts, RecallDeps): its own tenant filter is what
  // keeps tenants apart there, so it is checked through every reading route.
  it("recall and context with a key of tenant B never return tenant A's memories", async () => {
    const [A, B] = [as(a), as(b)];
    const mine = expectStatus(await A('/v1/recall', 'POST', { query: 'acme secret', k: 20 }), 200);
    assert.ok(
      mine.items.some((i: { id: string }) => i.id === ids.episode),
      "tenant A's recall finds its own episode",
    );
    const theirs = expectStatus(
      await B('/v1/recall', 'POST', { query: 'acme secret Ada one two', k: 50 }),
      200,
    );
    assert.deepEqual(theirs.items, []);
    const ctxB = expectStatus(await B('/v1/context', 'POST', { query: 'acme secret' }), 200);
    assert.doesNotMatch(JSON.stringify(ctxB), /acme secret|Ada/);
  });

  it('naming another tenant in the body or the query string is refused (403)', async () => {
    const B = as(b);
    const body = await B('/v1/episodes', 'POST', { scope: { tenant: 'acme' }, content: 'x' });
    assert.equal(expectStatus(body, 403).error.code, 'forbidden');
    assert.equal(expectStatus(await B('/v1/episodes?tenant=acme'), 403).error.code, 'forbidden');
    assert.equal(
      expectStatus(await B('/v1/brain/k?tenant=acme', 'PUT', { value: 1 }), 403).error.code,
      'forbidden',
    );
    expectStatus(await B('/v1/episodes?tenant=globex'), 200);
  });

  it('describes every area route in the OpenAPI document, with request and response schemas', async () => {
    const doc = expectStatus(await t.call('/v1/openapi.json'), 200);
    const routes = t.server.app.routes
      .filter(
        (r) =>
          r.method !== 'ALL' &&
          r.path.startsWith('/v1/') &&
          !['/v1/openapi.json', '/v1/docs'].includes(r.path),
      )
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.replace(/:(\w+)/g, '{$1}') }));
    const expected = [
      'put /v1/brain/{key}',
      'post /v1/episodes',
      'post /v1/facts/{id}/supersede',
      'post /v1/decisions/{id}/resolve',
      'post /v1/sessions/{id}/end',
      'post /v1/purge',
      'delete /v1/cache',
      'post /v1/tasks/claim',
      'get /v1/observations/stream',
      'post /v1/conflicts/{id}/resolve',
      'post /v1/recall',
      'post /v1/context',
      'post /v1/remember',
      'post /v1/ingest',
      'post /v1/consolidate',
    ];
    const have = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const e of expected) assert.ok(have.has(e), `${e} is registered`);
    for (const { method, path } of routes) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path} is in the OpenAPI document`);
      const ok = op.responses['200'] ?? op.responses['201'];
      assert.ok(ok?.content, `${method} ${path} documents its success response`);
      if (['post', 'put'].includes(method) && path.startsWith('/v1/') && !path.startsWith('/v1/keys'))
        assert.ok(
          op.requestBody?.content?.['application/json']?.schema,
          `${method} ${path} documents its body`,
        );
    }
  });
});
