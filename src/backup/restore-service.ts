/**
 * Restore: a backup file read back into a store. A whole backup goes only into an empty
 * store; one tenant of an export-format backup goes into a live store (an import of that
 * tenant's rows: the other tenants are not touched). The file is checked whole before
 * anything is written, so a bad file, a foreign one or one of a newer schema leaves the
 * target as it was.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import type { StoreLocation } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { ConflictError, InvalidInputError, MnemoError, NotFoundError } from '../errors.js';
import { dbOf, type TransferStore } from '../transfer/export-service.js';
import { type ImportResult, importStore } from '../transfer/import-service.js';
import { countRows, schemaVersion } from '../transfer/transfer-queries.js';
import { TRANSFER_TABLES } from '../transfer/transfer-tables.js';
import { parse } from '../validation.js';
import type { BackupFormat } from './backup-files.js';
import { checkDump, dumpSchemaVersion, pgRestore, sniffFile } from './pg-dump.js';

/**
 * Options of {@link restoreStore} (besides the store itself).
 *
 * @example
 * restoreOptionsSchema.parse({ file: 'mnemo-20261208T011500Z.ndjson.gz', tenant: 'acme' })
 */
export const restoreOptionsSchema = z.strictObject({
  file: z.string().min(1).describe('the backup file (.ndjson.gz, .dump, or a plain export file)'),
  tenant: z
    .string()
    .min(1)
    .optional()
    .describe('restore only this tenant, into a store that may hold others (export-format backups)'),
  batchSize: z.number().int().min(1).max(100_000).optional().describe('lines per transaction (default 1000)'),
});

/**
 * What {@link restoreStore} needs: the target store, where it lives (for pg_restore), and options.
 *
 * @example
 * const input: RestoreInput = { store: mem, location: { kind: 'postgres', url }, file: 'mnemo-20261208T011500Z.dump' };
 */
export interface RestoreInput extends z.input<typeof restoreOptionsSchema> {
  /** The target: an open memory or its connection. */
  store: TransferStore;
  /** Where the target lives; a pg_dump backup needs a PostgreSQL location. */
  location?: StoreLocation;
}

/**
 * What a restore did.
 *
 * @example
 * const r: RestoreResult = await restoreStore({ store: mem, file });
 * r.tables.episodes // => { rows: 1200, added: 1200 }
 */
export interface RestoreResult {
  format: BackupFormat;
  tenant?: string;
  /** Per section: rows in the file (of the tenant) and rows added (pg_dump: rows now in the store). */
  tables: Record<string, { rows: number; added: number }>;
  /** Export format: whether embeddings were kept (the target uses the backup's model) or dropped. */
  embeddings?: ImportResult['embeddings'];
}

/**
 * Restores a backup into a store: into an empty store, or with `tenant` only that
 * tenant into a live one. A non-empty target without `tenant` is `conflict`; a file that
 * is not a backup is `invalid_input`; one of a newer schema `schema_too_new`; in every
 * case nothing is written.
 *
 * @example
 * await restoreStore({ store: mem, file: '/backups/mnemo-20261208T011500Z.ndjson.gz' });
 * await restoreStore({ store: live, file: '/backups/mnemo-20261208T011500Z.ndjson.gz', tenant: 'acme' });
 */
export async function restoreStore(input: RestoreInput): Promise<RestoreResult> {
  const { store, location, ...options } = input;
  const o = parse(restoreOptionsSchema, options, 'options');
  if (!existsSync(o.file) || !statSync(o.file).isFile())
    throw new InvalidInputError(`<file>: no file "${o.file}" (give the path of a mnemo backup)`, 'file');
  const db = dbOf(store);
  const kind = sniffFile(o.file);
  if (kind === 'pg_dump') {
    if (o.tenant !== undefined)
      throw new InvalidInputError(
        'tenant: a pg_dump backup restores a whole store only. Restore it into a scratch database ' +
          '(mnemo restore FILE --database-url <scratch>), then move the tenant with ' +
          '`mnemo export --tenant T` from there and `mnemo import` here',
        'tenant',
      );
    const url = location?.kind === 'postgres' ? location.url : null;
    if (!url || db.dialect !== 'postgres')
      throw new InvalidInputError(
        '<file>: a pg_dump backup restores into a PostgreSQL server store only (give --database-url); ' +
          'an embedded store restores export-format backups',
        'file',
      );
    await checkDump(o.file);
    const fileVersion = await dumpSchemaVersion(o.file);
    await checkVersion(fileVersion, await schemaVersion(db));
    await assertEmpty(store);
    await pgRestore(url, o.file);
    // A backup of an older mnemo: bring the restored schema up to date.
    await migrate(db);
    const tables: RestoreResult['tables'] = {};
    for (const spec of TRANSFER_TABLES) {
      const n = await countRows(db, spec, {});
      if (n) tables[spec.name] = { rows: n, added: n };
    }
    return { format: 'pg_dump', tables };
  }
  const read = () => readLines(o.file, kind === 'gzip', o.tenant);
  if (o.tenant === undefined) await assertEmpty(store);
  const opts = o.batchSize ? { batchSize: o.batchSize } : {};
  const checked = await importStore(store, read(), { ...opts, dryRun: true });
  if (o.tenant !== undefined && Object.keys(checked.tables).length === 0)
    throw new NotFoundError(`tenant: the backup holds no rows of tenant "${o.tenant}"`, 'tenant');
  const r = await importStore(store, read(), opts);
  return {
    format: 'export',
    ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
    tables: r.tables,
    embeddings: r.embeddings,
  };
}

async function checkVersion(fileVersion: number, storeVersion: number): Promise<void> {
  if (fileVersion > storeVersion)
    throw new MnemoError(
      'schema_too_new',
      `the backup was written by a newer mnemo (schema version ${fileVersion}; this store has ${storeVersion}). Upgrade mnemo to restore it.`,
      { details: { fileVersion, storeVersion } },
    );
}

/** Refuses a target that holds any row: a whole restore goes into an empty store. */
async function assertEmpty(store: TransferStore): Promise<void> {
  const db = dbOf(store);
  for (const spec of TRANSFER_TABLES) {
    if ((await countRows(db, spec, {})) > 0)
      throw new ConflictError(
        `the target store is not empty (its ${spec.name} has rows): restore a whole backup into an empty store, ` +
          'or restore one tenant with --tenant',
        { reason: 'not_empty', table: spec.name },
      );
  }
}

/**
 * The lines of a backup (gunzipped if need be); with `tenant`, only that tenant's rows,
 * the end line rewritten to count them after checking the file's own counts.
 */
async function* readLines(file: string, gzip: boolean, tenant: string | undefined): AsyncGenerator<string> {
  const raw = createReadStream(file);
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (e) => input.destroy(e));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  let kept = 0;
  const rows: Record<string, number> = {};
  const all: Record<string, number> = {};
  try {
    for await (const line of lines) {
      n++;
      if (tenant === undefined || n === 1) {
        kept++;
        yield line;
        continue;
      }
      const v = safeJson(line) as { table?: unknown; row?: { tenant_id?: unknown }; end?: unknown } | null;
      if (v && typeof v.table === 'string') {
        all[v.table] = (all[v.table] ?? 0) + 1;
        if (v.row?.tenant_id !== tenant) continue;
        rows[v.table] = (rows[v.table] ?? 0) + 1;
      } else if (v && typeof v.end === 'object' && v.end !== null) {
        const end = v.end as { lines?: unknown; rows?: Record<string, unknown> };
        const same =
          end.lines === n &&
          Object.entries(all).every(([t, k]) => end.rows?.[t] === k) &&
          Object.values(end.rows ?? {}).reduce<number>((s, k) => s + Number(k), 0) ===
            Object.values(all).reduce((s, k) => s + k, 0);
        if (!same)
          throw new InvalidInputError(
            `line ${n}: the end line's counts do not match the file (it is damaged)`,
            'file',
          );
        kept++;
        yield JSON.stringify({ end: { lines: kept, rows } });
        continue;
      }
      kept++;
      yield line;
    }
  } catch (e) {
    if (e instanceof MnemoError) throw e;
    throw new InvalidInputError(
      `<file>: ${file} cannot be read as a backup (${(e as Error).message}): it is damaged or not a mnemo backup`,
      'file',
    );
  } finally {
    lines.close();
    raw.destroy();
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
