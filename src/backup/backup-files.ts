/**
 * The files of a backup folder: how a backup is named (a UTC timestamp and its format),
 * which files are mnemo backups, and pruning the oldest of them. Nothing but files named
 * `mnemo-<UTC timestamp>Z[-n].ndjson.gz` or `.dump` is ever listed, so pruning never
 * touches anything else in the folder (a `.partial` file of a running backup included).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../errors.js';

/**
 * How a backup is written: the portable export format (gzipped NDJSON) or `pg_dump -Fc`.
 *
 * @example
 * const f: BackupFormat = 'pg_dump';
 */
export type BackupFormat = 'export' | 'pg_dump';

const EXTENSION: Record<BackupFormat, string> = { export: '.ndjson.gz', pg_dump: '.dump' };
const NAME = /^mnemo-(\d{8}T\d{6}Z)(?:-(\d+))?\.(ndjson\.gz|dump)$/;

/**
 * One backup file of a folder.
 *
 * @example
 * const b: BackupFile = { name: 'mnemo-20261208T011500Z.dump', stamp: '20261208T011500Z', seq: 0, format: 'pg_dump' };
 */
export interface BackupFile {
  name: string;
  /** The UTC timestamp of its name, `20261208T011500Z`. */
  stamp: string;
  /** Tells apart backups of the same second (0 for the first). */
  seq: number;
  format: BackupFormat;
}

/**
 * The compact UTC timestamp a backup's name carries.
 *
 * @example
 * backupStamp(new Date('2026-12-08T01:15:00.250Z')) // => '20261208T011500Z'
 */
export function backupStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/**
 * Parses a file name; null when it is not a mnemo backup.
 *
 * @example
 * parseBackupName('mnemo-20261208T011500Z.dump') // => { name: '...', stamp: '20261208T011500Z', seq: 0, format: 'pg_dump' }
 * parseBackupName('notes.txt')                   // => null
 */
export function parseBackupName(name: string): BackupFile | null {
  const m = NAME.exec(name);
  if (!m) return null;
  return { name, stamp: m[1], seq: m[2] ? Number(m[2]) : 0, format: m[3] === 'dump' ? 'pg_dump' : 'export' };
}

/**
 * The mnemo backups in a folder, oldest first.
 *
 * @example
 * listBackups('/var/backups/mnemo').map((b) => b.name) // => ['mnemo-20261207T011500Z.dump', 'mnemo-20261208T011500Z.dump']
 */
export function listBackups(dir: string): BackupFile[] {
  const found: BackupFile[] = [];
  for (const name of readdirSync(dir)) {
    const b = parseBackupName(name);
    if (b && statSync(join(dir, name)).isFile()) found.push(b);
  }
  return found.sort((a, b) => (a.stamp === b.stamp ? a.seq - b.seq : a.stamp < b.stamp ? -1 : 1));
}

/**
 * A name for a new backup taken at `at` that no file of the folder has yet.
 *
 * @example
 * newBackupName('/backups', new Date('2026-12-08T01:15:00Z'), 'export') // => 'mnemo-20261208T011500Z.ndjson.gz'
 */
export function newBackupName(dir: string, at: Date, format: BackupFormat): string {
  const stamp = backupStamp(at);
  const taken = new Set(readdirSync(dir));
  for (let seq = 0; ; seq++) {
    const name = `mnemo-${stamp}${seq ? `-${seq}` : ''}${EXTENSION[format]}`;
    if (!taken.has(name) && !taken.has(`${name}.partial`)) return name;
  }
}

/**
 * Deletes the oldest mnemo backups of a folder so that the newest `keep` remain; returns
 * the names deleted. Only files {@link listBackups} lists are candidates.
 *
 * @example
 * pruneBackups('/backups', 14) // => ['mnemo-20261123T011500Z.dump']
 */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const old = all.slice(0, Math.max(0, all.length - keep));
  for (const b of old) unlinkSync(join(dir, b.name));
  return old.map((b) => b.name);
}

/**
 * Checks that `dir` is an existing folder this process can create files in (by creating
 * and removing a probe file): `invalid_input` naming `label` (the field or flag) otherwise.
 *
 * @example
 * checkBackupDir('/no/such/dir') // throws invalid_input: "dir: no folder /no/such/dir ..."
 */
export function checkBackupDir(dir: string, label = 'dir'): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {}
  if (!isDir)
    throw new InvalidInputError(`${label}: no folder ${dir} (create it, or give an existing folder)`, 'dir');
  const probe = join(dir, `.mnemo-backup-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(probe, '', { flag: 'wx' });
  } catch (e) {
    throw new InvalidInputError(
      `${label}: cannot write in ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'}): give a folder this user can write`,
      'dir',
    );
  } finally {
    rmSync(probe, { force: true });
  }
}
