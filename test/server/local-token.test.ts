import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { it } from 'node:test';
import { createMemory } from '../../src/memory.js';
import { createApp } from '../../src/server/app.js';
import { describeBackends } from '../support/backends.js';
import { startServer } from './server-helpers.js';

const TOKEN = `mnemo_local_${'x'.repeat(43)}`;

/** An address of this machine that is not loopback (null when it has none). */
function outsideAddress(): string | null {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

describeBackends("the data folder owner's local admin token", (ctx) => {
  it('acts from loopback with every scope in the tenant the request names; a wrong token is refused', async () => {
    const t = await startServer(ctx.db(), { config: { localToken: TOKEN } });
    try {
      await t.key({ tenant: 'acme', scopes: ['read'] }); // keys exist: open loopback mode is over
      const who = await t.call('/v1/whoami?tenant=acme', { key: TOKEN });
      assert.equal(who.status, 200, who.text);
      assert.equal(who.body.tenant, 'acme');
      assert.deepEqual(who.body.scopes, ['read', 'write', 'admin']);
      const set = await t.call('/v1/brain/local.check', {
        key: TOKEN,
        method: 'PUT',
        json: { value: 1, scope: { tenant: 'beta' } },
      });
      assert.equal(set.status, 200, set.text);
      assert.equal((await t.memory.brain.get({ scope: { tenant: 'beta' }, key: 'local.check' }))?.value, 1);
      const dflt = await t.call('/v1/whoami', { key: TOKEN });
      assert.equal(dflt.body.tenant, 'default');
      const wrong = await t.call('/v1/whoami', { key: `mnemo_local_${'y'.repeat(43)}` });
      assert.equal(wrong.status, 401);
      assert.match(wrong.body.error.message, /unknown local admin token/);
    } finally {
      await t.close();
    }
  });

  it('is refused without a socket from loopback (in-process requests, another address of the machine)', async () => {
    const app = createApp({ memory: await createMemory({ db: ctx.db() }), config: { localToken: TOKEN } });
    const res = await app.request('/v1/whoami', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 401);
    assert.match(
      ((await res.json()) as { error: { message: string } }).error.message,
      /only from this machine/,
    );

    const address = outsideAddress();
    if (!address) return; // no non-loopback interface on this machine
    const t = await startServer(ctx.db(), { host: '0.0.0.0', config: { localToken: TOKEN } });
    try {
      const r = await fetch(`http://${address}:${t.server.port}/v1/whoami`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(r.status, 401);
      assert.match(
        ((await r.json()) as { error: { message: string } }).error.message,
        /only from this machine/,
      );
    } finally {
      await t.close();
    }
  });

  it("sets a new key's limits and enables/disables keys of any tenant; an ordinary admin key may not set limits", async () => {
    const t = await startServer(ctx.db(), { config: { localToken: TOKEN } });
    try {
      const created = await t.call('/v1/keys', {
        key: TOKEN,
        method: 'POST',
        json: { tenant: 'gamma', name: 'limited', tier: 'gold', rateLimitPerMinute: 5, monthlyQuota: 100 },
      });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.record.tenant, 'gamma');
      assert.equal(created.body.record.tier, 'gold');
      assert.equal(created.body.record.rateLimitPerMinute, 5);
      const id = created.body.record.id;
      const off = await t.call(`/v1/keys/${id}/enabled`, {
        key: TOKEN,
        method: 'PUT',
        json: { enabled: false },
      });
      assert.equal(off.status, 200, off.text);
      assert.equal(off.body.enabled, false);
      const listed = await t.call('/v1/keys', { key: TOKEN });
      assert.ok(
        listed.body.keys.some((k: { id: string }) => k.id === id),
        'the token lists every tenant',
      );

      const admin = await t.key({ tenant: 'gamma', scopes: ['admin'] });
      const refused = await t.call('/v1/keys', {
        key: admin,
        method: 'POST',
        json: { rateLimitPerMinute: 10_000 },
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.field, 'rateLimitPerMinute');
      const on = await t.call(`/v1/keys/${id}/enabled`, {
        key: admin,
        method: 'PUT',
        json: { enabled: true },
      });
      assert.equal(on.status, 200, on.text);
      assert.equal(on.body.enabled, true);
    } finally {
      await t.close();
    }
  });
});
