import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../support/backends.js';
import { cli, cliStore } from './cli-harness.js';

/** A one-line error with its code, no stack trace. */
function oneLineError(stderr: string, code: string, text: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${stderr}`);
  assert.match(lines[0], new RegExp(`^error \\[${code}\\]: `));
  assert.match(lines[0], text);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo brain [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
    });
    after(() => cleanup());
    const brain = (...args: string[]) => cli(['brain', ...args, ...flags]);

    it('sets text and JSON values and reads them back', async () => {
      const a = await brain('set', 'identity.name', 'Ada Lovelace', '--category', 'identity', '--json');
      assert.equal(a.code, 0, a.stderr);
      assert.equal(JSON.parse(a.stdout).value, 'Ada Lovelace');
      const b = await brain(
        'set',
        'identity.langs',
        '["en","fr"]',
        '--priority',
        '8',
        '--ttl',
        '3600',
        '--json',
      );
      assert.equal(b.code, 0, b.stderr);
      const e = JSON.parse(b.stdout);
      assert.deepEqual(e.value, ['en', 'fr']);
      assert.equal(e.priority, 8);
      assert.ok(new Date(e.expiresAt).getTime() > Date.now());
      const g = await brain('get', 'identity.name', '--user', '', '--json');
      assert.equal(JSON.parse(g.stdout).category, 'identity');
      const t = await brain('get', 'identity.langs');
      assert.match(t.stdout, /^value: \["en","fr"\]$/m);
    });

    it('lists by prefix as a table or JSON, and shows history', async () => {
      await brain('set', 'identity.name', '"Ada L."', '--by', 'editor');
      await brain('set', 'identityx.other', '1');
      const table = await brain('list', 'identity');
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trim().split('\n');
      // No --user / --agent: the list spans them, with a column each (empty here: no owner).
      assert.match(lines[0], /^user\s+agent\s+key\s+value\s+category\s+priority\s+version/);
      assert.deepEqual(
        lines.slice(2).map((l) => l.trim().split(/\s+/)[0]),
        ['identity.langs', 'identity.name'],
      );
      const json = JSON.parse((await brain('list', 'identity.*', '--category', 'identity', '--json')).stdout);
      assert.deepEqual(
        json.map((e: { key: string }) => e.key),
        ['identity.name'],
      );
      const h = JSON.parse((await brain('history', 'identity.name', '--json')).stdout);
      assert.deepEqual(
        h.map((x: { version: number; oldValue: unknown; newValue: unknown; changedBy: string }) => [
          x.version,
          x.oldValue,
          x.newValue,
          x.changedBy,
        ]),
        [
          [1, null, 'Ada Lovelace', ''],
          [2, 'Ada Lovelace', 'Ada L.', 'editor'],
        ],
      );
    });

    it('deletes, then get fails with not_found (exit 1)', async () => {
      const d = await brain('delete', 'identityx.other');
      assert.equal(d.code, 0, d.stderr);
      assert.match(d.stdout, /^deleted identityx\.other$/m);
      const again = await brain('delete', 'identityx.other', '--json');
      assert.equal(JSON.parse(again.stdout).deleted, false);
      const g = await brain('get', 'identityx.other');
      assert.equal(g.code, 1);
      oneLineError(g.stderr, 'not_found', /identityx\.other/);
    });

    it('reports bad input in one line with exit code 2, and conflicts with exit code 1', async () => {
      const k = await brain('set', 'a..b', '1');
      assert.equal(k.code, 2);
      oneLineError(k.stderr, 'invalid_input', /<key>: .*like identity\.name/);
      const p = await brain('set', 'x.y', '1', '--priority', '11');
      assert.equal(p.code, 2);
      oneLineError(p.stderr, 'invalid_input', /--priority: must be 1 to 10/);
      const ttl = await brain('set', 'x.y', '1', '--ttl', 'soon');
      assert.equal(ttl.code, 2);
      oneLineError(ttl.stderr, 'invalid_input', /--ttl must be a whole number/);
      const v = await brain('set', 'identity.name', '"x"', '--expected-version', '1');
      assert.equal(v.code, 1);
      oneLineError(v.stderr, 'conflict', /version 2, not the expected 1/);
      const list = JSON.parse((await brain('list', 'x', '--json')).stdout);
      assert.deepEqual(list, [], 'nothing was written by the failed commands');
    });
  });
}
