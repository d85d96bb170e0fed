import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { MnemoError } from '../errors.js';

/**
 * What the lock file says (JSON, mode 0600: it may carry the local admin token).
 *
 * @example
 * const info: DataDirLockInfo = { pid: 1234, host: 'ada', startedAt: '2026-05-08T12:00:00.000Z', command: 'serve', nonce: 'x' };
 */
export interface DataDirLockInfo {
  pid: number;
  host: string;
  startedAt: string;
  /** What holds it: `serve`, `watch`, `mcp`, a one-shot command such as `remember`, or `library`. */
  command: string;
  /** Unique per acquisition: tells two locks of the same pid apart. */
  nonce: string;
  /** For `mnemo serve`, once it listens: its base URL. */
  url?: string;
  /** For `mnemo serve`: the local admin token the server accepts from loopback. */
  token?: string;
}

// File primitives and the error of the data folder lock (data-dir-lock.ts).

function nonceOf(file: string): string | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as { nonce?: unknown };
    return typeof v.nonce === 'string' ? v.nonce : null;
  } catch {
    return null;
  }
}

/** Writes a complete file under a unique temporary name beside `file` (mode 0600). */
export function writeTemp(file: string, info: unknown): string {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return tmp;
}

/** Creates `file` with `info` only if it does not exist: link() is atomic and never shows a partial file. */
export function createExclusive(file: string, info: unknown): boolean {
  const tmp = writeTemp(file, info);
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Removes `file` if it still holds `nonce`: it is moved to a unique name first and put
 * back if it turned out to be someone else's.
 */
export function removeIfSame(file: string, nonce: string): void {
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = nonceOf(aside);
  if (moved !== null && moved !== nonce) {
    try {
      linkSync(aside, file);
    } catch {}
  }
  unlinkSync(aside);
}

export function fileAgeMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The `locked` error for a folder held by another process: who holds it and what to do.
 *
 * @example
 * throw lockedError('/home/ada/.mnemo', info);
 */
export function lockedError(dataDir: string, info: DataDirLockInfo | null, here = true): MnemoError {
  const details: Record<string, unknown> = { dataDir, lockFile: join(dataDir, 'mnemo.lock') };
  if (!info)
    return new MnemoError(
      'locked',
      `the data folder ${dataDir} has a lock file that is not a mnemo lock (${join(dataDir, 'mnemo.lock')}): ` +
        'if no mnemo process uses this folder, delete that file and try again',
      { details },
    );
  Object.assign(details, { pid: info.pid, host: info.host, command: info.command });
  if (info.url) details.url = info.url;
  const who = `${info.command === 'library' ? 'a program using mnemo' : `mnemo ${info.command}`} (pid ${info.pid} on host ${info.host}, since ${info.startedAt})`;
  const self = info.pid === process.pid && info.host === hostname();
  const fix = self
    ? 'this process already has it open: reuse that memory, or close it before opening the folder again'
    : 'stop it, or use its HTTP API (run `mnemo serve` on the folder and connect with --url / createMemory({ url })), ' +
      'or use a PostgreSQL server (DATABASE_URL) for several processes';
  const served = info.url ? ` at ${info.url}` : '';
  const remote = here
    ? ''
    : `; that host cannot be checked from here, so the lock is never taken over: if nothing on ${info.host} uses the folder any more, delete ${join(dataDir, 'mnemo.lock')}`;
  return new MnemoError(
    'locked',
    `the data folder ${dataDir} is in use by ${who}${served}; an embedded store has one process at a time: ${fix}${remote}`,
    { details },
  );
}
