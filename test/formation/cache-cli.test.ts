import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createMemory } from '../../src/memory.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['bin/mnemo.js', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const content = (c: string) => ({ text: c.repeat(50) });
const size = Buffer.byteLength(JSON.stringify(content('a')));

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo cache [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    before(async () => {
      let opts: { dataDir?: string; databaseUrl?: string };
      if (backend === 'pglite') {
        const dir = mkdtempSync(join(tmpdir(), 'mnemo-cache-cli-'));
        opts = { dataDir: dir };
        flags = ['--data-dir', dir];
        cleanup = async () => rmSync(dir, { recursive: true, force: true });
      } else {
        const t = await createTestDatabase();
        opts = { databaseUrl: t.url };
        flags = ['--database-url', t.url];
        cleanup = t.drop;
      }
      const mem = await createMemory(opts);
      try {
        const key = (input: string) => ({ model: 'm', promptVersion: 'v1', input });
        for (const k of ['a', 'b', 'a'])
          await mem.cache.getOrCompute({
            key: key(k),
            compute: async () => ({ content: content(k), cost: 0.5 }),
          });
        await mem.cache.getOrCompute({
          scope: { tenant: 'other' },
          key: key('a'),
          compute: async () => ({ content: content('a') }),
        });
      } finally {
        await mem.close();
      }
    });
    after(() => cleanup());

    it('prints stats as JSON and for people', async () => {
      const j = await cli(['cache', 'stats', '--json', ...flags]);
      assert.equal(j.code, 0, j.stderr);
      const s = JSON.parse(j.stdout);
      assert.deepEqual(
        { entries: s.entries, bytes: s.bytes, hits: s.hits, misses: s.misses, costSaved: s.costSaved },
        { entries: 2, bytes: 2 * size, hits: 1, misses: 2, costSaved: 0.5 },
      );
      const h = await cli(['cache', 'stats', ...flags]);
      assert.match(h.stdout, /^hitRate: 33\.3%$/m);
      assert.match(h.stdout, /^costSaved: \$0\.5000$/m);
    });

    it('refuses a bad number with the flag to fix (the next test sees both entries still there)', async () => {
      const r = await cli(['cache', 'clear', '--max-bytes', 'lots', ...flags]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /invalid_input.*--max-bytes must be a whole number/);
    });

    it('evicts to a size budget, then clears the scope only', async () => {
      const e = await cli(['cache', 'clear', '--max-bytes', String(size), '--json', ...flags]);
      assert.equal(e.code, 0, e.stderr);
      assert.deepEqual(JSON.parse(e.stdout), { removed: 1 });
      const c = await cli(['cache', 'clear', '--json', ...flags]);
      assert.deepEqual(JSON.parse(c.stdout), { removed: 1 });
      const other = JSON.parse(
        (await cli(['cache', 'stats', '--json', '--tenant', 'other', ...flags])).stdout,
      );
      assert.equal(other.entries, 1);
    });
  });
}
