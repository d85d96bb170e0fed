import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  acquireDataDirLock,
  LOCK_FILE,
  lockPath,
  readDataDirLock,
  takeOverStaleLock,
} from '../../src/db/data-dir-lock.js';
import { MnemoError } from '../../src/errors.js';
import { createMemory } from '../../src/memory.js';

// The lock is about the embedded store only: a PostgreSQL server has its own concurrency.
const child = join(import.meta.dirname, '../support/hold-folder-child.ts');
const dirs: string[] = [];
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mnemo-lock-'));
  dirs.push(d);
  return d;
}

function start(args: string[]): { proc: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  procs.push(proc);
  let out = '';
  proc.stdout?.on('data', (c) => {
    out += c;
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, out: () => out, exited };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A pid that belonged to a process which has exited. */
async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => p.once('exit', r));
  return p.pid as number;
}

const lockedBy =
  (pid: number, ...words: RegExp[]) =>
  (e: unknown) => {
    assert.ok(e instanceof MnemoError, String(e));
    assert.equal(e.code, 'locked');
    assert.equal(e.details?.pid, pid);
    assert.match(e.message, new RegExp(`pid ${pid}\\b`));
    for (const w of words) assert.match(e.message, w);
    return true;
  };

describe('data folder lock (PGlite only: one process per embedded folder)', { timeout: 120_000 }, () => {
  it('createMemory on a folder another process holds fails at once naming its pid and the fix; free again once it stops', async () => {
    const dir = freshDir();
    const holder = start([dir, 'memory']);
    await until(() => holder.out().includes('ready'), 'the child to open the folder');
    const pid = holder.proc.pid as number;
    const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(info.pid, pid);
    assert.equal(info.host, hostname());
    assert.equal(info.command, 'library');
    assert.ok(!Number.isNaN(Date.parse(info.startedAt)));
    assert.equal(statSync(join(dir, LOCK_FILE)).mode & 0o777, 0o600);

    await assert.rejects(
      createMemory({ dataDir: dir, embedder: null }),
      lockedBy(
        pid,
        /a program using mnemo/,
        /stop it/,
        /HTTP API/,
        /PostgreSQL server/,
        new RegExp(hostname()),
      ),
    );
    holder.proc.kill('SIGTERM');
    assert.equal(await holder.exited, 0);
    assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'close() removes the lock file');

    const mem = await createMemory({ dataDir: dir, embedder: null });
    assert.equal(readDataDirLock(dir).state, 'held');
    await mem.close();
    assert.equal(readDataDirLock(dir).state, 'free');
  });

  it("a killed holder's stale lock is taken over by the next process", async () => {
    const dir = freshDir();
    const holder = start([dir, 'memory']);
    await until(() => holder.out().includes('ready'), 'the child to open the folder');
    holder.proc.kill('SIGKILL');
    await holder.exited;
    const left = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(left.pid, holder.proc.pid, 'SIGKILL leaves the lock behind');
    assert.equal(readDataDirLock(dir).state, 'stale');

    const mem = await createMemory({ dataDir: dir, embedder: null });
    try {
      assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
      await mem.brain.set({ key: 'after.crash', value: 1 });
    } finally {
      await mem.close();
    }
  });

  it('six processes racing to take over one stale lock: exactly one wins', async () => {
    const dir = freshDir();
    const stale = { pid: await deadPid(), host: hostname(), startedAt: new Date().toISOString() };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...stale, command: 'watch', nonce: 'gone' }));
    const at = String(Date.now() + 2500);
    const racers = Array.from({ length: 6 }, () => start([dir, 'lock', 'remember', at, '3000']));
    await Promise.all(racers.map((r) => r.exited));
    const results = racers.map((r) => r.out().trim()).sort();
    assert.deepEqual(results, ['locked', 'locked', 'locked', 'locked', 'locked', 'won']);
    assert.equal(readDataDirLock(dir).state, 'free');
  });

  it('a process that judged the lock stale too late does not remove the new owner (the race, step by step)', async () => {
    const dir = freshDir();
    const stale = {
      pid: await deadPid(),
      host: hostname(),
      startedAt: new Date().toISOString(),
      command: 'watch',
      nonce: 'old',
    };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(stale));
    // A takes over and owns the folder ...
    const a = await acquireDataDirLock(dir, { command: 'serve' });
    // ... then B, which read the stale lock before A replaced it, carries out its takeover.
    takeOverStaleLock(lockPath(dir), stale);
    const now = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    assert.equal(now.nonce, a.info.nonce, "A's lock is still there");
    await assert.rejects(acquireDataDirLock(dir, { waitMs: 0 }), lockedBy(process.pid));
    a.release();
    assert.equal(readDataDirLock(dir).state, 'free');
  });

  it('a folder held by a one-shot command is waited for; one held by a lasting one fails at once', async () => {
    const dir = freshDir();
    const oneShot = start([dir, 'lock', 'remember', String(Date.now()), '1500']);
    await until(() => oneShot.out().includes('won'), 'the one-shot holder');
    const lock = await acquireDataDirLock(dir, { command: 'facts list' });
    lock.release();
    assert.equal(oneShot.out().trim(), 'won');
    await oneShot.exited;

    const lasting = start([dir, 'lock', 'watch', String(Date.now()), '30000']);
    await until(() => lasting.out().includes('won'), 'the lasting holder');
    await assert.rejects(
      acquireDataDirLock(dir, { waitMs: 60_000 }),
      lockedBy(lasting.proc.pid as number, /mnemo watch/),
    );
    lasting.proc.kill('SIGKILL');
    await lasting.exited;
  });

  it('the same folder opened twice in one process fails until the first is closed', async () => {
    const dir = freshDir();
    const a = await createMemory({ dataDir: dir, embedder: null });
    await assert.rejects(
      createMemory({ dataDir: dir, embedder: null }),
      lockedBy(process.pid, /already has it open/),
    );
    await a.close();
    const b = await createMemory({ dataDir: dir, embedder: null });
    await b.close();
  });

  it("another host's lock is never taken over; an unreadable lock file is not either", async () => {
    const dir = freshDir();
    const pid = await deadPid();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid,
        host: 'elsewhere.example',
        startedAt: '2026-01-01T00:00:00Z',
        command: 'serve',
        nonce: 'n',
      }),
    );
    await assert.rejects(
      createMemory({ dataDir: dir, embedder: null }),
      lockedBy(pid, /elsewhere\.example/, /never taken over/, /delete/),
    );
    writeFileSync(join(dir, LOCK_FILE), 'not json');
    await assert.rejects(createMemory({ dataDir: dir, embedder: null }), (e: unknown) => {
      assert.ok(e instanceof MnemoError && e.code === 'locked', String(e));
      assert.match(e.message, /not a mnemo lock.*delete that file/);
      return true;
    });
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), 'not json', 'left as found');
  });

  it('dataDir naming a file is invalid_input saying it is a file, not a folder', async () => {
    const file = join(freshDir(), 'notes.txt');
    writeFileSync(file, 'x');
    await assert.rejects(createMemory({ dataDir: file, embedder: null }), (e: unknown) => {
      assert.ok(e instanceof MnemoError, String(e));
      assert.equal(e.code, 'invalid_input');
      assert.equal(e.field, 'dataDir');
      assert.match(e.message, /is a file, not a folder/);
      return true;
    });
    assert.equal(readFileSync(file, 'utf8'), 'x');
  });
});
