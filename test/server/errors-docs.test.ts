import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createRoute, z } from '@hono/zod-openapi';
import { createMemory } from '../../src/memory.js';
import { createApp } from '../../src/server/app.js';
import type { RouteRegistrar } from '../../src/server/server-types.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

const echoRoute = createRoute({
  method: 'post',
  path: '/v1/test/echo',
  tags: ['test'],
  summary: 'Echoes a validated body',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            importance: z.number().int().min(1).max(10),
            note: z.object({ text: z.string() }),
          }),
        },
      },
    },
  },
  responses: {
    200: { description: 'echo', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
  },
});

/** A documented route with a body schema, and a route that fails the way a bug does. */
const testRoutes: RouteRegistrar = (app) => {
  app.openapi(echoRoute, (c) => {
    c.req.valid('json');
    return c.json({ ok: true }, 200);
  });
  app.get('/v1/test/boom', () => {
    throw new Error('secret detail: connection to 10.0.0.7 refused at pool.js:42');
  });
};

describeBackends('http errors, docs and health', (ctx) => {
  let t: TestServer;
  let key: string;
  before(async () => {
    t = await startServer(ctx.db(), { config: { routes: [testRoutes] } });
    key = await t.key({ scopes: ['read', 'write'] });
  });
  after(() => t.close());

  it('answers 400 invalid_input for malformed JSON', async () => {
    const r = await t.call('/v1/test/echo', {
      key,
      method: 'POST',
      body: '{"importance": 3,',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'invalid_input');
    assert.match(r.body.error.message, /not valid JSON/);
  });

  it('answers 400 invalid_input naming the field that fails its schema', async () => {
    const r = await t.call('/v1/test/echo', {
      key,
      method: 'POST',
      json: { importance: 11, note: { text: 'x' } },
    });
    assert.equal(r.status, 400);
    assert.deepEqual([r.body.error.code, r.body.error.field], ['invalid_input', 'importance']);
    const nested = await t.call('/v1/test/echo', {
      key,
      method: 'POST',
      json: { importance: 1, note: { text: 5 } },
    });
    assert.equal(nested.body.error.field, 'note.text');
    assert.match(nested.body.error.message, /^"note\.text": /);
    const plain = await t.call('/v1/test/echo', {
      key,
      method: 'POST',
      body: 'hi',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(plain.status, 415);
    assert.equal(plain.body.error.code, 'invalid_input');
  });

  it('answers 404 not_found as JSON for an unknown route', async () => {
    const r = await t.call('/v1/no/such/thing', { key });
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(r.body.error.code, 'not_found');
    const outside = await t.call('/nothing-here');
    assert.equal(outside.status, 404);
    assert.equal(outside.body.error.code, 'not_found');
  });

  it('answers 500 internal without the detail or a stack, and logs the detail', async () => {
    const r = await t.call('/v1/test/boom', { key });
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error: { code: 'internal', message: 'internal error' } });
    assert.equal(/secret|10\.0\.0\.7|pool\.js|at /.test(r.text), false);
    const logged = t.logged.find((l) => l.level === 'error' && /test\/boom/.test(l.message));
    assert.ok(logged, 'the detail goes to the server log');
    assert.match(String((logged.detail as Error).message), /secret detail/);
  });

  it('serves a valid OpenAPI 3.1 document listing the routes, with no key', async () => {
    const r = await t.call('/v1/openapi.json');
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(typeof doc.info.title, 'string');
    assert.equal(typeof doc.info.version, 'string');
    for (const p of ['/healthz', '/readyz', '/v1/whoami', '/v1/keys', '/v1/keys/{id}', '/v1/test/echo'])
      assert.ok(doc.paths[p], `${p} is documented`);
    assert.ok(doc.paths['/v1/keys'].post.requestBody);
    assert.ok(
      doc.paths['/v1/keys/{id}'].delete.parameters.some(
        (p: { name: string; in: string }) => p.name === 'id' && p.in === 'path',
      ),
    );
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: doc.components.securitySchemes.bearerAuth.description,
    });
    // Structure every 3.1 document must have: each operation has responses; every $ref resolves.
    const methods = ['get', 'put', 'post', 'delete', 'patch'];
    for (const [path, item] of Object.entries<Record<string, { responses?: object }>>(doc.paths)) {
      assert.ok(path.startsWith('/'));
      for (const m of Object.keys(item)) {
        assert.ok(methods.includes(m), `${path} has only HTTP methods`);
        assert.ok(
          item[m].responses && Object.keys(item[m].responses).length > 0,
          `${m} ${path} has responses`,
        );
      }
    }
    const refs = [...r.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    assert.ok(refs.length > 0);
    for (const ref of refs) assert.ok(doc.components.schemas[ref], `$ref ${ref} resolves`);
    const echo = doc.paths['/v1/test/echo'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(echo.properties.importance, { type: 'integer', minimum: 1, maximum: 10 });
  });

  it('renders /v1/docs as a self-contained HTML page', async () => {
    const r = await t.call('/v1/docs');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    assert.match(r.text, /<!doctype html>/i);
    for (const s of [
      '/v1/whoami',
      '/v1/keys/{id}',
      'DELETE',
      'Echoes a validated body',
      '&quot;importance&quot;',
    ])
      assert.ok(r.text.includes(s), `page mentions ${s}`);
    assert.equal(/<script|<link|https?:\/\//i.test(r.text), false, 'nothing loaded from elsewhere');
  });

  it('answers /healthz and /readyz without a key', async () => {
    assert.deepEqual((await t.call('/healthz')).body, { status: 'ok' });
    assert.deepEqual((await t.call('/readyz')).body, { status: 'ready' });
  });
});

describeBackends('http readiness', (ctx) => {
  it('answers /readyz 503 when the store does not answer', async () => {
    const loc = ctx.location();
    const memory = await createMemory(
      loc.kind === 'postgres' ? { databaseUrl: loc.url } : { dataDir: ':memory:' },
    );
    const app = createApp({ memory });
    assert.equal((await app.request('/readyz')).status, 200);
    await memory.close();
    const r = await app.request('/readyz');
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { status: string }).status, 'unavailable');
    assert.equal((await app.request('/healthz')).status, 200);
  });
});
