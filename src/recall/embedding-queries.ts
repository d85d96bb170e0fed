/**
 * The embedding statements of every kind, derived from the registry (recall-kinds.ts):
 * claim rows still without a vector, write vectors back, count what is pending. Table
 * and column names are the registry's fixed identifiers; values go as parameters.
 */
import type { Db } from '../db/db.js';
import { toVectorLiteral } from './embedders/embedder.js';
import { type EmbeddedTable, kindSpec, RECALL_KINDS, type RecallKind } from './recall-kinds.js';

/** A claimed row: its key columns (by name) and `text`, what to embed. */
export type PendingRow = Record<string, string>;

function statementsOf(kind: RecallKind): { claim: string; write: string } {
  const s = kindSpec(kind);
  const cols = s.keys.map(([c]) => c).join(', ');
  const claim = `select ${cols}, ${s.embeddedText('')} as text from ${s.table}
    where embedding is null order by ${s.embedOrder} limit $1 for update skip locked`;
  const n = s.keys.length;
  const arrays = s.keys.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const vcols = s.keys.map((_, i) => `v_k${i}`).join(', ');
  const match = s.keys.map(([c], i) => `t.${c} = v.v_k${i}`).join(' and ');
  // Why the text comparison: the row is written only if it still says what was
  // embedded (a brain value or decision may change between claim and write).
  const write = `update ${s.table} t set embedding = v.v_vec::vector
    from unnest(${arrays}, $${n + 1}::text[], $${n + 2}::text[]) as v(${vcols}, v_vec, v_text)
    where ${match} and t.embedding is null and ${s.embeddedText('t.')} = v.v_text`;
  return { claim, write };
}

const SQL = new Map(RECALL_KINDS.map((k) => [k, statementsOf(k)]));

/**
 * Claims up to `limit` rows of one kind still without an embedding, newest first,
 * skipping rows another worker holds (locks last until `tx` ends).
 *
 * @example
 * const rows = await claimPending(tx, 'fact', 64); // => [{ id: '0190...', text: 'user.city\nLyon' }]
 */
export async function claimPending(tx: Db, kind: RecallKind, limit: number): Promise<PendingRow[]> {
  const { rows } = await tx.query<PendingRow>(SQL.get(kind)?.claim as string, [limit]);
  return rows;
}

/**
 * Writes the vectors of claimed rows back (rows whose text changed since are left
 * pending); returns the rows written. Recall's fresh-row step writes back with it too.
 *
 * @example
 * await writeEmbeddings(db, 'fact', rows, await embedder.embed(rows.map((r) => r.text))); // => 1
 */
export async function writeEmbeddings(
  db: Db,
  kind: RecallKind,
  rows: PendingRow[],
  vectors: Float32Array[],
): Promise<number> {
  const params: unknown[] = kindSpec(kind).keys.map(([c]) => rows.map((r) => r[c]));
  params.push(
    vectors.map(toVectorLiteral),
    rows.map((r) => r.text),
  );
  return (await db.query(SQL.get(kind)?.write as string, params)).rowCount;
}

/**
 * How many rows wait for an embedding, per table and in total.
 *
 * @example
 * await countPending(db); // => { episodes: 3, facts: 0, brain: 1, decisions: 0, total: 4 }
 */
export async function countPending(db: Db): Promise<Record<EmbeddedTable | 'total', number>> {
  const tables = RECALL_KINDS.map((k) => kindSpec(k).table as EmbeddedTable);
  const { rows } = await db.query<Record<EmbeddedTable, number>>(
    `select ${tables.map((t) => `(select count(*) from ${t} where embedding is null) as ${t}`).join(', ')}`,
  );
  const r = rows[0];
  return { ...r, total: tables.reduce((sum, t) => sum + r[t], 0) };
}
