/**
 * On a PostgreSQL server a request's queries run in its tenant's transaction, passed
 * explicitly: the memory a route gets (`c.get('memory')`) runs its areas on that
 * transaction, so row-level security sees the tenant, and a request that fails leaves
 * none of its writes behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { openStore } from '../../src/db/open.js';
import { MnemoError } from '../../src/errors.js';
import type { RouteRegistrar } from '../../src/server/server-types.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

process.env.MNEMO_EMBEDDER ??= 'none';

const probe: RouteRegistrar = (app) => {
  app.get('/v1/test/context', async (c) => {
    const { rows } = await c.get('memory').db.query<{ tenant: string; role: string; episodes: number }>(
      `select current_setting('mnemo.tenant', true) as tenant, current_user as role,
           (select count(*) from episodes) as episodes`,
    );
    return c.json(rows[0]);
  });
  app.post('/v1/test/half-done', async (c) => {
    await c.get('memory').episodes.append({ scope: { tenant: c.get('auth').tenant }, content: 'half done' });
    throw new MnemoError('conflict', 'the second step failed');
  });
  app.post('/v1/test/refused', async (c) => {
    await c.get('memory').brain.set({ scope: { tenant: c.get('auth').tenant }, key: 'refused', value: 1 });
    return c.json({ error: { code: 'forbidden', message: 'refused after writing' } }, 403);
  });
};

describe('a request runs in its tenant transaction [postgres]', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
}, () => {
  let db: Db;
  let t: TestServer;
  let key: string;
  let drop = async () => {};
  before(async () => {
    const d = await createTestDatabase();
    drop = d.drop;
    db = await openStore({ kind: 'postgres', url: d.url });
    await db.query(
      `insert into episodes (tenant_id, role, content) values ('acme', 'user', 'mine'), ('globex', 'user', 'theirs')`,
    );
    t = await startServer(db, { config: { routes: [probe] } });
    key = await t.key({ tenant: 'acme', scopes: ['read', 'write'] });
  });
  after(async () => {
    await t?.close();
    await db?.close();
    await drop();
  });

  it("the route's memory queries in the tenant's context, as mnemo_app: an unfiltered count sees its rows only", async () => {
    const r = await t.call('/v1/test/context', { key });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { tenant: 'acme', role: 'mnemo_app', episodes: 1 });
    // The store's own memory (the pool) is outside any tenant context.
    assert.equal((await t.memory.db.query('select 1 from episodes')).rowCount, 2);
  });

  it('a request that fails after a write leaves nothing behind (a thrown error and a 4xx answer alike)', async () => {
    const failed = await t.call('/v1/test/half-done', { key, method: 'POST', json: {} });
    assert.equal(failed.status, 409, failed.text);
    const refused = await t.call('/v1/test/refused', { key, method: 'POST', json: {} });
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await db.query(`select 1 from episodes where content = 'half done'`)).rowCount, 0);
    assert.equal((await db.query(`select 1 from brain where key = 'refused'`)).rowCount, 0);
  });

  it('a request that succeeds is committed (an operation of the contract mount)', async () => {
    const r = await t.call('/v1/facts', { key, method: 'POST', json: { subject: 's', content: 'kept' } });
    assert.equal(r.status, 201, r.text);
    const { rows } = await db.query<{ tenant_id: string }>(
      `select tenant_id from facts where content = 'kept'`,
    );
    assert.deepEqual(rows, [{ tenant_id: 'acme' }]);
  });
});
