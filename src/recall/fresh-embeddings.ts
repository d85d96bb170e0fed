/**
 * Recall sees what was just written: before a recall that uses vectors, the scope's
 * rows still waiting for an embedding (the newest, bounded in rows and time) are
 * embedded and written back, so a memory appended a moment ago is found by meaning.
 * Rows beyond the bound stay text-only for that call, and the result says how many.
 * Writes never wait for this: embedding stays off the write path.
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import type { Embedder } from './embedders/embedder.js';
import { type PendingRow, writeEmbeddings } from './embedding-queries.js';
import { kindSpec, type RecallKind, type ResolvedFilters } from './recall-kinds.js';
import { visibleRows } from './recall-where.js';

/** Most rows a recall embeds itself before searching. */
export const FRESH_MAX_ROWS = 32;
/** A recall starts no new embedding batch after this many ms (the batch in flight finishes). */
export const FRESH_MAX_MS = 1000;
/**
 * On a server, how long a recall waits for rows another process is embedding right now
 * (the background indexer holds them locked until it writes them back).
 */
export const FRESH_LOCK_WAIT_MS = 2000;
/** Pending rows are counted up to this many (the count reads the pending-rows index). */
export const PENDING_COUNT_CAP = 10_000;

/** What one recall's fresh-row step did. */
export interface FreshResult {
  /** Rows this recall embedded and wrote back before searching. */
  embedded: number;
  /** Rows the recall could return that still had no embedding when it searched. */
  pending: number;
}

interface Input {
  db: Db;
  embedder: Embedder;
  scope: ResolvedScope;
  kinds: RecallKind[];
  filters: ResolvedFilters;
  now: Date;
  maxRows?: number;
  maxMs?: number;
  /** The pending count, when the caller started it already ({@link countPending}). */
  pending?: Promise<number>;
}

/**
 * How many rows the recall could return have no embedding (each kind counted up to the
 * cap). Recall starts it beside the query's embedding, so it is off the critical path.
 *
 * @example
 * const pending = countPending({ db, embedder, scope, kinds: ['episode'], filters: {}, now: new Date() });
 */
export async function countPending(i: Input): Promise<number> {
  const p = new Params();
  p.add(i.scope.tenant); // $1: the visibility conditions use it
  const cap = p.add(PENDING_COUNT_CAP);
  const parts = i.kinds.map((kind) => {
    const v = visibleRows(kind, p, i.scope, i.filters, i.now);
    return `(select count(*) from (select 1 from ${v.table} t where ${v.where} and t.embedding is null limit ${cap}) s)`;
  });
  const { rows } = await i.db.query<{ n: number | string }>(
    `select (${parts.join(' + ')})::int as n`,
    p.values,
  );
  return Number(rows[0]?.n ?? 0);
}

/** The newest pending rows of one kind visible to the recall: keys and the text to embed. */
function claimSql(
  i: Input,
  kind: RecallKind,
  limit: number,
  lock: boolean,
): { sql: string; params: unknown[] } {
  const spec = kindSpec(kind);
  const p = new Params();
  p.add(i.scope.tenant);
  const v = visibleRows(kind, p, i.scope, i.filters, i.now);
  const cols = spec.keys.map(([c]) => `t.${c}`).join(', ');
  // Why `for update` without skip locked: a row another process holds is being embedded
  // right now; waiting (bounded by lock_timeout) beats missing it. Rows come back in the
  // same order for every recall, so two recalls never wait on each other in a cycle.
  const sql = `select ${cols}, ${spec.embeddedText('t.')} as text from ${v.table} t
    where ${v.where} and t.embedding is null order by t.${spec.embedOrder} limit ${p.add(limit)}
    ${lock ? 'for update of t' : ''}`;
  return { sql, params: p.values };
}

type Claimed = { kind: RecallKind; rows: PendingRow[] };

/** Embeds the claimed rows in batches until done or out of time, and writes them back. */
async function embedAndWrite(db: Db, embedder: Embedder, claimed: Claimed[], maxMs: number): Promise<number> {
  const start = Date.now();
  let written = 0;
  for (const { kind, rows } of claimed) {
    for (let at = 0; at < rows.length; at += embedder.maxBatch) {
      if (Date.now() - start > maxMs) return written;
      const chunk = rows.slice(at, at + embedder.maxBatch);
      const vectors = await embedder.embed(chunk.map((r) => r.text));
      written += await writeEmbeddings(db, kind, chunk, vectors);
    }
  }
  return written;
}

function isLockTimeout(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === '55P03';
}

/**
 * Embeds the newest pending rows a recall could return (at most `maxRows`, starting no
 * batch after `maxMs`) and returns how many it embedded and how many remain. On a
 * server, rows another process is embedding are waited for (up to
 * {@link FRESH_LOCK_WAIT_MS}); rows it cannot get stay pending and are counted.
 *
 * @example
 * const { embedded, pending } = await embedFresh({ db, embedder, scope, kinds: ['episode'], filters: {}, now: new Date() });
 */
export async function embedFresh(i: Input): Promise<FreshResult> {
  const before = await (i.pending ?? countPending(i));
  if (before === 0) return { embedded: 0, pending: 0 };
  const maxRows = i.maxRows ?? FRESH_MAX_ROWS;
  const maxMs = i.maxMs ?? FRESH_MAX_MS;
  const claimAll = async (db: Db, lock: boolean): Promise<Claimed[]> => {
    const claimed: Claimed[] = [];
    let left = maxRows;
    for (const kind of i.kinds) {
      if (left <= 0) break;
      const { sql, params } = claimSql(i, kind, left, lock);
      const { rows } = await db.query<PendingRow>(sql, params);
      if (rows.length) claimed.push({ kind, rows });
      left -= rows.length;
    }
    return claimed;
  };
  let embedded = 0;
  if (i.db.dialect === 'postgres') {
    embedded = await i.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ v: string }>("select current_setting('lock_timeout') as v");
      await tx.query("select set_config('lock_timeout', $1, true)", [`${FRESH_LOCK_WAIT_MS}ms`]);
      let claimed: Claimed[] = [];
      try {
        // In a savepoint: a lock wait that times out rolls back only the claim.
        claimed = await tx.transaction((sp) => claimAll(sp, true));
      } catch (e) {
        if (!isLockTimeout(e)) throw e;
      } finally {
        await tx.query("select set_config('lock_timeout', $1, true)", [rows[0]?.v ?? '0']);
      }
      return embedAndWrite(tx, i.embedder, claimed, maxMs);
    });
  } else {
    // PGlite is one connection in this process: no row locks to take. The background
    // indexer may embed the same rows at the same moment; the write-back only fills
    // rows still null, so the second writer changes nothing.
    embedded = await embedAndWrite(i.db, i.embedder, await claimAll(i.db, false), maxMs);
  }
  // Every counted row embedded here: nothing left (rows written since are the next call's).
  const pending = embedded >= before ? 0 : await countPending(i);
  return { embedded, pending };
}
