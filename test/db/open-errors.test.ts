import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { resolveLocation } from '../../src/config.js';
import { MnemoError } from '../../src/errors.js';
import { createMemory } from '../../src/memory.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const isCode = (code: string, re?: RegExp) => (e: unknown) =>
  e instanceof MnemoError && e.code === code && (!re || re.test(e.message));

describe('configuration', () => {
  it('options win over the environment, DATABASE_URL over MNEMO_DATA_DIR', () => {
    const env = { DATABASE_URL: 'postgres://h:5432/db', MNEMO_DATA_DIR: '/tmp/x' };
    assert.deepEqual(resolveLocation({ dataDir: ':memory:' }, env), { kind: 'pglite', dataDir: null });
    assert.deepEqual(resolveLocation({}, env), { kind: 'postgres', url: 'postgres://h:5432/db' });
    assert.deepEqual(resolveLocation({}, { MNEMO_DATA_DIR: '/tmp/x' }), {
      kind: 'pglite',
      dataDir: '/tmp/x',
    });
    assert.equal(resolveLocation({}, {}).kind, 'pglite');
    assert.match((resolveLocation({}, {}) as { dataDir: string }).dataDir, /\.mnemo$/);
    assert.deepEqual(resolveLocation({ databaseUrl: 'memory:' }, {}), { kind: 'pglite', dataDir: null });
    assert.deepEqual(resolveLocation({ databaseUrl: 'file:/tmp/y' }, {}), {
      kind: 'pglite',
      dataDir: '/tmp/y',
    });
  });

  it('a bad connection string is invalid_input naming the supported forms', async () => {
    for (const url of ['mysql://root@localhost/db', 'not a url', '', 'postgres://']) {
      await assert.rejects(createMemory({ databaseUrl: url }), (e: unknown) => {
        assert.ok(e instanceof MnemoError, String(e));
        assert.equal(e.code, 'invalid_input');
        assert.equal(e.field, 'databaseUrl');
        assert.match(e.message, /postgres:\/\//);
        return true;
      });
    }
  });

  it('an unreachable server is unavailable and says what to check', async () => {
    await assert.rejects(
      createMemory({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }),
      isCode('unavailable', /cannot reach PostgreSQL at 127\.0\.0\.1:1.*DATABASE_URL/),
    );
  });
});

describe('server without pgvector', { skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set' }, () => {
  it('gives a typed error that says how to enable the extension', async () => {
    // A real database where pgvector is not enabled, opened by a user who may not enable it.
    const t = await createTestDatabase('mnemo_novec');
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const role = `mnemo_nopriv_${Date.now().toString(36)}`;
    try {
      await admin.query(`create role ${role} login`);
      const u = new URL(t.url);
      u.username = role;
      u.password = '';
      await assert.rejects(
        createMemory({ databaseUrl: u.toString() }),
        isCode('unavailable', /pgvector .*CREATE EXTENSION vector/),
      );
    } finally {
      await t.drop();
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });

  it('says superuser, not the database owner: the owner may not create pgvector either', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const role = `mnemo_owner_${Date.now().toString(36)}`;
    const name = `mnemo_owned_${Date.now().toString(36)}`;
    try {
      await admin.query(`create role ${role} login`);
      await admin.query(`create database ${name} owner ${role}`);
      const u = new URL(PG_URL as string);
      u.username = role;
      u.password = '';
      u.pathname = `/${name}`;
      await assert.rejects(createMemory({ databaseUrl: u.toString() }), (e: Error) => {
        assert.match(e.message, /as a superuser/);
        assert.doesNotMatch(e.message, /\(or the database owner\)/);
        return true;
      });
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});
