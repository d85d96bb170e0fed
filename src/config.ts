import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StoreLocation } from './db/db.js';
import { InvalidInputError } from './errors.js';

/** Default folder of the embedded store. */
export const DEFAULT_DATA_DIR = '.mnemo';

/** Where to open the store. Options win over environment variables. */
export interface LocationOptions {
  /** `postgres://...` for a server; `file:PATH` or `memory:` for embedded PGlite. */
  databaseUrl?: string;
  /** Folder of the embedded store, or `:memory:`. */
  dataDir?: string;
}

/**
 * Resolves where the store lives: options first (`databaseUrl`, then `dataDir`),
 * then `DATABASE_URL`, then `MNEMO_DATA_DIR`, then `./.mnemo`.
 *
 * @example
 * resolveLocation({}, { DATABASE_URL: 'postgres://localhost/mnemo' }) // => { kind: 'postgres', url }
 * resolveLocation({ dataDir: ':memory:' }) // => { kind: 'pglite', dataDir: null }
 */
export function resolveLocation(
  opts: LocationOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): StoreLocation {
  if (opts.databaseUrl !== undefined) return fromUrl(opts.databaseUrl, 'databaseUrl');
  if (opts.dataDir !== undefined) return fromDir(opts.dataDir, 'dataDir');
  if (env.DATABASE_URL) return fromUrl(env.DATABASE_URL, 'DATABASE_URL');
  if (env.MNEMO_DATA_DIR) return fromDir(env.MNEMO_DATA_DIR, 'MNEMO_DATA_DIR');
  return { kind: 'pglite', dataDir: resolve(DEFAULT_DATA_DIR) };
}

function fromDir(dir: string, field: string): StoreLocation {
  if (typeof dir !== 'string' || dir.trim() === '')
    throw new InvalidInputError(`${field} must be a folder path or ":memory:"`, field);
  if (dir === ':memory:') return { kind: 'pglite', dataDir: null };
  return { kind: 'pglite', dataDir: folder(resolve(dir), field) };
}

/** A data folder path that is not an existing file (mkdir would say EEXIST). */
function folder(path: string, field: string): string {
  let isFile = false;
  try {
    isFile = !statSync(path).isDirectory();
  } catch {}
  if (isFile)
    throw new InvalidInputError(
      `${field} "${path}" is a file, not a folder: give the folder of the embedded store (created if missing), e.g. ./.mnemo`,
      field,
    );
  return path;
}

function fromUrl(url: string, field: string): StoreLocation {
  if (typeof url !== 'string' || url.trim() === '')
    throw new InvalidInputError(
      `${field} is empty: give postgres://user:pass@host:5432/db, file:PATH or memory:`,
      field,
    );
  const u = url.trim();
  if (/^postgres(ql)?:\/\//i.test(u)) {
    try {
      const parsed = new URL(u);
      if (!parsed.hostname && !parsed.searchParams.get('host')) throw new Error('no host');
    } catch {
      throw new InvalidInputError(
        `${field} is not a valid PostgreSQL URL: expected postgres://user:password@host:5432/database`,
        field,
      );
    }
    return { kind: 'postgres', url: u };
  }
  if (/^memory:(\/\/)?$/i.test(u)) return { kind: 'pglite', dataDir: null };
  if (/^file:/i.test(u)) {
    const path = u.replace(/^file:(\/\/)?/i, '');
    if (!path) throw new InvalidInputError(`${field}: file: needs a folder, e.g. file:./.mnemo`, field);
    return { kind: 'pglite', dataDir: folder(resolve(path), field) };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(u)?.[1];
  throw new InvalidInputError(
    `${field} "${scheme ? `${scheme}:` : u.slice(0, 40)}..." is not supported: use postgres://user:pass@host:5432/db ` +
      'for a PostgreSQL server, or file:PATH / memory: for the embedded store',
    field,
  );
}

/** Every environment variable mnemo reads, with its default: the README's configuration table. */
export const ENVIRONMENT = {
  DATABASE_URL:
    'PostgreSQL server URL (postgres://...), or file:PATH / memory: for embedded. Default: unset (embedded).',
  MNEMO_DATA_DIR: `Folder of the embedded store. Default: ./${DEFAULT_DATA_DIR}.`,
} as const;
