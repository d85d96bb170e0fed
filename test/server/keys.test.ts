import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { createKeys, hashKey } from '../../src/keys/keys-service.js';
import { describeBackends } from '../support/backends.js';

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof MnemoError && e.code === code && (field === undefined || e.field === field);

describeBackends('api keys', (ctx) => {
  const clock = fixedClock(new Date('2026-05-08T12:00:00Z'));
  const keys = () => createKeys({ db: ctx.db(), clock });

  it('creates a key that verifies, with defaults, shown once and stored only as its sha256', async () => {
    const { key, record } = await keys().create({ tenant: 'acme', name: 'ci' });
    assert.match(key, /^mnemo_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.equal(record.prefix, key.slice(0, 14));
    assert.deepEqual(record.scopes, ['read', 'write']);
    assert.equal(record.rateLimitPerMinute, 600);
    assert.equal(record.monthlyQuota, null);
    assert.equal('key' in record, false);

    const verified = await keys().verify(key);
    assert.equal(verified.id, record.id);
    assert.equal(verified.tenant, 'acme');

    // Search every column of every key row, as text, for the raw key and its secret part.
    const { rows } = await ctx.db().query<{ t: string }>('select api_keys::text as t from api_keys');
    const all = rows.map((r) => r.t).join('\n');
    assert.equal(all.includes(key), false);
    assert.equal(all.includes(key.slice(15)), false);
    assert.ok(all.includes(hashKey(key)));
    const listed = JSON.stringify(await keys().list({ tenant: 'acme' }));
    assert.equal(listed.includes(key), false);
    assert.equal(listed.includes(hashKey(key)), false);
  });

  it('decides with crypto.timingSafeEqual', async () => {
    const { key } = await keys().create({ tenant: 'acme' });
    const original = crypto.timingSafeEqual;
    let calls = 0;
    crypto.timingSafeEqual = ((a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls++;
      return original(a, b);
    }) as typeof crypto.timingSafeEqual;
    syncBuiltinESMExports();
    try {
      await keys().verify(key);
    } finally {
      crypto.timingSafeEqual = original;
      syncBuiltinESMExports();
    }
    assert.equal(calls, 1);
  });

  it('refuses unknown, malformed, revoked, disabled and expired keys with unauthorized and says why', async () => {
    const k = keys();
    const fake = `mnemo_00000000_${'A'.repeat(43)}`;
    await assert.rejects(
      k.verify(fake),
      (e) => isCode('unauthorized')(e) && /unknown API key/.test((e as Error).message),
    );
    await assert.rejects(
      k.verify('hello'),
      (e) => isCode('unauthorized')(e) && /not a mnemo API key/.test((e as Error).message),
    );
    await assert.rejects(k.verify(''), isCode('unauthorized'));

    const revoked = await k.create({ tenant: 'acme' });
    await k.revoke({ id: revoked.record.id });
    await assert.rejects(
      k.verify(revoked.key),
      (e) => isCode('unauthorized')(e) && /revoked/.test((e as Error).message),
    );

    const disabled = await k.create({ tenant: 'acme' });
    await k.setEnabled({ id: disabled.record.id, enabled: false });
    await assert.rejects(
      k.verify(disabled.key),
      (e) => isCode('unauthorized')(e) && /disabled/.test((e as Error).message),
    );
    await k.setEnabled({ id: disabled.record.id, enabled: true });
    assert.equal((await k.verify(disabled.key)).id, disabled.record.id);

    const c = fixedClock(new Date('2026-05-08T12:00:00Z'));
    const k2 = createKeys({ db: ctx.db(), clock: c });
    const expiring = await k2.create({ tenant: 'acme', expiresAt: '2026-05-08T13:00:00Z' });
    assert.equal((await k2.verify(expiring.key)).id, expiring.record.id);
    c.advance(2 * 3600_000);
    await assert.rejects(
      k2.verify(expiring.key),
      (e) => isCode('unauthorized')(e) && /expired/.test((e as Error).message),
    );
  });

  it('writes last_used_at at most once a minute', async () => {
    const c = fixedClock(new Date('2026-05-08T12:00:00Z'));
    const k = createKeys({ db: ctx.db(), clock: c });
    const { key, record } = await k.create({ tenant: 'acme' });
    const lastUsed = async () =>
      (
        await ctx
          .db()
          .query<{ t: Date | null }>('select last_used_at as t from api_keys where id = $1', [record.id])
      ).rows[0].t?.toISOString();
    assert.equal(await lastUsed(), undefined);
    await k.verify(key);
    assert.equal(await lastUsed(), '2026-05-08T12:00:00.000Z');
    c.advance(30_000);
    await k.verify(key);
    assert.equal(await lastUsed(), '2026-05-08T12:00:00.000Z');
    c.advance(31_000);
    await k.verify(key);
    assert.equal(await lastUsed(), '2026-05-08T12:01:01.000Z');
  });

  it('lists per tenant, revokes only within the tenant named, and is idempotent', async () => {
    const k = keys();
    const a = await k.create({ tenant: 'list-a', scopes: ['read'] });
    await k.create({
      tenant: 'list-b',
      scopes: ['admin'],
      tier: 'gold',
      rateLimitPerMinute: 5,
      monthlyQuota: 100,
    });
    const listA = await k.list({ tenant: 'list-a' });
    assert.deepEqual(
      listA.map((r) => r.id),
      [a.record.id],
    );
    const b = (await k.list({ tenant: 'list-b' }))[0];
    assert.deepEqual([b.tier, b.rateLimitPerMinute, b.monthlyQuota, b.scopes], ['gold', 5, 100, ['admin']]);
    assert.ok((await k.list()).length >= 2);
    await assert.rejects(k.revoke({ id: a.record.id, tenant: 'list-b' }), isCode('not_found', 'id'));
    const r1 = await k.revoke({ id: a.record.id, tenant: 'list-a' });
    const r2 = await k.revoke({ id: a.record.id });
    assert.ok(r1.revokedAt);
    assert.equal(r2.revokedAt?.getTime(), r1.revokedAt?.getTime());
    await assert.rejects(k.revoke({ id: '00000000-0000-0000-0000-000000000000' }), isCode('not_found', 'id'));
  });

  it('rejects bad input naming the field, and stores nothing', async () => {
    const k = keys();
    const before = await k.count();
    await assert.rejects(k.create({ tenant: '' }), isCode('invalid_input', 'tenant'));
    await assert.rejects(k.create({} as never), isCode('invalid_input', 'tenant'));
    await assert.rejects(
      k.create({ tenant: 'a', scopes: ['root' as never] }),
      isCode('invalid_input', 'scopes.0'),
    );
    await assert.rejects(k.create({ tenant: 'a', scopes: [] }), isCode('invalid_input', 'scopes'));
    await assert.rejects(
      k.create({ tenant: 'a', scopes: ['read', 'read'] }),
      isCode('invalid_input', 'scopes'),
    );
    await assert.rejects(
      k.create({ tenant: 'a', rateLimitPerMinute: 0 }),
      isCode('invalid_input', 'rateLimitPerMinute'),
    );
    await assert.rejects(
      k.create({ tenant: 'a', monthlyQuota: 1.5 }),
      isCode('invalid_input', 'monthlyQuota'),
    );
    await assert.rejects(
      k.create({ tenant: 'a', expiresAt: '2020-01-01T00:00:00Z' }),
      isCode('invalid_input', 'expiresAt'),
    );
    await assert.rejects(k.create({ tenant: 'a', expiresAt: 'soon' }), isCode('invalid_input', 'expiresAt'));
    await assert.rejects(k.create({ tenant: 'a', owner: 'x' } as never), isCode('invalid_input'));
    await assert.rejects(k.revoke({ id: 'nope' }), isCode('invalid_input', 'id'));
    await assert.rejects(k.list({ tenant: 5 } as never), isCode('invalid_input', 'tenant'));
    assert.equal(await k.count(), before);
  });
});
