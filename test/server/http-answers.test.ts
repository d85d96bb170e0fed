/** The answers docs/http.md promises for a wrong content type, a misspelt field, an empty body and a wrong method. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { allowedMethods } from '../../src/server/error-handler.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

describeBackends('HTTP answers as documented', (ctx) => {
  let t: TestServer;
  let key: string;
  before(async () => {
    t = await startServer(ctx.db());
    key = await t.key({ tenant: 'acme' });
  });
  after(() => t?.close());

  const unchanged = async () =>
    assert.equal(await t.memory.brain.get({ scope: { tenant: 'acme' }, key: 'doc.check' }), null);

  // A client must drop an idle connection before the server does, or a request sent on
  // it as the server closes it fails ("other side closed"): fetch keeps one 1 s less than
  // this, and load balancers commonly 60 s (src/server/serve.ts, KEEP_ALIVE_MS).
  it('keeps idle connections 65 s, longer than its clients and load balancers', async () => {
    const r = await fetch(`${t.server.url}/healthz`);
    await r.text();
    assert.match(r.headers.get('keep-alive') ?? '', /timeout=65\b/);
  });

  it('PUT /v1/brain/{key} with text/plain is 415 naming content-type', async () => {
    const r = await t.call('/v1/brain/doc.check', {
      key,
      method: 'PUT',
      body: '{"value": 1}',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(r.status, 415, r.text);
    assert.equal(r.body.error.code, 'invalid_input');
    assert.equal(r.body.error.field, 'content-type');
    await unchanged();
  });

  it('an unknown field headlines as `"valeu": is not a field`, even though value is then missing', async () => {
    const r = await t.call('/v1/brain/doc.check', { key, method: 'PUT', json: { valeu: 'Ada' } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.error.field, 'valeu');
    assert.match(r.body.error.message, /^"valeu": is not a field of this request/);
    await unchanged();
  });

  it('an empty body says value is required: {}, zero bytes of JSON, and no body at all', async () => {
    for (const opts of [
      { json: {} },
      { body: '', headers: { 'content-type': 'application/json' } },
      { body: undefined },
    ]) {
      const r = await t.call('/v1/brain/doc.check', { key, method: 'PUT', ...opts });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.error.code, 'invalid_input');
      assert.equal(r.body.error.field, 'value');
      assert.match(r.body.error.message, /^"value": is required/);
    }
    await unchanged();
    // Where {} would pass, an empty body is refused rather than acted on.
    const ctxEmpty = await t.call('/v1/context', {
      key,
      method: 'POST',
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(ctxEmpty.status, 400, ctxEmpty.text);
    assert.equal(ctxEmpty.body.error.field, 'body');
    assert.equal((await t.call('/v1/context', { key, method: 'POST', json: {} })).status, 200);
    // Malformed JSON is still malformed JSON.
    const bad = await t.call('/v1/brain/doc.check', {
      key,
      method: 'PUT',
      body: '{"value": ',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'body');
  });

  it('a known path with the wrong method is 405 with Allow listing that path’s methods', async () => {
    const r = await t.call('/v1/brain/doc.check', { key, method: 'POST', json: { value: 1 } });
    assert.equal(r.status, 405, r.text);
    assert.equal(r.body.error.code, 'method_not_allowed');
    assert.deepEqual(r.headers.get('allow')?.split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PUT']);
    await unchanged();
    const recall = await t.call('/v1/recall', { key });
    assert.equal(recall.status, 405);
    assert.equal(recall.headers.get('allow'), 'POST');
    // An unknown path stays 404.
    const none = await t.call('/v1/nothing/here', { key });
    assert.equal(none.status, 404);
    assert.equal(none.headers.get('allow'), null);
  });

  it('every registered route: another method on its path is 405 and Allow holds its methods', async () => {
    const routes = t.server.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/'));
    assert.ok(routes.length > 30, `routes: ${routes.length}`);
    const admin = await t.key({ tenant: 'acme', scopes: ['admin'] });
    const paths = new Map<string, string>();
    for (const r of routes)
      paths.set(r.path, r.path.replace(/:[^/]+/g, '00000000-0000-4000-8000-000000000000'));
    for (const [pattern, concrete] of paths) {
      const allow = allowedMethods(routes, concrete);
      const own = routes.filter((r) => r.path === pattern).map((r) => r.method);
      for (const m of own) assert.ok(allow.includes(m), `${m} ${pattern}`);
      const wrong = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].find((m) => !allow.includes(m));
      if (!wrong) continue;
      const r = await t.call(concrete, { key: admin, method: wrong });
      assert.equal(r.status, 405, `${wrong} ${concrete}: ${r.text}`);
      assert.deepEqual(r.headers.get('allow')?.split(', ').sort(), [...allow].sort(), `${wrong} ${concrete}`);
    }
  });
});
