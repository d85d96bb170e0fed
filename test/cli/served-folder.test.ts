/**
 * One owner per embedded folder, seen from the command line: real `mnemo serve`,
 * `mnemo watch` and one-shot processes (the built bin/mnemo.js) on one folder, with the
 * server idle and under concurrent HTTP load. PGlite only: the lock is about the
 * embedded store.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOCK_FILE } from '../../src/db/data-dir-lock.js';
import { createMemory } from '../../src/memory.js';
import { cli } from './cli-harness.js';

const root = new URL('../..', import.meta.url).pathname;
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
});

interface Running {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

function run(args: string[]): Running {
  const proc = spawn(process.execPath, ['bin/mnemo.js', ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  procs.push(proc);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (c) => {
    out += c;
  });
  proc.stderr?.on('data', (c) => {
    err += c;
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out: () => out, err: () => err, exited };
}

async function until(check: () => boolean, what: string, ms = 90_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Concurrent HTTP requests (writes and reads) until stopped; every one must succeed. */
function loadOn(url: string, token: string) {
  let stopped = false;
  const counts = { ok: 0, failed: [] as string[] };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const loops = Array.from({ length: 6 }, async (_, n) => {
    for (let i = 0; !stopped; i++) {
      const res =
        i % 2
          ? await fetch(`${url}/v1/brain?tenant=load`, { headers })
          : await fetch(`${url}/v1/remember`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ text: `load ${n}.${i}`, scope: { tenant: 'load' } }),
            });
      await res.text();
      if (res.ok) counts.ok++;
      else counts.failed.push(`${res.status}`);
    }
  });
  return {
    counts,
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return counts;
    },
  };
}

const servedLine = (stderr: string, pid: number, url: string) => {
  const lines = stderr.split('\n').filter((l) => l.includes('using its HTTP API'));
  assert.equal(lines.length, 1, stderr);
  assert.match(
    lines[0],
    new RegExp(`is served by mnemo serve \\(pid ${pid}\\) at ${url}; using its HTTP API`),
  );
};

for (const mode of ['idle', 'busy'] as const) {
  describe(`a folder held by mnemo serve, server ${mode} (PGlite only)`, { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), `mnemo-served-${mode}-`));
    let server: Running;
    let url = '';
    let pid = 0;
    let load: ReturnType<typeof loadOn> | null = null;
    let rememberedId = '';
    let observed = '';

    before(async () => {
      server = run(['serve', '--data-dir', dir, '--port', '0']);
      await until(() => server.out().includes('formation worker'), 'the server to listen');
      url = /mnemo listening on (http:\/\/\S+)/.exec(server.out())?.[1] ?? '';
      pid = server.proc.pid as number;
      const lock = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
      assert.equal(lock.command, 'serve');
      assert.equal(lock.url, url);
      assert.match(lock.token, /^mnemo_local_/);
      if (mode === 'busy') load = loadOn(url, lock.token);
    });

    after(async () => {
      try {
        if (load) {
          const c = await load.stop();
          assert.deepEqual(c.failed, [], 'every request of the load succeeded');
          assert.ok(c.ok > 0, 'the load ran');
        }
        server.proc.kill('SIGTERM');
        assert.equal(await server.exited, 0, server.err());
        assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'serve removes its lock when it stops');
        // What the CLI wrote while the folder was served is in the store once the server is gone.
        const mem = await createMemory({ dataDir: dir, embedder: null });
        try {
          const fact = await mem.facts.get({ id: rememberedId });
          assert.equal(fact?.content, `remembered while ${mode}`);
          const seen = await mem.observations.query({ type: 'deploy_failed' });
          assert.deepEqual(
            seen.map((o) => o.subject),
            [observed],
          );
        } finally {
          await mem.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('remember goes through the HTTP API, says so in one stderr line, and is kept', async () => {
      const r = await cli(['remember', `remembered while ${mode}`, '--data-dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      servedLine(r.stderr, pid, url);
      rememberedId = r.stdout.trim();
      assert.match(rememberedId, /^[0-9a-f-]{36}$/);
    });

    it("a second serve on the folder fails at once naming the first one's pid and URL", async () => {
      const r = await cli(['serve', '--data-dir', dir, '--port', '0']);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`error \\[locked\\]: .*mnemo serve \\(pid ${pid} on host`));
      assert.match(r.stderr, new RegExp(`at ${url}`));
      assert.match(r.stderr, /stop it, or use its HTTP API.*PostgreSQL server/);
    });

    it('migrate, which needs the store itself, fails with the same clear error', async () => {
      const r = await cli(['migrate', '--data-dir', dir]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`\\[locked\\].*mnemo serve \\(pid ${pid}`));
    });

    it('a watch started through the server receives an observe made through it', async () => {
      const watch = run(['watch', '--data-dir', dir, '--type', 'deploy_failed', '--json']);
      await until(() => watch.err().includes('watching after seq'), 'watch to subscribe');
      servedLine(watch.err(), pid, url);
      observed = `payments-${mode}`;
      const r = await cli(['observe', observed, 'deploy_failed', '--data-dir', dir, '--json']);
      assert.equal(r.code, 0, r.stderr);
      servedLine(r.stderr, pid, url);
      await until(() => watch.out().includes(observed), 'watch to print the observation', 30_000);
      assert.equal(JSON.parse(watch.out().trim()).subject, observed);
      watch.proc.kill('SIGINT');
      assert.equal(await watch.exited, 0, watch.err());
    });

    it('keys create goes through the server: the key works at once and the CLI keeps working', async () => {
      const r = await cli([
        'keys',
        'create',
        '--tenant',
        'acme',
        '--scopes',
        'read,write',
        '--name',
        mode,
        '--data-dir',
        dir,
      ]);
      assert.equal(r.code, 0, r.stderr);
      servedLine(r.stderr, pid, url);
      // What the earlier tests remembered lives in tenant "default" (and the busy server's load
      // in "load"): the owner hears it, through the server too.
      assert.match(
        r.stderr,
        /warning: this store holds memory in other tenants than "acme": .*"default" \(\d+ rows\)/,
      );
      const key = /^key: (\S+)/m.exec(r.stdout)?.[1] ?? '';
      const who = await fetch(`${url}/v1/whoami`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(who.status, 200);
      assert.equal(((await who.json()) as { tenant: string }).tenant, 'acme');
      const keyless = await fetch(`${url}/v1/whoami`);
      await keyless.text();
      assert.equal(keyless.status, 401, 'open loopback mode ended with the first key');

      // The folder's owner still works through the server, in any tenant, with the local token.
      const again = await cli([
        'brain',
        'set',
        'deploy.region',
        '"eu"',
        '--tenant',
        'acme',
        '--data-dir',
        dir,
      ]);
      assert.equal(again.code, 0, again.stderr);
      const got = await fetch(`${url}/v1/brain/deploy.region`, {
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(((await got.json()) as { value: unknown }).value, 'eu');
      const list = await cli(['keys', 'list', '--json', '--data-dir', dir]);
      assert.equal(list.code, 0, list.stderr);
      assert.deepEqual(
        (JSON.parse(list.stdout) as { name: string }[]).map((k) => k.name),
        [mode],
      );
    });
  });
}

describe('a folder held by mnemo watch, which is not a server (PGlite only)', { timeout: 180_000 }, () => {
  it('observe fails at once naming the pid and the fix; it works once watch stops', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-watched-'));
    try {
      const watch = run(['watch', '--data-dir', dir]);
      await until(() => watch.err().includes('watching after seq'), 'watch to subscribe');
      const r = await cli(['observe', 'payments', 'deploy_failed', '--data-dir', dir]);
      assert.equal(r.code, 1, r.stdout);
      assert.match(
        r.stderr,
        new RegExp(`error \\[locked\\]: .*mnemo watch \\(pid ${watch.proc.pid} on host`),
      );
      assert.match(r.stderr, /stop it, or use its HTTP API .*mnemo serve.*or use a PostgreSQL server/);
      watch.proc.kill('SIGINT');
      assert.equal(await watch.exited, 0, watch.err());
      const ok = await cli(['observe', 'payments', 'deploy_failed', '--data-dir', dir]);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--data-dir naming a file says it is a file, not a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-file-'));
    try {
      const file = join(dir, 'store.txt');
      writeFileSync(file, 'x');
      const r = await cli(['brain', 'list', '--data-dir', file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /error \[invalid_input\]: dataDir ".*store\.txt" is a file, not a folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
