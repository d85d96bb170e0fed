import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { dateInput, importance, LIMITS, tags } from '../validation.js';
import { RECALL_KINDS, type RecallKind } from './recall-kinds.js';

/** The kinds of memory recall searches (the registry in recall-kinds.ts). */
export { RECALL_KINDS, type RecallKind } from './recall-kinds.js';

/** Filters narrowing what recall may return. */
export const recallFiltersSchema = z
  .object({
    categories: z.array(z.string().max(LIMITS.shortText)).max(64).optional(),
    tags: tags.optional(),
    since: dateInput.optional(),
    until: dateInput.optional(),
    minImportance: importance.optional(),
    session: z.string().max(LIMITS.shortText).optional(),
    agent: z.string().max(LIMITS.shortText).optional(),
    roles: z
      .array(z.enum(['user', 'assistant', 'system', 'tool', 'event']))
      .max(5)
      .optional(),
    includeArchived: z.boolean().optional(),
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
    /** Recency half-life in days. */
    halfLifeDays: z.number().positive().max(36_500).optional(),
  })
  .strict();

/** Input of `recall`. */
export const recallSchema = z
  .object({
    scope: scopeSchema,
    query: z.string().trim().min(1, 'must not be empty').max(LIMITS.contentChars),
    k: z.number().int().min(1).max(100).default(10),
    kinds: z.array(z.enum(RECALL_KINDS)).min(1).max(RECALL_KINDS.length).optional(),
    filters: recallFiltersSchema.optional(),
    minScore: z.number().min(0).optional(),
    diversity: z.number().min(0).max(1).optional(),
    neighbors: z.number().int().min(0).max(5).optional(),
    weights: recallWeightsSchema.optional(),
    explain: z.boolean().optional(),
  })
  .strict();
export type RecallInput = z.input<typeof recallSchema>;

/** Each signal's contribution, returned with `explain`. */
export interface RecallScores {
  /**
   * BM25 over the full-text index relative to the query's own reference: 1 = matches
   * every query term once at average length (can exceed 1); the other candidates play no part.
   */
  text: number;
  /**
   * Cosine mapped through the embedder's fixed references: 0 = no closer than typical
   * unrelated text, 1 = as close as a typical answering memory (can exceed 1).
   */
  vector: number;
  /** Raw cosine similarity of the embedding, when the row is embedded. */
  cosine: number | null;
  /**
   * Why `cosine` is null, on recall hits: `not_embedded` (the row waits for its
   * embedding: found by words or context only), `text_only` (this recall used no query
   * vector: no embedder, or `weights.vector` 0); null when the cosine was used.
   * Absent on neighbour expansions (`neighborOf`).
   */
  vectorMissing?: 'not_embedded' | 'text_only' | null;
  /** Boost from the best-scoring turns next to this one in its session. */
  neighbor: number;
  /** Boost from how strongly its session as a whole matches. */
  session: number;
  recency: number;
  importance: number;
  confidence: number;
}

/** One recalled memory. */
export interface RecallItem {
  kind: RecallKind;
  id: string;
  content: string;
  subject: string;
  score: number;
  occurredAt: Date;
  session: string;
  user: string;
  agent: string;
  category: string;
  importance: number;
  confidence: number;
  tags: string[];
  metadata: Record<string, unknown>;
  /** Present when this item was added as context around a hit (`neighbors`). */
  neighborOf?: string;
  scores?: RecallScores;
}

/** What `recall` returns. */
export interface RecallResult {
  items: RecallItem[];
  /** False when no embedder is configured or the query could not be embedded (text only). */
  usedVector: boolean;
  /**
   * Rows this recall could return that had no embedding when it searched (found by
   * words only; counted up to 10,000 per kind). 0 when the recall used no vector.
   */
  pendingEmbedding: number;
  /** Pending rows this recall embedded itself before searching (at most 32, see docs/recall.md). */
  embeddedForRecall: number;
}
