/**
 * The export file format (NDJSON, one JSON object a line), version 1:
 *
 *   line 1     {"format":"mnemo-export","version":1,"schemaVersion":13,"embedding":{...}|null,...}
 *   lines 2..  {"table":"episodes","row":{...}}   one row, columns named as in the table
 *   last line  {"end":{"lines":N,"rows":{"episodes":2,...}}}
 *
 * A row omits the columns that are SQL NULL; JSON null in a jsonb column is the JSON
 * value null. Timestamps are UTC ISO 8601 with microseconds, embeddings arrays of numbers.
 * The zod schema of each table's rows derives from the registry (transfer-tables.ts).
 */
import { z } from 'zod';
import { type ColumnSpec, type ColumnType, TRANSFER_TABLES, type TransferExtra } from './transfer-tables.js';

/** The `format` value of every header. */
export const TRANSFER_FORMAT = 'mnemo-export';
/** The format version this code writes and reads. */
export const TRANSFER_VERSION = 1;

const noNul = (s: string) => !s.includes('\u0000');
const text = z.string().refine(noNul, 'must not contain the NUL character (\\u0000)');
const defined = z.custom<unknown>((v) => v !== undefined, 'is required');

const TYPE_SCHEMAS: Record<ColumnType, z.ZodType> = {
  text,
  int: z.number().int().min(-2147483648).max(2147483647),
  bigint: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  float: z.number(),
  bool: z.boolean(),
  jsonb: defined,
  ts: z.iso.datetime({ offset: true }),
  uuid: z.guid(),
  'text[]': z.array(text),
  'uuid[]': z.array(z.guid()),
  vector: z.array(z.number()).min(1).max(16000),
  bytea: z.base64(),
};

function columnSchema(col: ColumnSpec): z.ZodType {
  const s = TYPE_SCHEMAS[col.type];
  return col.nullable ? s.nullable().optional() : s;
}

/** The zod schema of one row of each section, derived from the registry. */
export const ROW_SCHEMAS: ReadonlyMap<string, z.ZodType<Record<string, unknown>>> = new Map(
  TRANSFER_TABLES.map((t) => [
    t.name,
    z.strictObject(Object.fromEntries(t.columns.map((col) => [col.name, columnSchema(col)]))) as z.ZodType<
      Record<string, unknown>
    >,
  ]),
);

/** What an export was narrowed to (recorded in the header). */
export const transferFiltersSchema = z.strictObject({
  tenant: z.string().min(1).optional().describe('only this tenant'),
  user: z.string().optional().describe('only rows of this user'),
  agent: z.string().optional().describe('only rows of this agent'),
  session: z.string().optional().describe('only rows of this session'),
  since: z.iso.datetime({ offset: true }).optional().describe('only rows at or after this time'),
  until: z.iso.datetime({ offset: true }).optional().describe('only rows before this time'),
});
export type TransferFilters = z.output<typeof transferFiltersSchema>;

/** The first line of a file. */
export const headerSchema = z.strictObject({
  format: z.literal(TRANSFER_FORMAT),
  version: z.number().int().min(1),
  schemaVersion: z.number().int().min(1),
  createdAt: z.iso.datetime({ offset: true }),
  embedding: z.strictObject({ model: z.string().min(1), dimension: z.number().int().min(1) }).nullable(),
  filters: transferFiltersSchema,
  include: z.array(z.enum(['keys', 'usage'] satisfies TransferExtra[])),
});
export type TransferHeader = z.output<typeof headerSchema>;

/** A row line. */
export const rowLineSchema = z.strictObject({ table: z.string(), row: z.record(z.string(), z.unknown()) });

/** The last line: how many lines the file has (itself included) and rows per section. */
export const endLineSchema = z.strictObject({
  end: z.strictObject({
    lines: z.number().int().min(2),
    rows: z.record(z.string(), z.number().int().min(0)),
  }),
});

/** The first issue of a zod error, as `"field": message`. */
function issueText(e: z.ZodError, prefix: string[] = []): string {
  const issue = e.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  const field = [...prefix, ...path.map(String)].join('.');
  return field ? `"${field}": ${issue.message}` : issue.message;
}

/** A parsed line of a file. */
export type ParsedLine =
  | { kind: 'header'; header: TransferHeader }
  | { kind: 'row'; table: string; row: Record<string, unknown> }
  | { kind: 'end'; lines: number; rows: Record<string, number> };

/**
 * Parses one line (its number decides whether a header is expected). Returns the
 * problem as text instead of throwing: the caller names the line.
 *
 * @example
 * parseLine('{"table":"brain","row":{...}}', 2) // => { kind: 'row', table: 'brain', row: {...} }
 * parseLine('{"table":"nope","row":{}}', 2)    // => 'unknown table "nope"'
 */
export function parseLine(line: string, n: number): ParsedLine | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return line.trim() === '' ? 'is empty' : 'is not valid JSON (the file is damaged or not a mnemo export)';
  }
  if (n === 1) {
    const f = v as { format?: unknown; version?: unknown };
    if (typeof v !== 'object' || v === null || f.format !== TRANSFER_FORMAT)
      return `is not a mnemo export header (expected "format": "${TRANSFER_FORMAT}")`;
    if (typeof f.version === 'number' && f.version !== TRANSFER_VERSION)
      return `format version ${f.version} is not one this mnemo reads (it reads version ${TRANSFER_VERSION}); use the mnemo that wrote the file, or a newer one`;
    const h = headerSchema.safeParse(v);
    return h.success ? { kind: 'header', header: h.data } : `header ${issueText(h.error)}`;
  }
  if (typeof v === 'object' && v !== null && 'end' in v) {
    const e = endLineSchema.safeParse(v);
    return e.success ? { kind: 'end', ...e.data.end } : issueText(e.error);
  }
  const r = rowLineSchema.safeParse(v);
  if (!r.success) return issueText(r.error);
  const schema = ROW_SCHEMAS.get(r.data.table);
  if (!schema) return `unknown table "${r.data.table}"`;
  const row = schema.safeParse(r.data.row);
  if (!row.success) return `${r.data.table} ${issueText(row.error, ['row'])}`;
  return { kind: 'row', table: r.data.table, row: row.data };
}
