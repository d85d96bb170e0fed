import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { requestScope } from '../../src/server/auth-middleware.js';
import type { RouteRegistrar } from '../../src/server/server-types.js';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

/** A write route that acts on the request's scope the way area routes will. */
const scopeEcho: RouteRegistrar = (app) => {
  app.post('/v1/test/scope', async (c) => {
    const body = (await c.req.json()) as { scope?: { tenant?: string; user?: string } };
    return c.json({ scope: requestScope(c, body.scope) });
  });
};

describeBackends('http auth', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startServer(ctx.db(), { config: { routes: [scopeEcho] } });
  });
  after(() => t.close());

  it('serves a valid key as its own tenant, by bearer or x-api-key', async () => {
    const key = await t.key({ tenant: 'acme', scopes: ['read'] });
    const r = await t.call('/v1/whoami', { key });
    assert.equal(r.status, 200);
    assert.equal(r.body.tenant, 'acme');
    assert.deepEqual(r.body.scopes, ['read']);
    assert.equal(r.body.open, false);
    assert.equal(r.body.keyPrefix, key.slice(0, 14));
    const x = await t.call('/v1/whoami', { headers: { 'x-api-key': key } });
    assert.equal(x.status, 200);
    assert.equal(x.body.keyId, r.body.keyId);
  });

  it('answers 401 unauthorized for a missing, malformed, unknown, revoked, disabled or expired key', async () => {
    await t.key(); // the store has keys: no open mode
    const expect401 = async (r: Awaited<ReturnType<TestServer['call']>>, pattern: RegExp) => {
      assert.equal(r.status, 401, r.text);
      assert.equal(r.body.error.code, 'unauthorized');
      assert.match(r.body.error.message, pattern);
    };
    await expect401(await t.call('/v1/whoami'), /no API key/);
    await expect401(await t.call('/v1/whoami', { headers: { authorization: 'Basic abc' } }), /Bearer/);
    await expect401(
      await t.call('/v1/whoami', { key: `mnemo_12345678_${'x'.repeat(43)}` }),
      /unknown API key/,
    );

    const revoked = await t.keys.create({ tenant: 'acme' });
    await t.keys.revoke({ id: revoked.record.id });
    await expect401(await t.call('/v1/whoami', { key: revoked.key }), /revoked/);

    const disabled = await t.keys.create({ tenant: 'acme' });
    await t.keys.setEnabled({ id: disabled.record.id, enabled: false });
    await expect401(await t.call('/v1/whoami', { key: disabled.key }), /disabled/);

    const expiring = await t.keys.create({
      tenant: 'acme',
      expiresAt: new Date(t.clock.now().getTime() + 60_000),
    });
    assert.equal((await t.call('/v1/whoami', { key: expiring.key })).status, 200);
    t.clock.advance(120_000);
    await expect401(await t.call('/v1/whoami', { key: expiring.key }), /expired/);
  });

  it('answers 403 forbidden when the key lacks the scope of the route', async () => {
    const reader = await t.key({ scopes: ['read'] });
    const writer = await t.key({ scopes: ['read', 'write'] });
    const admin = await t.key({ scopes: ['admin'] });
    const post = await t.call('/v1/test/scope', { key: reader, method: 'POST', json: {} });
    assert.equal(post.status, 403);
    assert.equal(post.body.error.code, 'forbidden');
    assert.match(post.body.error.message, /"write" scope/);
    assert.equal((await t.call('/v1/test/scope', { key: writer, method: 'POST', json: {} })).status, 200);

    const list = await t.call('/v1/keys', { key: writer });
    assert.equal(list.status, 403);
    assert.match(list.body.error.message, /"admin" scope/);
    const created = await t.call('/v1/keys', { key: writer, method: 'POST', json: { name: 'x' } });
    assert.equal(created.status, 403);
    assert.equal((await t.call('/v1/keys', { key: admin })).status, 200);
  });

  it('takes the tenant from the key: another tenant in the body or query is 403, never served', async () => {
    const key = await t.key({ tenant: 'acme', scopes: ['admin'] });
    const other = await t.call('/v1/test/scope', {
      key,
      method: 'POST',
      json: { scope: { tenant: 'globex', user: 'u' } },
    });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'forbidden');
    assert.match(other.body.error.message, /globex/);
    const same = await t.call('/v1/test/scope', {
      key,
      method: 'POST',
      json: { scope: { tenant: 'acme', user: 'u' } },
    });
    assert.deepEqual(same.body, { scope: { tenant: 'acme', user: 'u' } });
    const none = await t.call('/v1/test/scope', { key, method: 'POST', json: { scope: { user: 'u' } } });
    assert.deepEqual(none.body, { scope: { tenant: 'acme', user: 'u' } });

    assert.equal((await t.call('/v1/whoami?tenant=globex', { key })).status, 403);
    const before = (await t.keys.list({ tenant: 'globex' })).length;
    const made = await t.call('/v1/keys', {
      key,
      method: 'POST',
      json: { tenant: 'globex', name: 'sneaky' },
    });
    assert.equal(made.status, 403);
    assert.equal((await t.keys.list({ tenant: 'globex' })).length, before);
  });

  it('lets an admin create, list and revoke keys of its own tenant only', async () => {
    const admin = await t.key({
      tenant: 'acme',
      scopes: ['admin'],
      rateLimitPerMinute: 50,
      monthlyQuota: 1000,
    });
    const made = await t.call('/v1/keys', {
      key: admin,
      method: 'POST',
      json: { name: 'bot', scopes: ['read'] },
    });
    assert.equal(made.status, 201, made.text);
    assert.equal(made.body.record.tenant, 'acme');
    assert.equal(made.body.record.rateLimitPerMinute, 50);
    assert.equal(made.body.record.monthlyQuota, 1000);
    assert.equal((await t.call('/v1/whoami', { key: made.body.key })).body.tenant, 'acme');

    const list = await t.call('/v1/keys', { key: admin });
    assert.ok(list.body.keys.every((k: { tenant: string }) => k.tenant === 'acme'));
    assert.equal(list.text.includes(made.body.key), false);

    const foreign = await t.keys.create({ tenant: 'globex' });
    const del = await t.call(`/v1/keys/${foreign.record.id}`, { key: admin, method: 'DELETE' });
    assert.equal(del.status, 404);
    assert.equal((await t.call('/v1/whoami', { key: foreign.key })).status, 200);

    const revoked = await t.call(`/v1/keys/${made.body.record.id}`, { key: admin, method: 'DELETE' });
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await t.call('/v1/whoami', { key: made.body.key })).status, 401);
    // Clients that send a JSON content type on every request, even without a body.
    const again = await t.call(`/v1/keys/${made.body.record.id}`, {
      key: admin,
      method: 'DELETE',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(again.status, 200, again.text);
    const bad = await t.call('/v1/keys/not-a-uuid', { key: admin, method: 'DELETE' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'id');
  });
});

describeBackends('http open loopback mode', (ctx) => {
  let t: TestServer;
  before(async () => {
    t = await startServer(ctx.db());
  });
  after(() => t.close());

  it('serves requests without a key as tenant default with every scope while the store has no key', async () => {
    assert.equal(t.server.openMode, true);
    assert.ok(t.lines.some((l) => /open loopback mode/.test(l)));
    const r = await t.call('/v1/whoami');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      tenant: 'default',
      keyId: null,
      keyPrefix: null,
      scopes: ['read', 'write', 'admin'],
      open: true,
    });
  });

  it('ends open mode as soon as a key exists', async () => {
    const made = await t.call('/v1/keys', { method: 'POST', json: { name: 'first' } });
    assert.equal(made.status, 201);
    assert.equal((await t.call('/v1/whoami')).status, 401);
    assert.equal((await t.call('/v1/whoami', { key: made.body.key })).body.tenant, 'default');
  });
});
