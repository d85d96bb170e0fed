import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MnemoError } from '../errors.js';
import {
  createExclusive,
  type DataDirLockInfo,
  fileAgeMs,
  lockedError,
  removeIfSame,
  writeTemp,
} from './lock-files.js';

export { type DataDirLockInfo, lockedError } from './lock-files.js';

/**
 * One owner per embedded data folder. PGlite is a single-process database: two
 * processes on one folder each keep their own copy in memory and the last to stop
 * wins, losing the other's acknowledged writes. The owner holds `mnemo.lock` in the
 * folder for its whole life; everyone else reaches the folder through the owner's
 * HTTP API (`mnemo serve`) or fails with a `locked` error naming it.
 */

/**
 * Name of the lock file inside the data folder (PGlite ignores extra files there).
 *
 * @example
 * join(dataDir, LOCK_FILE) // => '/home/ada/.mnemo/mnemo.lock'
 */
export const LOCK_FILE = 'mnemo.lock';

/**
 * How long opening a folder held by a one-shot command (`mnemo remember`, ...) waits for
 * it to finish before failing: scripts run `mnemo ... & mnemo ...` side by side.
 *
 * @example
 * await acquireDataDirLock(dir, { waitMs: ONE_SHOT_WAIT_MS });
 */
export const ONE_SHOT_WAIT_MS = 15_000;

/** Holders that keep the folder for long: waiting for them is pointless. */
const LASTING = new Set(['serve', 'watch', 'mcp', 'library']);

/**
 * A lock this process holds.
 *
 * @example
 * const lock = await acquireDataDirLock(dir); lock.update({ url }); lock.release();
 */
export interface DataDirLock {
  readonly path: string;
  readonly info: DataDirLockInfo;
  /** Rewrites the lock file atomically with more fields (serve: url and token). */
  update(patch: Pick<DataDirLockInfo, 'url' | 'token'>): void;
  /** Removes the lock file if it is still ours. Idempotent. */
  release(): void;
}

/**
 * What a look at a folder's lock found (`here`: the holder is on this host, so its pid was checked).
 *
 * @example
 * const s: LockState = readDataDirLock(dir); // { state: 'held', info, here: true }
 */
export type LockState =
  | { state: 'free' }
  | { state: 'held'; info: DataDirLockInfo; here: boolean }
  | { state: 'stale'; info: DataDirLockInfo }
  | { state: 'unreadable' };

const held = new Map<string, DataDirLock>();
let processCommand = 'library';
let exitHookInstalled = false;

/**
 * Names what this process is in the lock files it writes (the CLI sets the command
 * name; the default is `library`).
 *
 * @example
 * setLockCommand('watch');
 */
export function setLockCommand(command: string): void {
  processCommand = command;
}

/**
 * Path of the lock file of a data folder.
 *
 * @example
 * lockPath('/home/ada/.mnemo') // => '/home/ada/.mnemo/mnemo.lock'
 */
export function lockPath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readInfo(file: string): DataDirLockInfo | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // No folder (yet): nobody holds it; opening it says what is wrong with the path.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
  try {
    const v = JSON.parse(text) as DataDirLockInfo;
    if (Number.isInteger(v.pid) && typeof v.host === 'string' && typeof v.nonce === 'string') return v;
  } catch {}
  return 'unreadable';
}

function stateOf(file: string, info: DataDirLockInfo): LockState {
  if (info.host !== hostname()) return { state: 'held', info, here: false };
  if (info.pid === process.pid) {
    const mine = held.get(file);
    return mine && mine.info.nonce === info.nonce
      ? { state: 'held', info, here: true }
      : { state: 'stale', info };
  }
  return alive(info.pid) ? { state: 'held', info, here: true } : { state: 'stale', info };
}

/**
 * Looks at a folder's lock without taking it: free, held (by a live process, or by
 * another host), stale (its process is gone) or unreadable.
 *
 * @example
 * const s = readDataDirLock(dir); if (s.state === 'held' && s.info.url) ... // served
 */
export function readDataDirLock(dataDir: string): LockState {
  const file = lockPath(dataDir);
  const info = readInfo(file);
  if (info === null) return { state: 'free' };
  if (info === 'unreadable') return { state: 'unreadable' };
  return stateOf(file, info);
}

/**
 * Takes over a stale lock (acquire's step; exported for tests). Removal happens under a
 * short-lived takeover mutex, and only after re-reading that the lock is still the stale
 * one judged: a lock file changes only by removal, so a process that judged it stale too
 * late never removes the new owner's lock, and two racers cannot both win.
 *
 * @example
 * takeOverStaleLock(lockPath(dir), staleInfo); // then try to create the lock again
 */
export function takeOverStaleLock(file: string, stale: DataDirLockInfo): void {
  const mutex = `${file}.takeover`;
  const me = { pid: process.pid, host: hostname(), nonce: randomBytes(12).toString('hex') };
  if (!createExclusive(mutex, me)) {
    // Someone else is taking over; if they died doing so (rare), clear their mutex.
    const m = readInfo(mutex);
    if (m === 'unreadable') {
      if (fileAgeMs(mutex) > 10_000) removeIfSame(mutex, '');
    } else if (m !== null && m.host === me.host && !alive(m.pid)) removeIfSame(mutex, m.nonce);
    return;
  }
  try {
    const now = readInfo(file);
    if (now !== null && now !== 'unreadable' && now.nonce === stale.nonce) unlinkSync(file);
  } finally {
    removeIfSame(mutex, me.nonce);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Takes the folder's lock for the life of this process (until `release()`, `close()` of
 * the store, or process exit). A stale lock of a dead process on this host is taken over;
 * a folder held by a live one-shot command is waited for up to `waitMs`; anything else
 * fails at once with `locked`.
 *
 * @example
 * const lock = await acquireDataDirLock('/home/ada/.mnemo', { command: 'watch' });
 */
export async function acquireDataDirLock(
  dataDir: string,
  opts: { command?: string; waitMs?: number } = {},
): Promise<DataDirLock> {
  const file = lockPath(dataDir);
  const deadline = Date.now() + (opts.waitMs ?? ONE_SHOT_WAIT_MS);
  // Taking over a stale lock takes milliseconds; a bound only guards against a livelock.
  const takeoverDeadline = Date.now() + Math.max(opts.waitMs ?? ONE_SHOT_WAIT_MS, 5000);
  const info: DataDirLockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    command: opts.command ?? processCommand,
    nonce: randomBytes(12).toString('hex'),
  };
  for (;;) {
    if (createExclusive(file, info)) return register(file, info);
    const found = readInfo(file);
    if (found === null) continue;
    if (found === 'unreadable') throw lockedError(dataDir, null);
    const s = stateOf(file, found);
    if (s.state === 'stale') {
      if (Date.now() > takeoverDeadline)
        throw new MnemoError(
          'locked',
          `cannot take over the stale lock ${file} of pid ${found.pid} (gone): another process keeps taking it over; try again`,
          { details: { dataDir, lockFile: file, pid: found.pid } },
        );
      takeOverStaleLock(file, found);
      await sleep(5);
      continue;
    }
    if (s.state === 'held' && s.here && !LASTING.has(found.command) && found.pid !== process.pid) {
      if (Date.now() < deadline) {
        await sleep(50);
        continue;
      }
    }
    throw lockedError(dataDir, found, s.state === 'held' ? s.here : true);
  }
}

function register(file: string, info: DataDirLockInfo): DataDirLock {
  let current = info;
  let released = false;
  const lock: DataDirLock = {
    path: file,
    get info() {
      return current;
    },
    update(patch) {
      if (released) return;
      const next = { ...current, ...patch };
      const tmp = writeTemp(file, next);
      renameSync(tmp, file);
      current = next;
    },
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      const now = readInfo(file);
      if (now !== null && now !== 'unreadable' && now.nonce === current.nonce) {
        try {
          unlinkSync(file);
        } catch {}
      }
    },
  };
  held.set(file, lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A crash or process.exit() must not leave a lock a live pid seems to hold.
    process.on('exit', () => {
      for (const l of [...held.values()]) l.release();
    });
  }
  return lock;
}

/**
 * The lock this process holds on a folder, if any (`mnemo serve` writes its URL into it).
 *
 * @example
 * heldDataDirLock(dir)?.update({ url: server.url, token });
 */
export function heldDataDirLock(dataDir: string): DataDirLock | undefined {
  return held.get(lockPath(dataDir));
}
