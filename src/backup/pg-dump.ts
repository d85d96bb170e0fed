/**
 * The PostgreSQL client tools a server store's backups use: `pg_dump -Fc` to write one,
 * `pg_restore` to read one back. They are found on PATH; a pg_dump older than the server
 * cannot dump it, so it is used only when its major version is at least the server's.
 * The password travels in PGPASSWORD, never on a command line others can read.
 */
import { execFile } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Db } from '../db/db.js';
import { InvalidInputError, MnemoError } from '../errors.js';

const run = promisify(execFile);
const BIG = 64 * 1024 * 1024;

/** The URL without its password, and the environment that carries it. */
function credentials(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { url: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

/**
 * The major version of a client tool on PATH, or null when it is not installed.
 *
 * @example
 * await toolMajor('pg_dump') // => 15
 */
export async function toolMajor(tool: 'pg_dump' | 'pg_restore'): Promise<number | null> {
  try {
    const { stdout } = await run(tool, ['--version']);
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The server's major version.
 *
 * @example
 * await serverMajor(db) // => 15
 */
export async function serverMajor(db: Db): Promise<number> {
  const { rows } = await db.query<{ v: string }>("select current_setting('server_version_num') as v");
  return Math.floor(Number(rows[0].v) / 10000);
}

/**
 * Whether `pg_dump` can dump this server: installed, and not older than it.
 *
 * @example
 * await pgDumpUsable(db) // => true
 */
export async function pgDumpUsable(db: Db): Promise<boolean> {
  const major = await toolMajor('pg_dump');
  return major !== null && major >= (await serverMajor(db));
}

function toolError(tool: string, e: unknown): MnemoError {
  const err = e as { code?: string; stderr?: string; message?: string };
  if (err.code === 'ENOENT')
    return new MnemoError('unavailable', `${tool} is not installed (install the PostgreSQL client tools)`);
  const why = (err.stderr ?? err.message ?? String(e)).trim().split('\n').slice(0, 3).join(' ');
  return new MnemoError('unavailable', `${tool} failed: ${why}`, { cause: e });
}

/**
 * Dumps the database of `url` to `file` in pg_dump's custom format: one snapshot of the
 * whole database (pg_dump reads it in one repeatable-read transaction).
 *
 * @example
 * await pgDump('postgres://mnemo@db/mnemo', '/backups/mnemo-20261208T011500Z.dump.partial');
 */
export async function pgDump(url: string, file: string): Promise<void> {
  const c = credentials(url);
  try {
    await run('pg_dump', ['--format=custom', `--file=${file}`, `--dbname=${c.url}`], {
      env: c.env,
      maxBuffer: BIG,
    });
  } catch (e) {
    throw toolError('pg_dump', e);
  }
}

/**
 * Restores a custom-format dump into the database of `url` in one transaction (the
 * objects of the dump are dropped and created again), so a failure changes nothing.
 *
 * @example
 * await pgRestore('postgres://mnemo@db/mnemo2', '/backups/mnemo-20261208T011500Z.dump');
 */
export async function pgRestore(url: string, file: string): Promise<void> {
  const c = credentials(url);
  try {
    await run(
      'pg_restore',
      [
        '--clean',
        '--if-exists',
        '--single-transaction',
        '--exit-on-error',
        '--no-owner',
        `--dbname=${c.url}`,
        file,
      ],
      { env: c.env, maxBuffer: BIG },
    );
  } catch (e) {
    throw toolError('pg_restore', e);
  }
}

/**
 * The schema version recorded in a dump (the highest row of its `schema_migrations`),
 * read with `pg_restore --data-only` without touching any database.
 *
 * @example
 * await dumpSchemaVersion('/backups/mnemo-20261208T011500Z.dump') // => 14
 */
export async function dumpSchemaVersion(file: string): Promise<number> {
  let text: string;
  try {
    ({ stdout: text } = await run(
      'pg_restore',
      ['--data-only', '--table=schema_migrations', '--file=-', file],
      { maxBuffer: BIG },
    ));
  } catch (e) {
    const err = toolError('pg_restore', e);
    if ((e as { code?: string }).code === 'ENOENT') throw err;
    throw new InvalidInputError(`<file>: ${file} is not a readable pg_dump backup (${err.message})`, 'file');
  }
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^COPY \S*schema_migrations /.test(l));
  if (start < 0)
    throw new InvalidInputError(
      `<file>: ${file} is a pg_dump file but not of a mnemo store (no schema_migrations)`,
      'file',
    );
  let max = 0;
  for (let i = start + 1; i < lines.length && lines[i] !== '\\.'; i++)
    max = Math.max(max, Number(lines[i].split('\t')[0]));
  return max;
}

/**
 * Reads a whole dump without a database (`pg_restore --file=/dev/null`), so a file cut
 * short or damaged is refused with `invalid_input` before the target is touched.
 *
 * @example
 * await checkDump('/backups/mnemo-20261208T011500Z.dump');
 */
export async function checkDump(file: string): Promise<void> {
  try {
    await run('pg_restore', ['--file=/dev/null', file], { maxBuffer: BIG });
  } catch (e) {
    const err = toolError('pg_restore', e);
    if ((e as { code?: string }).code === 'ENOENT') throw err;
    throw new InvalidInputError(`<file>: ${file} is damaged or cut short (${err.message})`, 'file');
  }
}

/**
 * What a file starts with: a pg_dump custom-format archive, gzip, or anything else.
 *
 * @example
 * sniffFile('/backups/mnemo-20261208T011500Z.dump') // => 'pg_dump'
 */
export function sniffFile(file: string): 'pg_dump' | 'gzip' | 'other' {
  const buf = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    const n = readSync(fd, buf, 0, 5, 0);
    if (n === 5 && buf.toString('latin1') === 'PGDMP') return 'pg_dump';
    if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return 'gzip';
    return 'other';
  } finally {
    closeSync(fd);
  }
}
