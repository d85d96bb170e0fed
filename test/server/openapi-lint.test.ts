/**
 * `npm run lint:openapi` (scripts/openapi-lint.mjs): redocly's recommended rules over the
 * document, failing on any error and on any warning docs/http.md does not explain. Runs the
 * script as a real process, as CI does. No store is involved beyond an in-memory PGlite (the
 * document does not depend on the backend), so there is no backend loop.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;

function lint(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/openapi-lint.mjs', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run lint:openapi', () => {
  it('passes on the live document: no errors, every warning explained', async () => {
    const r = await lint([]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /: 0 errors, (\d+) warnings \(\1 explained in docs\/http\.md\)/);
    assert.doesNotMatch(r.out, /not explained/);
  });

  it('fails on the document from before operationIds and servers (the snapshot), naming why', async () => {
    const r = await lint(['--file', 'test/server/openapi.snapshot.json']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^error no-empty-servers .*<- not explained$/m);
    assert.match(r.out, /^warn {2}operation-operationId .*<- not explained$/m);
    assert.match(r.out, /errors or warnings docs\/http\.md does not explain/);
  });

  it('refuses unknown arguments with its usage', async () => {
    const r = await lint(['--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.out, /^usage: /m);
  });
});
