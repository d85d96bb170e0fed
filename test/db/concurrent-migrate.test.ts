import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadMigrations } from '../../src/db/migrate.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const run = promisify(execFile);
const child = join(import.meta.dirname, '../support/open-store-child.ts');

it('4 processes opening one new server database apply each migration exactly once', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
}, async () => {
  const t = await createTestDatabase();
  try {
    const at = Date.now() + 2500;
    const outs = await Promise.all(
      [0, 1, 2, 3].map(() => run(process.execPath, ['--import', 'tsx', child, t.url, String(at)])),
    );
    const applied = outs.map((o) => JSON.parse(o.stdout) as number[]);
    const all = loadMigrations().map((m) => m.version);
    // Exactly one process applied everything; the others found nothing to do.
    assert.deepEqual(
      applied.flat().sort((a, b) => a - b),
      all,
    );
    assert.equal(applied.filter((a) => a.length > 0).length, 1);
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    const { rows } = await c.query(
      'select version, count(*)::int as n from schema_migrations group by version',
    );
    await c.end();
    assert.equal(rows.length, all.length);
    assert.ok(rows.every((r) => r.n === 1));
  } finally {
    await t.drop();
  }
});
