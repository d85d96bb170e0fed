/**
 * Import: reads a file of the portable format line by line and writes it in batches,
 * each batch one transaction, every row idempotently (a row already there is skipped),
 * so a rerun after any failure completes the import and adds nothing twice.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { Db } from '../db/db.js';
import { isOutOfSpace, outOfSpaceError } from '../db/storage-errors.js';
import { ConflictError, InvalidInputError, MnemoError } from '../errors.js';
import { parse } from '../validation.js';
import { dbOf, type TransferStore } from './export-service.js';
import { parseLine, TRANSFER_VERSION, type TransferHeader } from './transfer-format.js';
import {
  embeddingBinding,
  heldByOtherTenant,
  schemaVersion,
  type WriteOptions,
  writeBatch,
} from './transfer-queries.js';
import { type TableSpec, tableSpec } from './transfer-tables.js';

/** Options of {@link importStore}. */
export const importOptionsSchema = z.strictObject({
  tenantRemap: z
    .record(z.string().min(1), z.string().min(1))
    .optional()
    .describe('rewrite tenant ids: { "from": "to" }; tenants not named keep theirs'),
  batchSize: z.number().int().min(1).max(100_000).optional().describe('lines per transaction (default 1000)'),
  dryRun: z.boolean().optional().describe('check every line and the header against the store, write nothing'),
  onProgress: z
    .custom<(p: ImportProgress) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
});

/** Options of {@link importStore}. */
export type ImportOptions = z.input<typeof importOptionsSchema>;

/** How far an import is (after each committed batch). */
export interface ImportProgress {
  /** Lines read so far. */
  line: number;
  /** Every line up to this one is in the store. */
  committedLine: number;
}

/** What an import did. */
export interface ImportResult {
  /** Lines in the file (header and end line included). */
  lines: number;
  /** Every line up to this one is in the store (0 on a dry run). */
  committedLine: number;
  /** Per section: rows in the file, rows added (the rest were already there). */
  tables: Record<string, { rows: number; added: number }>;
  /** `kept` when the target uses the file's model and dimension; else `dropped` (re-embedded in the background). */
  embeddings: 'kept' | 'dropped' | 'none';
  header: TransferHeader;
}

/** Where lines come from: an iterable of lines (no newline), or a readable of NDJSON text. */
export type ImportSource = AsyncIterable<string> | Iterable<string> | Readable;

function linesOf(source: ImportSource): AsyncIterable<string> | Iterable<string> {
  if (typeof (source as Readable).pipe === 'function')
    return createInterface({ input: source as Readable, crlfDelay: Number.POSITIVE_INFINITY });
  return source as AsyncIterable<string>;
}

function lineError(n: number, what: string, committedLine: number): InvalidInputError {
  const kept =
    committedLine > 1 ? `; lines 1-${committedLine} are imported: fix the file and import it again` : '';
  return new InvalidInputError(`line ${n}: ${what}${kept}`, undefined, { line: n, committedLine });
}

/**
 * Imports a file of the portable format into a store. The header is checked before
 * anything is written (format version, schema version, embedding model); a bad line
 * stops the import with `invalid_input` naming its line: the batches before it stay
 * committed (`details.committedLine`), and importing the same file again, fixed,
 * completes it without adding anything twice. `dryRun` checks the whole file first.
 *
 * @example
 * import { createReadStream } from 'node:fs';
 * const r = await importStore(mem, createReadStream('acme.ndjson'), { tenantRemap: { acme: 'acme-eu' } });
 * r.tables.episodes // => { rows: 1200, added: 1200 }
 */
export async function importStore(
  store: TransferStore,
  source: ImportSource,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const o = parse(importOptionsSchema, options, 'options');
  const db = dbOf(store);
  const batchSize = o.batchSize ?? 1000;
  let header: TransferHeader | null = null;
  let write: WriteOptions = { remap: o.tenantRemap ?? {}, keepEmbeddings: false };
  let embeddings: ImportResult['embeddings'] = 'none';
  const tables: ImportResult['tables'] = {};
  let n = 0;
  let committedLine = 0;
  let ended = false;
  let batch: Pending[] = [];
  const flush = async () => {
    if (o.dryRun) await checkTenants(db, batch, write);
    else if (batch.length) await commit(db, batch, committedLine, write, tables);
    batch = [];
    if (!o.dryRun) committedLine = n;
    o.onProgress?.({ line: n, committedLine });
  };
  try {
    for await (const raw of linesOf(source)) {
      n++;
      if (ended) throw lineError(n, 'comes after the end line (the file is damaged)', committedLine);
      const line = parseLine(raw, n);
      if (typeof line === 'string') throw lineError(n, line, committedLine);
      if (line.kind === 'header') {
        header = line.header;
        ({ write, embeddings } = await checkHeader(db, header, write));
        if (!o.dryRun) committedLine = 1;
        continue;
      }
      if (!header) throw lineError(n, 'a header must come first', committedLine);
      if (line.kind === 'end') {
        if (line.lines !== n)
          throw lineError(n, `the end line counts ${line.lines} lines but it is line ${n}`, committedLine);
        const counted = Object.entries(line.rows).find(([t, k]) => (tables[t]?.rows ?? 0) !== k);
        const extra = Object.keys(tables).find((t) => line.rows[t] === undefined);
        if (counted || extra)
          throw lineError(
            n,
            `the end line's row counts do not match the file (${counted?.[0] ?? extra})`,
            committedLine,
          );
        ended = true;
        continue;
      }
      tables[line.table] ??= { rows: 0, added: 0 };
      tables[line.table].rows++;
      batch.push({ table: line.table, line: raw, n });
      if (batch.length >= batchSize) await flush();
    }
    if (n === 0)
      throw new InvalidInputError('the file is empty: expected a mnemo export', undefined, { line: 0 });
    if (!ended)
      throw lineError(
        n + 1,
        'the file ends without its end line: it was cut short (copied or written only in part)',
        committedLine,
      );
    await flush();
  } catch (e) {
    if (e instanceof MnemoError) throw e;
    if (isOutOfSpace(e))
      throw outOfSpaceError(
        committedLine > 1
          ? `lines 1-${committedLine} are imported, the rest is not (run the same import again to complete it)`
          : 'nothing was imported',
        e,
        { committedLine },
      );
    throw new MnemoError('internal', `import stopped after line ${committedLine}: ${(e as Error).message}`, {
      details: { committedLine },
      cause: e,
    });
  }
  return {
    lines: n,
    committedLine: o.dryRun ? 0 : committedLine,
    tables,
    embeddings,
    header: header as TransferHeader,
  };
}

async function checkHeader(
  db: Db,
  header: TransferHeader,
  write: WriteOptions,
): Promise<{ write: WriteOptions; embeddings: ImportResult['embeddings'] }> {
  if (header.version !== TRANSFER_VERSION)
    throw lineError(1, `format version ${header.version} is not one this mnemo reads`, 0);
  const target = await schemaVersion(db);
  if (header.schemaVersion > target)
    throw new MnemoError(
      'schema_too_new',
      `line 1: the file was written by a newer mnemo (schema version ${header.schemaVersion}; this store has ${target}). Upgrade mnemo to import it.`,
      { details: { line: 1, fileVersion: header.schemaVersion, storeVersion: target } },
    );
  const binding = await embeddingBinding(db);
  const same =
    header.embedding !== null &&
    binding !== null &&
    binding.model === header.embedding.model &&
    binding.dimension === header.embedding.dimension;
  return {
    write: { ...write, keepEmbeddings: same },
    embeddings: header.embedding === null ? 'none' : same ? 'kept' : 'dropped',
  };
}

/** Each run of lines of one section in a batch, with its spec. */
function* runs(batch: Pending[]): Generator<{ spec: TableSpec; lines: Pending[] }> {
  for (let i = 0; i < batch.length; ) {
    let j = i;
    while (j < batch.length && batch[j].table === batch[i].table) j++;
    const spec = tableSpec(batch[i].table);
    if (!spec) throw new MnemoError('internal', `no section "${batch[i].table}"`);
    yield { spec, lines: batch.slice(i, j) };
    i = j;
  }
}

/**
 * Refuses a batch holding ids the store keeps under another tenant (a file imported
 * into its own store with a tenant remap): ids are kept, so those rows could not be
 * added, and a copy of only the other sections would be a partial tenant.
 */
async function checkTenants(db: Db, batch: Pending[], write: WriteOptions): Promise<void> {
  for (const { spec, lines } of runs(batch)) {
    const held = await heldByOtherTenant(
      db,
      spec,
      lines.map((l) => l.line),
      write,
    );
    if (held > 0)
      throw new ConflictError(
        `lines ${lines[0].n}-${lines[lines.length - 1].n}: ${held} ${spec.name} ids are held by another tenant in this store. ` +
          'Import keeps ids, so a tenant cannot be copied within one store: import into another store',
        { line: lines[0].n, table: spec.name },
      );
  }
}

/** A checked line waiting for its batch's transaction. */
interface Pending {
  table: string;
  line: string;
  n: number;
}

/**
 * Writes one batch in one transaction, a statement per run of lines of one section.
 * When the database refuses a statement, its rows are tried one by one (each in a
 * savepoint) to name the line at fault; the batch is rolled back either way.
 */
async function commit(
  db: Db,
  batch: Pending[],
  committedLine: number,
  write: WriteOptions,
  tables: ImportResult['tables'],
): Promise<void> {
  const added: Record<string, number> = {};
  await db.transaction(async (tx) => {
    await checkTenants(tx, batch, write);
    for (const { spec, lines } of runs(batch)) {
      const rows = lines.map((l) => l.line);
      try {
        added[spec.name] =
          (added[spec.name] ?? 0) + (await tx.transaction((sp) => writeBatch(sp, spec, rows, write)));
      } catch (e) {
        // A full disk is not a row's fault: no use looking for one.
        if (isOutOfSpace(e)) throw e;
        for (const l of lines) {
          try {
            await tx.transaction((sp) => writeBatch(sp, spec, [l.line], write));
          } catch (one) {
            const why = `the store refused this ${spec.name} row: ${(one as Error).message}`;
            throw lineError(l.n, why, committedLine);
          }
        }
        throw e;
      }
    }
  });
  for (const [t, k] of Object.entries(added)) tables[t].added += k;
}
