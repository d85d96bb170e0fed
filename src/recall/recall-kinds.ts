import { z } from 'zod';
/**
 * The one registry of recall kinds: for each kind of memory recall searches, its table,
 * ids, the text its vector embeds, its time and importance columns, its filters, its
 * indexes and which area writes put rows in it to embed. Recall's SQL, the embedding
 * indexer, the embedding binding, the fresh-row step, the kinds enums and the
 * memory's write hooks all derive from it.
 *
 * Every string here is fixed SQL written in this file: table and column names are
 * identifiers from this registry, never from input, so they are written into SQL text
 * as they are; values always go through `Params`.
 */
import type { Params } from '../db/sql.js';

/** The kinds of memory recall searches, in the order recall lists them. */
export const RECALL_KINDS = ['episode', 'fact', 'brain', 'decision'] as const;
export type RecallKind = (typeof RECALL_KINDS)[number];

/**
 * The optional `kinds` input field of recall and count: some of the kinds, at least one.
 *
 * @example
 * z.strictObject({ kinds: kindsField });
 */
export const kindsField = z
  .array(z.enum(RECALL_KINDS))
  .min(1)
  .max(RECALL_KINDS.length)
  .optional()
  .describe('only these kinds (default all)');

/** Filters after validation. */
export interface ResolvedFilters {
  categories?: string[];
  tags?: string[];
  since?: Date;
  until?: Date;
  minImportance?: number;
  session?: string;
  agent?: string;
  roles?: string[];
  includeArchived?: boolean;
}

/** One candidate row, with the raw signals the fusion step ranks by. */
export interface CandidateRow {
  kind: RecallKind;
  id: string;
  content: string;
  subject: string;
  session: string;
  user_id: string;
  agent_id: string;
  occurred_at: Date;
  importance: number;
  confidence: number;
  category: string;
  tags: string[];
  /** JSON text: parsed only for the rows recall returns. */
  metadata: string;
  bm25: number;
  /**
   * The query's own reference BM25 in this scope: what a document matching once, at
   * average length, every query term the scope contains would score (the sum of those
   * terms' IDF). Text scores are calibrated against it, not against the other candidates.
   */
  bm25_ideal: number;
  cos: number | null;
  /** Which of the best matches this row neighbours, as `matchId/distance` (episodes only). */
  near: string[] | null;
  /** The query terms this row contains (lexemes), and their IDF in the scope, aligned. */
  terms?: string[] | null;
  terms_idf?: number[] | null;
}

/** Longest text handed to an embedder, in characters (the start of a memory carries its gist). */
export const EMBED_MAX_CHARS = 8000;

const clip = (expr: string) => `left(${expr}, ${EMBED_MAX_CHARS})`;

/** What one kind is in SQL (the row alias is `t`). */
export interface RecallKindSpec {
  /** The table of the kind's rows. */
  readonly table: string;
  /** Expression of the public id recall returns, as text. */
  readonly id: string;
  /** Text expression naming a row within its tenant (candidate ids are these). */
  readonly rowId: string;
  /** Condition joining a candidate id `i.id` (a rowId) back to its row. */
  readonly joinOn: string;
  /** `rowId in (subquery)`, written so the primary key index is used. */
  readonly idIn: (subquery: string) => string;
  /** The common candidate columns: content, subject, session, user_id ... metadata. */
  readonly select: string;
  /** Time column used by since/until and recency. */
  readonly time: string;
  /** Importance on the 1-10 scale (facts and decisions have none: 5). */
  readonly importance: string;
  /** Whether rows carry tags and roles: a filter on one the kind lacks excludes the kind. */
  readonly tags: boolean;
  readonly roles: boolean;
  /** Conditions that always hold for this kind (current facts, live brain keys) and its own filters. */
  readonly conditions: (p: Params, now: Date, f: ResolvedFilters) => string[];
  /** Whether the turns around a match join the candidates (episodes only). */
  readonly neighbors: boolean;
  /** Key columns of a row with their SQL array types (claim and write-back of embeddings). */
  readonly keys: ReadonlyArray<readonly [column: string, type: string]>;
  /** What is embedded, as an SQL expression over the row's columns (`p`: a table alias and dot, or ''). */
  readonly embeddedText: (p: string) => string;
  /** Order in which pending rows are embedded (newest first). */
  readonly embedOrder: string;
  /** The HNSW index of the embedding column and the GIN index of the tsvector. */
  readonly indexes: { readonly vector: string; readonly text: string };
  /** The write methods, per memory area, that insert or change rows to embed. */
  readonly indexedBy: Readonly<Record<string, readonly string[]>>;
}

const uuidIn = (subquery: string) => `t.id = any(array(select x::uuid from (${subquery}) s(x)))`;
/** Brain rows are keyed by (user, agent, key): the row id carries all three. */
const BRAIN_ID = `t.user_id || chr(31) || t.agent_id || chr(31) || t.key`;

/** The registry. Fixed SQL: nothing here comes from input. */
export const RECALL_KIND_SPECS = {
  episode: {
    table: 'episodes',
    id: 't.id::text',
    rowId: 't.id::text',
    joinOn: 't.id = i.id::uuid',
    idIn: uuidIn,
    select: `t.content, t.subject, t.session_id as session, t.user_id, t.agent_id, t.occurred_at,
      t.importance::int as importance, 1::float8 as confidence, t.role as category, t.tags, t.metadata::text as metadata`,
    time: 't.occurred_at',
    importance: 't.importance',
    tags: true,
    roles: true,
    conditions: (p, _now, f) => {
      const out = f.includeArchived ? [] : ['t.archived_at is null'];
      if (f.roles?.length) out.push(`t.role = any(${p.add(f.roles)}::text[])`);
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.event_type = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    neighbors: true,
    keys: [['id', 'uuid']],
    embeddedText: (p) => clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}content)`),
    embedOrder: 'seq desc',
    indexes: { vector: 'episodes_embedding_hnsw', text: 'episodes_tsv' },
    // Observations are episodes too (event type `observation`).
    indexedBy: { episodes: ['append', 'appendMany'], observations: ['observe'] },
  },
  fact: {
    table: 'facts',
    id: 't.id::text',
    rowId: 't.id::text',
    joinOn: 't.id = i.id::uuid',
    idIn: uuidIn,
    select: `t.content, t.subject, t.session_id as session, t.user_id, t.agent_id, t.valid_from as occurred_at,
      5 as importance, t.confidence::float8 as confidence, t.category, t.tags, t.metadata::text as metadata`,
    time: 't.valid_from',
    importance: '5',
    tags: true,
    roles: false,
    conditions: (p, _now, f) => {
      const out = ['t.valid_to is null'];
      if (!f.includeArchived) out.push('t.archived_at is null');
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.category = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    neighbors: false,
    keys: [['id', 'uuid']],
    embeddedText: (p) => clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}content)`),
    embedOrder: 'created_at desc',
    indexes: { vector: 'facts_embedding_hnsw', text: 'facts_tsv' },
    indexedBy: { facts: ['assert', 'supersede'] },
  },
  brain: {
    table: 'brain',
    id: 't.key',
    rowId: BRAIN_ID,
    joinOn: `${BRAIN_ID} = i.id`,
    idIn: (subquery) => `${BRAIN_ID} in (${subquery})`,
    select: `t.key || ': ' || (case jsonb_typeof(t.value) when 'string' then t.value #>> '{}' else t.value::text end)
        || case when t.description <> '' then ' (' || t.description || ')' else '' end as content,
      t.key as subject, '' as session, t.user_id, t.agent_id, t.updated_at as occurred_at,
      t.priority::int as importance, 1::float8 as confidence, t.category, '{}'::text[] as tags, '{}' as metadata`,
    time: 't.updated_at',
    importance: 't.priority',
    tags: false,
    roles: false,
    conditions: (p, now, f) => {
      const out = [`(t.expires_at is null or t.expires_at > ${p.add(now)})`];
      if (f.categories?.length) out.push(`t.category = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    neighbors: false,
    keys: [
      ['tenant_id', 'text'],
      ['user_id', 'text'],
      ['agent_id', 'text'],
      ['key', 'text'],
    ],
    embeddedText: (p) =>
      clip(`concat_ws(E'\\n', replace(${p}key, '.', ' '), nullif(${p}description, ''), ${p}value #>> '{}')`),
    embedOrder: 'updated_at desc',
    indexes: { vector: 'brain_embedding_hnsw', text: 'brain_tsv' },
    indexedBy: { brain: ['set'] },
  },
  decision: {
    table: 'decisions',
    id: 't.id::text',
    rowId: 't.id::text',
    joinOn: 't.id = i.id::uuid',
    idIn: uuidIn,
    select: `concat_ws(E'\\n', t.context, 'Chosen: ' || t.chosen, nullif(t.reasoning, ''),
        case when t.lessons is not null then 'Lessons: ' || t.lessons end) as content,
      t.subject, t.session_id as session, t.user_id, t.agent_id, t.created_at as occurred_at,
      5 as importance, 1::float8 as confidence, t.status as category, t.tags, t.metadata::text as metadata`,
    time: 't.created_at',
    importance: '5',
    tags: true,
    roles: false,
    conditions: (p, _now, f) => {
      const out: string[] = [];
      if (f.session !== undefined) out.push(`t.session_id = ${p.add(f.session)}`);
      if (f.categories?.length) out.push(`t.status = any(${p.add(f.categories)}::text[])`);
      return out;
    },
    neighbors: false,
    keys: [['id', 'uuid']],
    embeddedText: (p) =>
      clip(`concat_ws(E'\\n', nullif(${p}subject, ''), ${p}context, ${p}chosen, nullif(${p}reasoning, ''))`),
    embedOrder: 'created_at desc',
    indexes: { vector: 'decisions_embedding_hnsw', text: 'decisions_tsv' },
    indexedBy: { decisions: ['record', 'resolve'] },
  },
} as const satisfies Record<RecallKind, RecallKindSpec>;

/**
 * The registry entry of a kind.
 *
 * @example
 * kindSpec('fact').table // => 'facts'
 */
export function kindSpec(kind: RecallKind): RecallKindSpec {
  return RECALL_KIND_SPECS[kind];
}

/** Tables with an embedding column, one per kind, in the registry's order. */
export const EMBEDDED_TABLES: readonly EmbeddedTable[] = RECALL_KINDS.map((k) => RECALL_KIND_SPECS[k].table);
export type EmbeddedTable = (typeof RECALL_KIND_SPECS)[RecallKind]['table'];

type Writers = (typeof RECALL_KIND_SPECS)[RecallKind]['indexedBy'];
type KeysOf<U> = U extends unknown ? keyof U : never;
/** The memory areas whose writes add rows to embed. */
export type IndexingArea = KeysOf<Writers>;
type MethodsOf<A extends PropertyKey> = Writers extends infer W
  ? W extends { readonly [K in A]: readonly (infer M)[] }
    ? M
    : never
  : never;

/**
 * Per memory area, the write methods after which the background indexer is told there
 * is something new to embed (derived from every kind's `indexedBy`).
 *
 * @example
 * INDEXED_WRITES.episodes // => ['append', 'appendMany']
 */
export const INDEXED_WRITES = (() => {
  const out: Record<string, string[]> = {};
  for (const k of RECALL_KINDS)
    for (const [area, methods] of Object.entries(
      RECALL_KIND_SPECS[k].indexedBy as RecallKindSpec['indexedBy'],
    ))
      out[area] = [...(out[area] ?? []), ...methods];
  return out;
})() as unknown as { readonly [A in IndexingArea]: readonly MethodsOf<A>[] };
