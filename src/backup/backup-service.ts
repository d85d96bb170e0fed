/**
 * Backups: one consistent snapshot of a store written to a timestamped file of a folder
 * while the store keeps serving, then the oldest backups beyond `keep` pruned. A file is
 * written as NAME.partial, flushed to disk and renamed when complete, so an interrupted
 * backup never looks like one.
 *
 * Formats: a PostgreSQL server's store is dumped with `pg_dump -Fc` when pg_dump is on
 * PATH and not older than the server, else (and always for PGlite) it is written in the
 * portable export format, gzipped, read in one repeatable-read transaction.
 */
import { once } from 'node:events';
import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import type { StoreLocation } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import { dbOf, exportStore, type TransferStore } from '../transfer/export-service.js';
import { parse } from '../validation.js';
import { type BackupFormat, checkBackupDir, newBackupName, pruneBackups } from './backup-files.js';
import { pgDump, pgDumpUsable } from './pg-dump.js';

/**
 * Options of {@link backupStore} (besides the store itself).
 *
 * @example
 * backupOptionsSchema.parse({ dir: '/var/backups/mnemo', keep: 14 }) // => { dir: '/var/backups/mnemo', keep: 14 }
 */
export const backupOptionsSchema = z.strictObject({
  dir: z.string().min(1).describe('the folder backups are written to; it must exist'),
  keep: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('keep the newest N mnemo backups of the folder, delete older ones (default: delete none)'),
  format: z
    .enum(['auto', 'export', 'pg_dump'])
    .optional()
    .describe('auto (default): pg_dump for a server store when usable, else export'),
});

/**
 * What {@link backupStore} needs: the open store, where it lives (for pg_dump), and options.
 *
 * @example
 * const input: BackupInput = { store: mem, location: { kind: 'postgres', url }, dir: '/backups', keep: 14 };
 */
export interface BackupInput extends z.input<typeof backupOptionsSchema> {
  /** The store: an open memory or its connection (the one a running server uses). */
  store: TransferStore;
  /** Where the store lives; needed for pg_dump (a server store without it is written in the export format). */
  location?: StoreLocation;
  /** Names the file by its time (default: the system clock). */
  clock?: Clock;
}

/**
 * What a backup wrote.
 *
 * @example
 * const r: BackupResult = await backupStore({ store: mem, dir: '/backups' });
 * r.format // => 'export'
 */
export interface BackupResult {
  /** The complete file's path. */
  file: string;
  bytes: number;
  format: BackupFormat;
  /** When the backup began: every write acknowledged before this instant is in the file. */
  startedAt: Date;
  /** Older backups deleted by `keep`, by file name. */
  prunedFiles: string[];
}

/**
 * Writes one backup of a store into `dir` and prunes the folder to the newest `keep`
 * backups. Safe while the store serves: the file is one snapshot (on PGlite, writes wait
 * while it is read, as the store has one connection). A missing or unwritable folder or
 * a bad `keep` is `invalid_input` before anything is read.
 *
 * @example
 * const r = await backupStore({ store: mem, dir: '/var/backups/mnemo', keep: 14 });
 * r.file // => '/var/backups/mnemo/mnemo-20261208T011500Z.ndjson.gz'
 */
export async function backupStore(input: BackupInput): Promise<BackupResult> {
  const { store, location, clock = systemClock, ...options } = input;
  const o = parse(backupOptionsSchema, options, 'options');
  checkBackupDir(o.dir);
  const db = dbOf(store);
  const url = location?.kind === 'postgres' ? location.url : null;
  let format: BackupFormat = 'export';
  if (o.format === 'pg_dump') {
    if (!url || db.dialect !== 'postgres')
      throw new InvalidInputError(
        'format: pg_dump backs up a PostgreSQL server store (give its location); an embedded store uses export',
        'format',
      );
    format = 'pg_dump';
  } else if (o.format !== 'export' && url && db.dialect === 'postgres' && (await pgDumpUsable(db))) {
    format = 'pg_dump';
  }
  const startedAt = clock.now();
  const file = join(o.dir, newBackupName(o.dir, startedAt, format));
  const partial = `${file}.partial`;
  try {
    if (format === 'pg_dump') await pgDump(url as string, partial);
    else await writeExport(store, partial);
    syncFile(partial);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  const prunedFiles = o.keep === undefined ? [] : pruneBackups(o.dir, o.keep);
  return { file, bytes: statSync(file).size, format, startedAt, prunedFiles };
}

/** The whole store, API keys and usage included, as gzipped export lines. */
async function writeExport(store: TransferStore, file: string): Promise<void> {
  const lines = exportStore(store, { include: ['keys', 'usage'] });
  const out = createWriteStream(file, { flags: 'wx' });
  await once(out, 'open');
  await pipeline(
    Readable.from(
      (async function* () {
        for await (const line of lines) yield `${line}\n`;
      })(),
    ),
    createGzip(),
    out,
  );
}

/** Flushes a written file to disk before it is renamed into place. */
function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
