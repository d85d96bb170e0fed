import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { createMemory } from '../../src/memory.js';

it('an embedded data folder survives close and reopen with its data intact', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-persist-'));
  try {
    const a = await createMemory({ dataDir: dir });
    await a.db.query("insert into meta (key, value) values ('persist.check', $1::jsonb)", [
      JSON.stringify({ kept: true }),
    ]);
    await a.close();

    const b = await createMemory({ dataDir: dir });
    const { rows } = await b.db.query<{ value: unknown }>(
      "select value from meta where key = 'persist.check'",
    );
    const { rows: versions } = await b.db.query('select version from schema_migrations');
    await b.close();
    assert.deepEqual(rows[0]?.value, { kept: true });
    assert.ok(versions.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
