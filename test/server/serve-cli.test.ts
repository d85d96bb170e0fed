import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const cliEntry = join(root, 'bin/mnemo.js');

/** Every child this file started: killed after the file, whatever its tests left. */
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(
  args: string[],
  env: Record<string, string> = {},
): ChildProcess & { out: () => string; err: () => string } {
  const child = spawn(process.execPath, [cliEntry, ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  return Object.assign(child, { out: () => out, err: () => err });
}

/**
 * The child's exit code; a child still there after 60 s is killed (SIGKILL, code null),
 * so a hung command fails its test instead of hanging the suite (it was seen once: a
 * `mnemo serve` that printed nothing and never listened, cause not found).
 */
function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(kill);
      r(code);
    });
  });
}

async function run(args: string[], env?: Record<string, string>) {
  const child = start(args, env);
  const code = await exited(child);
  return { code, stdout: child.out(), stderr: child.err() };
}

describe('mnemo serve and mnemo keys (CLI, embedded store in a folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-serve-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses --host 0.0.0.0 without any key: exit code 2 and a message saying why and what to do', async () => {
    const r = await run(['serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0/);
    assert.match(r.stderr, /no API key/);
    assert.match(r.stderr, /mnemo keys create --tenant T/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('rejects a bad --port before opening anything', async () => {
    const r = await run(['serve', '--port', 'eighty', '--data-dir', dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port must be a whole number/);
  });

  it('rejects a bad --pool-size and MNEMO_POOL_SIZE before opening anything', async () => {
    for (const [flags, env] of [
      [['--pool-size', '0'], {}],
      [['--pool-size', 'many'], {}],
      [[], { MNEMO_POOL_SIZE: '-3' }],
    ] as const) {
      const child = start(['serve', '--port', '0', ...flags, '--data-dir', dir], env);
      const code = await exited(child);
      assert.equal(code, 2, child.err());
      assert.match(child.err(), /--pool-size must be a whole number from 1 to 1000/);
      assert.doesNotMatch(child.err(), /\n\s+at /, 'no stack trace');
    }
  });

  let key = '';
  let keyId = '';
  it('creates a key with keys create, printed once', async () => {
    const r = await run([
      'keys',
      'create',
      '--tenant',
      'acme',
      '--scopes',
      'read,write',
      '--name',
      'cli',
      '--json',
      '--data-dir',
      dir,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    key = created.key;
    keyId = created.record.id;
    assert.match(key, /^mnemo_/);
    assert.deepEqual(created.record.scopes, ['read', 'write']);
  });

  it('serves on loopback (MNEMO_PORT), prints the banner, answers with the key, and stops on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    const child = start(['serve', '--data-dir', dir], { MNEMO_PORT: '0', MNEMO_HOST: '127.0.0.1' });
    let url = '';
    for (let i = 0; i < 600 && !url; i++) {
      // The whole banner, up to its last line.
      if (/create a key:/.test(child.out())) url = /listening on (http:\/\/\S+)/.exec(child.out())?.[1] ?? '';
      if (!url) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    try {
      assert.ok(url, `banner: ${child.out()} ${child.err()}`);
      assert.match(
        child.out(),
        new RegExp(`store: embedded PGlite in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      assert.match(child.out(), /API keys required/);
      assert.match(child.out(), /mnemo keys create --tenant T --scopes read,write/);
      const r = await fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { tenant: string }).tenant, 'acme');
      assert.equal((await fetch(`${url}/v1/whoami`)).status, 401);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited(child), 0, child.err());
    assert.match(child.out(), /SIGTERM: shutting down/);
    assert.match(child.out(), /mnemo stopped/);
  });

  it('lists keys without the key itself, and revokes one', async () => {
    const list = await run(['keys', 'list', '--json', '--data-dir', dir]);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout);
    assert.deepEqual(
      rows.map((r: { id: string }) => r.id),
      [keyId],
    );
    assert.equal(list.stdout.includes(key), false);
    assert.ok(rows[0].lastUsedAt, 'the server recorded its use');
    const revoke = await run(['keys', 'revoke', keyId, '--data-dir', dir]);
    assert.equal(revoke.code, 0, revoke.stderr);
    assert.match(revoke.stdout, /state: revoked/);
  });
});
