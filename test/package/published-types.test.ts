/**
 * The published types (`dist/**\/*.d.ts`, built by `npm test` first): a declaration marked
 * `@internal` is stripped from them (tsconfig.build.json `stripInternal`), and what is left
 * still compiles on its own, every reference resolved (`skipLibCheck: false`, which a user's
 * project with default settings would also check), so stripping cannot leave a public type
 * pointing at a name that is gone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileAsConsumer } from '../support/consumer-tsc.js';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
const ENTRIES = ['index.d.ts', 'server/index.d.ts', 'mcp/index.d.ts', 'recall/embedders/index.d.ts'];

function declarations(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) declarations(p, out);
    else if (name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('published types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-dts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hold no declaration marked @internal (the worker option `source` among them)', () => {
    const files = declarations(dist);
    assert.ok(files.length > 50, `${files.length} declaration files: is dist built?`);
    const leaking = files.filter((f) => readFileSync(f, 'utf8').includes('@internal'));
    assert.deepEqual(leaking, []);
    const worker = readFileSync(join(dist, 'coordination/worker-options.d.ts'), 'utf8');
    assert.match(worker, /handler: \(task: Task/, 'the public options are there');
    assert.doesNotMatch(worker, /source\?:/, 'the internal one is not');
  });

  it('compile from the four entries with every library file checked', () => {
    const r = compileAsConsumer(
      dir,
      ENTRIES.map((e) => join(dist, e)),
      { skipLibCheck: false },
    );
    assert.equal(r.status, 0, `tsc failed:\n${r.output}`);
  });
});
