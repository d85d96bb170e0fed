import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { openStore } from '../../src/db/open.js';
import { runInTenant } from '../../src/db/tenant-context.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

// The second wall: on a server, a query that forgot its tenant filter still sees only
// the tenant of the request. Written on purpose without the filter.
describe('row-level security [postgres]', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
}, () => {
  let db: Db;
  let drop = async () => {};
  before(async () => {
    const t = await createTestDatabase();
    drop = t.drop;
    db = await openStore({ kind: 'postgres', url: t.url });
    await db.query(
      `insert into episodes (tenant_id, role, content) values ('a', 'user', 'secret of a'), ('b', 'user', 'secret of b')`,
    );
    await db.query(`insert into brain (tenant_id, key, value) values ('a', 'k', '1'), ('b', 'k', '2')`);
  });
  after(async () => {
    await db?.close();
    await drop();
  });

  it('a query without a tenant filter sees only the tenant of its context', async () => {
    const inA = await runInTenant(
      db,
      'a',
      async (tx) => (await tx.query<{ content: string }>('select content from episodes')).rows,
    );
    assert.deepEqual(
      inA.map((r) => r.content),
      ['secret of a'],
    );
    const keys = await runInTenant(
      db,
      'b',
      async (tx) => (await tx.query<{ tenant_id: string }>('select tenant_id from brain')).rows,
    );
    assert.deepEqual(
      keys.map((r) => r.tenant_id),
      ['b'],
    );
    // Outside a tenant context (library, background workers) everything is visible, and so
    // it is on the pool while a tenant's transaction is open: the context is the transaction.
    assert.equal((await db.query('select 1 from episodes')).rowCount, 2);
    const both = await runInTenant(db, 'a', async () => (await db.query('select 1 from episodes')).rowCount);
    assert.equal(both, 2);
  });

  it('refuses to write a row of another tenant, and rolls the request back', async () => {
    await assert.rejects(
      runInTenant(db, 'a', (tx) =>
        tx.query(`insert into episodes (tenant_id, role, content) values ('b', 'user', 'planted')`),
      ),
      (e: unknown) => (e as { code?: string }).code === '42501',
    );
    await assert.rejects(
      runInTenant(db, 'a', async (tx) => {
        await tx.query(`insert into episodes (tenant_id, role, content) values ('a', 'user', 'half done')`);
        throw new Error('handler failed');
      }),
      /handler failed/,
    );
    assert.equal(
      (await db.query(`select 1 from episodes where content in ('planted', 'half done')`)).rowCount,
      0,
    );
  });

  it('a transaction handle refuses statements once its transaction has ended', async () => {
    let late: Db | undefined;
    await runInTenant(db, 'a', async (tx) => {
      late = tx;
    });
    await assert.rejects(
      async () => late?.query('select 1'),
      (e: unknown) => (e as { code?: string }).code === 'unavailable',
    );
  });

  it('an update or delete without a filter cannot touch another tenant', async () => {
    await runInTenant(db, 'a', (tx) => tx.query(`update brain set value = '"overwritten"'`));
    await runInTenant(db, 'a', (tx) => tx.query('delete from episodes'));
    const { rows } = await db.query<{ tenant_id: string; value: unknown }>(
      'select tenant_id, value from brain order by 1',
    );
    assert.deepEqual(rows, [
      { tenant_id: 'a', value: 'overwritten' },
      { tenant_id: 'b', value: 2 },
    ]);
    assert.deepEqual((await db.query<{ tenant_id: string }>('select tenant_id from episodes')).rows, [
      { tenant_id: 'b' },
    ]);
  });
});
