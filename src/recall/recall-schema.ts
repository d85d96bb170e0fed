/**
 * Input and output schemas of `recall`: the query with its filters and weights, and the
 * ranked items it returns (component `RecallItem`), declared once for the library, the
 * HTTP API, the remote client and the MCP tool.
 */
import { z } from 'zod';
import { jsonObjectOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { dateInput, importance, LIMITS, tags } from '../validation.js';
import { kindsField, RECALL_KINDS } from './recall-kinds.js';

/** The kinds of memory recall searches (the registry in recall-kinds.ts). */
export { RECALL_KINDS, type RecallKind } from './recall-kinds.js';

const text = z.string().max(LIMITS.shortText);
const when = (what: string) => dateInput.optional().describe(`${what}, ISO 8601`);

/** Filters narrowing what recall may return. */
export const recallFiltersSchema = z
  .object({
    categories: z.array(text).max(64).optional().describe('fact categories, e.g. ["preference"]'),
    tags: tags.optional().describe('carrying all of these tags'),
    since: when('from this time on'),
    until: when('before this time'),
    minImportance: importance.optional().describe('at least this important (1-10)'),
    session: text.optional().describe('this session only'),
    agent: text.optional().describe("this agent's only"),
    roles: z
      .array(z.enum(['user', 'assistant', 'system', 'tool', 'event']))
      .max(5)
      .optional()
      .describe('episodes with these roles only'),
    includeArchived: z.boolean().optional().describe('also consolidated (archived) episodes'),
  })
  .strict();

/** Tuning of the ranking; every weight has a documented default (docs/recall.md). */
export const recallWeightsSchema = z
  .object({
    text: z.number().min(0).max(10).optional(),
    vector: z.number().min(0).max(10).optional(),
    neighbor: z.number().min(0).max(10).optional(),
    session: z.number().min(0).max(10).optional(),
    recency: z.number().min(0).max(10).optional(),
    importance: z.number().min(0).max(10).optional(),
    /** Share of relevance gained by a memory from a time the query names ("in May 2023"). */
    time: z.number().min(0).max(10).optional(),
    /** Recency half-life in days. */
    halfLifeDays: z.number().positive().max(36_500).optional(),
  })
  .strict();

/**
 * Input of `recall`.
 *
 * @example
 * parse(recallSchema, { scope: { user: 'alice' }, query: 'where does alice live', k: 5 });
 */
export const recallSchema = z
  .object({
    scope: scopeSchema,
    query: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(LIMITS.contentChars)
      .describe('what to look for, in plain words'),
    k: z.number().int().min(1).max(100).default(10).describe('how many (default 10)'),
    kinds: kindsField,
    filters: recallFiltersSchema.optional(),
    minScore: z.number().min(0).optional().describe('drop results scoring below this'),
    diversity: z.number().min(0).max(1).optional().describe('0-1: more variety, fewer near-duplicates'),
    neighbors: z.number().int().min(0).max(5).optional().describe('also this many turns around each episode'),
    weights: recallWeightsSchema.optional().describe('ranking weights (docs/recall.md)'),
    explain: z.boolean().optional().describe('add the parts of each score'),
  })
  .strict();
export type RecallInput = z.input<typeof recallSchema>;

/**
 * A point in time (a Date in process, ISO 8601 on the wire): `dateOut` without its
 * example, as the `RecallItem` component always had it.
 */
const recallDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/**
 * Each signal's contribution, returned with `explain`.
 *
 * @example
 * const s: RecallScores = (await mem.recall({ query: 'x', explain: true })).items[0].scores!;
 */
export const recallScoresSchema = z.object({
  /**
   * BM25 over the full-text index relative to the query's own reference: 1 = matches
   * every query term once at average length (can exceed 1); the other candidates play no part.
   */
  text: z.number(),
  /**
   * Cosine mapped through the embedder's fixed references: 0 = no closer than typical
   * unrelated text, 1 = as close as a typical answering memory (can exceed 1).
   */
  vector: z.number(),
  /** Raw cosine similarity of the embedding, when the row is embedded. */
  cosine: z.number().nullable(),
  /** Boost from the best-scoring turns next to this one in its session. */
  neighbor: z.number(),
  /** Boost from how strongly its session as a whole matches. */
  session: z.number(),
  recency: z.number(),
  importance: z.number(),
  /**
   * Share of relevance gained because the memory's time is one the query names ("in May
   * 2023", "two weeks before August 11, 2023", "last week"); 0 otherwise.
   */
  time: z.number(),
  confidence: z.number(),
  /**
   * Why `cosine` is null, on recall hits: `not_embedded` (the row waits for its
   * embedding: found by words or context only), `text_only` (this recall used no query
   * vector: no embedder, or `weights.vector` 0); null when the cosine was used.
   * Absent on neighbour expansions (`neighborOf`).
   */
  vectorMissing: z
    .enum(['not_embedded', 'text_only'])
    .nullable()
    .optional()
    .describe('why cosine is null: the row is not embedded yet, or the recall used no vector'),
});

/**
 * Each signal's contribution, returned with `explain`.
 *
 * @example
 * const s: RecallScores = { text: 1, vector: 0, cosine: null, neighbor: 0, session: 0, recency: 1, importance: 0.5, time: 0, confidence: 1 };
 */
export type RecallScores = z.output<typeof recallScoresSchema>;

/**
 * One recalled memory (component `RecallItem`).
 *
 * @example
 * const [top] = (await mem.recall({ query: 'where does alice live' })).items; top.kind; // 'fact'
 */
export const recallItemSchema = z
  .object({
    kind: z.enum(RECALL_KINDS),
    id: z.string(),
    content: z.string(),
    subject: z.string(),
    score: z.number(),
    occurredAt: recallDate,
    session: z.string(),
    user: z.string(),
    agent: z.string(),
    category: z.string(),
    importance: z.number(),
    confidence: z.number(),
    tags: z.array(z.string()),
    metadata: jsonObjectOut,
    /** Present when this item was added as context around a hit (`neighbors`). */
    neighborOf: z.string().optional().describe('set when added as context around this hit'),
    scores: recallScoresSchema.optional().describe('each signal, with `explain: true`'),
  })
  .meta({ id: 'RecallItem' });

/**
 * One recalled memory.
 *
 * @example
 * const item: RecallItem = hits.items[0];
 */
export type RecallItem = z.output<typeof recallItemSchema>;

/**
 * What `recall` returns.
 *
 * @example
 * const { items, usedVector } = await mem.recall({ query: 'deploy key' });
 */
export const recallResultSchema = z.object({
  items: z.array(recallItemSchema),
  /** False when no embedder is configured or the query could not be embedded (text only). */
  usedVector: z.boolean().describe('false when recall was text only'),
  /**
   * Rows this recall could return that had no embedding when it searched (found by
   * words only; counted up to 10,000 per kind). 0 when the recall used no vector.
   */
  pendingEmbedding: z
    .number()
    .int()
    .describe('rows it could return that had no embedding yet (found by words only)'),
  /** Pending rows this recall embedded itself before searching (at most 32, see docs/recall.md). */
  embeddedForRecall: z.number().int().describe('fresh rows this recall embedded first'),
});

/**
 * What `recall` returns.
 *
 * @example
 * const r: RecallResult = await mem.recall({ query: 'deploy key' });
 */
export type RecallResult = z.output<typeof recallResultSchema>;
