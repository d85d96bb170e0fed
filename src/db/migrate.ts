import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MnemoError, UnavailableError } from '../errors.js';
import type { Db } from './db.js';

/** One numbered migration file, `NNNN_name.sql`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Why a fixed key: every process that opens the store takes the same transaction-level
 * advisory lock, so concurrent openers apply each migration exactly once, one after
 * the other; the lock is released by the commit (or rollback) itself.
 */
const MIGRATION_LOCK_KEY = 7_263_011_942;

/** Reads the migration files shipped with the package, in version order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 4)),
      name: f.slice(5, -4),
      sql: readFileSync(join(dir, f), 'utf8'),
    }));
}

/** Makes sure pgvector is enabled, or says precisely what an administrator must do. */
async function ensureVector(tx: Db): Promise<void> {
  if (tx.dialect === 'pglite') {
    await tx.exec('create extension if not exists vector');
    return;
  }
  const installed = await tx.query("select 1 from pg_extension where extname = 'vector'");
  if (installed.rowCount > 0) return;
  const available = await tx.query("select 1 from pg_available_extensions where name = 'vector'");
  if (available.rowCount === 0)
    throw new UnavailableError(
      'the PostgreSQL server has no pgvector extension. Install it on the server ' +
        '(Debian: `bash scripts/setup-postgres.sh`, or the postgresql-<version>-pgvector package; ' +
        'managed PostgreSQL: enable the "vector" extension), then open the store again.',
    );
  try {
    await tx.exec('create extension if not exists vector');
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === '42501')
      throw new UnavailableError(
        'pgvector is installed on the server but not enabled in this database, and this user may not enable it. ' +
          'Run `CREATE EXTENSION vector;` once in this database as a superuser ' +
          '(pgvector is not a trusted extension: the database owner may not create it either), then open the store again.',
        e,
      );
    throw e;
  }
}

/**
 * Applies every pending migration in one transaction under an advisory lock and
 * records it in `schema_migrations`. Refuses a store whose schema is newer than
 * this code knows.
 *
 * @example
 * const applied = await migrate(db); // => [1, 2, 3] on a new store, [] afterwards
 */
export async function migrate(db: Db, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await ensureVector(tx);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await tx.query<{ version: number }>(
      'select version from schema_migrations order by version',
    );
    const applied = new Set(rows.map((r) => r.version));
    const newest = rows.length ? rows[rows.length - 1].version : 0;
    if (newest > known)
      throw new MnemoError(
        'schema_too_new',
        `this store was built by a newer mnemo (schema version ${newest}; this code knows up to ${known}). ` +
          'Upgrade mnemo to open it.',
        { details: { storeVersion: newest, codeVersion: known } },
      );
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    if (done.length && tx.dialect === 'postgres') await tx.exec(GRANT_APP_ROLE);
    return done;
  });
}

/**
 * The role requests run as on a server (row-level security, migration 0011) may use
 * every table mnemo made, including those of later migrations.
 */
const GRANT_APP_ROLE = `do $$
begin
  if exists (select 1 from pg_roles where rolname = 'mnemo_app') then
    grant usage on schema public to mnemo_app;
    grant select, insert, update, delete on all tables in schema public to mnemo_app;
    grant usage, select on all sequences in schema public to mnemo_app;
  end if;
exception when insufficient_privilege then
  raise notice 'mnemo: cannot grant to mnemo_app';
end $$`;
