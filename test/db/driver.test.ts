import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { MnemoError } from '../../src/errors.js';
import { describeBackends } from '../support/backends.js';

describeBackends('driver', (ctx) => {
  it('opens with pgvector and full text available', async () => {
    const { rows } = await ctx
      .db()
      .query<{ d: number; ts: string }>(
        "select '[1,0,0]'::vector <=> '[0,1,0]'::vector as d, to_tsvector('english', 'pushed the code')::text as ts",
      );
    assert.equal(rows[0].d, 1);
    assert.match(rows[0].ts, /push/);
  });

  it('applied every migration exactly once and a second migrate is a no-op', async () => {
    const { rows } = await ctx
      .db()
      .query<{ version: number }>('select version from schema_migrations order by version');
    assert.deepEqual(
      rows.map((r) => r.version),
      loadMigrations().map((m) => m.version),
    );
    assert.deepEqual(await migrate(ctx.db()), []);
  });

  it('queries with parameters and returns numbers for int8', async () => {
    const { rows } = await ctx
      .db()
      .query<{ n: number; s: string; j: unknown }>(
        'select $1::bigint + 1 as n, $2::text as s, $3::jsonb as j',
        [41, "it's", JSON.stringify({ a: [1, 2] })],
      );
    assert.deepEqual(rows[0], { n: 42, s: "it's", j: { a: [1, 2] } });
  });

  it('commits a transaction', async () => {
    const db = ctx.db();
    await db.transaction(async (tx) => {
      await tx.query("insert into meta (key, value) values ('t.commit', '1')");
    });
    const { rowCount } = await db.query("select 1 from meta where key = 't.commit'");
    assert.equal(rowCount, 1);
  });

  it('rolls back a transaction that throws, and nested savepoints roll back alone', async () => {
    const db = ctx.db();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query("insert into meta (key, value) values ('t.rollback', '1')");
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal((await db.query("select 1 from meta where key = 't.rollback'")).rowCount, 0);

    await db.transaction(async (tx) => {
      await tx.query("insert into meta (key, value) values ('t.outer', '1')");
      await assert.rejects(
        tx.transaction(async (inner) => {
          await inner.query("insert into meta (key, value) values ('t.inner', '1')");
          throw new Error('inner');
        }),
      );
    });
    assert.equal((await db.query("select 1 from meta where key = 't.outer'")).rowCount, 1);
    assert.equal((await db.query("select 1 from meta where key = 't.inner'")).rowCount, 0);
  });

  it('rolls back on an SQL error inside a transaction', async () => {
    const db = ctx.db();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query("insert into meta (key, value) values ('t.sqlerr', '1')");
        await tx.query('select * from no_such_table');
      }),
    );
    assert.equal((await db.query("select 1 from meta where key = 't.sqlerr'")).rowCount, 0);
  });

  it('delivers NOTIFY to listeners after commit', async () => {
    const db = ctx.db();
    const got: string[] = [];
    const stop = await db.listen('mnemo_test', (p) => got.push(p));
    await db.transaction(async (tx) => {
      await tx.query("select pg_notify('mnemo_test', 'hello')");
    });
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await stop();
    assert.deepEqual(got, ['hello']);
  });

  it('refuses a store whose schema is newer than the code', async () => {
    const db = ctx.db();
    await db.query("insert into schema_migrations (version, name) values (9999, 'from_the_future')");
    try {
      await assert.rejects(
        migrate(db),
        (e: unknown) => e instanceof MnemoError && e.code === 'schema_too_new',
      );
    } finally {
      await db.query('delete from schema_migrations where version = 9999');
    }
  });
});
