/**
 * Export: a store (or the part of it the filters select) as lines of the portable
 * format (transfer-format.ts), read section by section in key order, a page at a
 * time, inside one read-only repeatable-read transaction: the file is one consistent
 * snapshot, and memory stays constant whatever the store's size.
 */
import { z } from 'zod';
import type { Db } from '../db/db.js';
import { parse } from '../validation.js';
import { TRANSFER_FORMAT, TRANSFER_VERSION, type TransferHeader } from './transfer-format.js';
import {
  countRows,
  embeddingBinding,
  type ResolvedTransferFilters,
  readPage,
  schemaVersion,
  sectionExcluded,
} from './transfer-queries.js';
import { type TableSpec, TRANSFER_TABLES } from './transfer-tables.js';

const when = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((v) => (v instanceof Date ? v : new Date(v)))
  .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date');

/** Options of {@link exportStore}. */
export const exportOptionsSchema = z.strictObject({
  tenant: z.string().min(1).optional().describe('only this tenant (default every tenant)'),
  user: z.string().optional().describe('only rows of this user'),
  agent: z.string().optional().describe('only rows of this agent'),
  session: z.string().optional().describe('only rows of this session'),
  since: when.optional().describe('only rows at or after this time (each table by its own time column)'),
  until: when.optional().describe('only rows before this time'),
  include: z
    .array(z.enum(['keys', 'usage']))
    .optional()
    .describe('optional sections: API keys (hashes only) and usage events'),
  pageSize: z.number().int().min(1).max(10_000).optional().describe('rows per query (default 500)'),
  onProgress: z
    .custom<(p: ExportProgress) => void>((v) => typeof v === 'function', 'must be a function')
    .optional(),
});

/** How far an export is: rows written of the rows selected. */
export interface ExportProgress {
  done: number;
  total: number;
  table: string;
}

/** Options of {@link exportStore}. */
export type ExportOptions = z.input<typeof exportOptionsSchema>;

/** What can be exported from: a store's connection or an in-process memory. */
export type TransferStore = Db | { db: Db };

/**
 * @internal The connection of a store or memory.
 *
 * @example
 * dbOf(mem) === mem.db // => true
 */
export function dbOf(store: TransferStore): Db {
  return 'query' in store ? store : store.db;
}

class Cancelled extends Error {}

/**
 * Exports a store as NDJSON lines (without the newline): a header, one line per row,
 * and an end line with the counts. Options are checked at once (`invalid_input`); the
 * store is read as the lines are consumed, in one snapshot transaction (on PGlite it
 * holds the store's only connection until the iteration ends).
 *
 * @example
 * import { createWriteStream } from 'node:fs';
 * const out = createWriteStream('acme.ndjson');
 * for await (const line of exportStore(mem, { tenant: 'acme' })) out.write(`${line}\n`);
 * out.end();
 */
export function exportStore(store: TransferStore, options: ExportOptions = {}): AsyncIterable<string> {
  const o = parse(exportOptionsSchema, options, 'options');
  const db = dbOf(store);
  const filters: ResolvedTransferFilters = {
    ...(o.tenant !== undefined ? { tenant: o.tenant } : {}),
    ...(o.user !== undefined ? { user: o.user } : {}),
    ...(o.agent !== undefined ? { agent: o.agent } : {}),
    ...(o.session !== undefined ? { session: o.session } : {}),
    ...(o.since ? { since: o.since } : {}),
    ...(o.until ? { until: o.until } : {}),
  };
  const include = [...new Set(o.include ?? [])].sort();
  const sections = TRANSFER_TABLES.filter(
    (t) => (!t.extra || include.includes(t.extra)) && !sectionExcluded(t, filters),
  );
  const produce = async (emit: (lines: string[]) => Promise<void>) => {
    await db.transaction(async (tx) => {
      await tx.query('set transaction isolation level repeatable read, read only');
      const header: TransferHeader = {
        format: TRANSFER_FORMAT,
        version: TRANSFER_VERSION,
        schemaVersion: await schemaVersion(tx),
        createdAt: new Date().toISOString(),
        embedding: await embeddingBinding(tx),
        filters: {
          ...(filters.tenant !== undefined ? { tenant: filters.tenant } : {}),
          ...(filters.user !== undefined ? { user: filters.user } : {}),
          ...(filters.agent !== undefined ? { agent: filters.agent } : {}),
          ...(filters.session !== undefined ? { session: filters.session } : {}),
          ...(filters.since ? { since: filters.since.toISOString() } : {}),
          ...(filters.until ? { until: filters.until.toISOString() } : {}),
        },
        include,
      };
      await emit([JSON.stringify(header)]);
      let total = 0;
      if (o.onProgress) for (const s of sections) total += await countRows(tx, s, filters);
      const rows: Record<string, number> = {};
      let done = 0;
      let lines = 1;
      for (const spec of sections) {
        rows[spec.name] = 0;
        for await (const page of pages(tx, spec, filters, o.pageSize ?? 500)) {
          rows[spec.name] += page.length;
          done += page.length;
          lines += page.length;
          await emit(page.map((row) => `{"table":"${spec.name}","row":${row}}`));
          o.onProgress?.({ done, total: Math.max(total, done), table: spec.name });
        }
      }
      await emit([JSON.stringify({ end: { lines: lines + 1, rows } })]);
    });
  };
  return { [Symbol.asyncIterator]: () => bridge(produce) };
}

async function* pages(
  tx: Db,
  spec: TableSpec,
  filters: ResolvedTransferFilters,
  size: number,
): AsyncGenerator<string[]> {
  let after: unknown[] | null = null;
  for (;;) {
    const page = await readPage(tx, spec, filters, after, size);
    if (page.lines.length) yield page.lines;
    if (page.lines.length < size) return;
    after = page.last;
  }
}

/**
 * Turns a producer that runs inside a transaction into an async iterator: the producer
 * waits while a page is unread (constant memory), and stops (rolling back its read-only
 * transaction) when the consumer stops early.
 */
async function* bridge(
  produce: (emit: (lines: string[]) => Promise<void>) => Promise<void>,
): AsyncGenerator<string> {
  let queue: string[] = [];
  let wake: (() => void) | null = null;
  let resume: (() => void) | null = null;
  let cancelled = false;
  let finished = false;
  let failure: unknown = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  const emit = async (lines: string[]) => {
    if (cancelled) throw new Cancelled();
    queue = lines;
    signal();
    await new Promise<void>((r) => {
      resume = r;
    });
    if (cancelled) throw new Cancelled();
  };
  const running = produce(emit).then(
    () => {
      finished = true;
      signal();
    },
    (e) => {
      failure = e;
      finished = true;
      signal();
    },
  );
  try {
    for (;;) {
      if (queue.length) {
        const lines = queue;
        queue = [];
        for (const line of lines) yield line;
        const r = resume as (() => void) | null;
        resume = null;
        r?.();
        continue;
      }
      if (finished) {
        if (failure && !(failure instanceof Cancelled)) throw failure;
        return;
      }
      await new Promise<void>((r) => {
        wake = r;
      });
    }
  } finally {
    cancelled = true;
    const r = resume as (() => void) | null;
    r?.();
    await running;
  }
}
