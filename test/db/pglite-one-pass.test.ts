import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openStore } from '../../src/db/open.js';

// A one-pass job (export, import, backup, restore) opens PGlite lean: a 16 MB buffer cache
// and, on a new folder, initdb in a child process (BENCHMARKS.md: resident memory).
it('a one-pass store on a new folder is made in a child process, is lean, and opens normally after', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-onepass-'));
  try {
    const a = await openStore({ kind: 'pglite', dataDir: join(dir, 'store') }, { onePass: true });
    try {
      const { rows } = await a.query<{ shared_buffers: string }>('show shared_buffers');
      assert.equal(rows[0]?.shared_buffers, '16MB');
      await a.query("insert into meta (key, value) values ('onepass.check', $1::jsonb)", [
        JSON.stringify({ kept: true }),
      ]);
    } finally {
      await a.close();
    }
    // The folder is an ordinary store: reopened as a server or the library would, with the
    // engine's own cache and what the one-pass job wrote.
    const b = await openStore({ kind: 'pglite', dataDir: join(dir, 'store') });
    try {
      const { rows } = await b.query<{ shared_buffers: string }>('show shared_buffers');
      assert.equal(rows[0]?.shared_buffers, '128MB');
      const kept = await b.query<{ value: unknown }>("select value from meta where key = 'onepass.check'");
      assert.deepEqual(kept.rows[0]?.value, { kept: true });
    } finally {
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
