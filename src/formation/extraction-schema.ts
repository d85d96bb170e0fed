/**
 * Schemas and types of extraction: what the model must answer (candidates citing the
 * turns that support them), the payload of a `mnemo.extract` task, and the
 * dependencies formation runs on.
 */
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Tasks } from '../coordination/tasks-service.js';
import type { Db } from '../db/db.js';
import type { Episodes } from '../episodes/episodes-service.js';
import type { Facts } from '../facts/facts-service.js';
import { scopeSchema } from '../scope.js';
import { uuid } from '../validation.js';
import type { LlmCache } from './cache-schema.js';
import type { LlmClient } from './llm-schema.js';

/**
 * Queue of the background extraction tasks that `ingest` enqueues.
 *
 * @example
 * await mem.tasks.list({ queue: EXTRACT_QUEUE, status: 'failed' });
 */
export const EXTRACT_QUEUE = 'mnemo.extract';

/**
 * What formation runs on: the memory areas it writes through, the cache, and the LLM
 * (null: nothing that needs a model runs).
 *
 * @example
 * const deps: FormationDeps = { db, clock, episodes, facts, tasks, cache, llm: null };
 */
export interface FormationDeps {
  db: Db;
  clock: Clock;
  episodes: Episodes;
  facts: Facts;
  tasks: Tasks;
  cache: LlmCache;
  llm: LlmClient | null;
}

/**
 * Categories a candidate may have: four semantic ones and the procedural `rule`.
 *
 * @example
 * CANDIDATE_CATEGORIES.includes('goal') // => true
 */
export const CANDIDATE_CATEGORIES = ['fact', 'preference', 'goal', 'struggle', 'rule'] as const;

/**
 * The schema of one candidate for a conversation of `turns` turns: `sourceTurns` must
 * cite turns that exist, so an answer naming a turn that was never shown fails
 * validation and the LLM client asks again.
 *
 * @example
 * candidateSchema(3).safeParse({ kind: 'semantic', category: 'fact', subject: 'user.city',
 *   content: 'The user lives in Lyon.', confidence: 0.9, sourceTurns: [7] }).success // => false
 */
export function candidateSchema(turns: number) {
  return z
    .object({
      kind: z.enum(['semantic', 'procedural']),
      category: z.enum(CANDIDATE_CATEGORIES),
      subject: z.string().max(200),
      content: z.string().trim().min(1).max(2000),
      confidence: z.number().min(0).max(1),
      sourceTurns: z
        .array(
          z
            .number()
            .int()
            .min(0)
            .max(turns - 1, `must be a turn number shown, 0 to ${turns - 1}`),
        )
        .min(1, 'must cite at least one turn'),
    })
    .strict();
}

/**
 * A candidate memory proposed by the model.
 *
 * @example
 * const c: Candidate = { kind: 'semantic', category: 'preference', subject: 'user.drink',
 *   content: 'The user prefers tea.', confidence: 0.8, sourceTurns: [0] };
 */
export type Candidate = z.output<ReturnType<typeof candidateSchema>>;

/**
 * The schema of the extraction answer for a conversation of `turns` turns.
 *
 * @example
 * const schema = extractionOutputSchema(4); // { candidates: Candidate[] }
 */
export function extractionOutputSchema(turns: number) {
  return z.object({ candidates: z.array(candidateSchema(turns)).max(100) }).strict();
}

/**
 * Payload of a `mnemo.extract` task: the episodes (in conversation order) and the scope
 * they were ingested in (session included, so a purge of the session finds the task).
 *
 * @example
 * parse(extractPayloadSchema, { episodeIds: [e.id], scope: { tenant: 'acme', user: 'alice', session: 's1' } });
 */
export const extractPayloadSchema = z.object({
  episodeIds: z.array(uuid).min(1).max(1000),
  scope: scopeSchema,
});

/**
 * Payload of a `mnemo.extract` task.
 *
 * @example
 * const p: ExtractPayload = { episodeIds: [e.id], scope: { user: 'alice' } };
 */
export type ExtractPayload = z.input<typeof extractPayloadSchema>;

/**
 * What reconciliation did, summed over the candidates: stored as the task result.
 *
 * @example
 * const s: ReconcileSummary = { added: 2, superseded: 1, invalidated: 0, unchanged: 3 };
 */
export const reconcileSummarySchema = z.object({
  added: z.number().int(),
  superseded: z.number().int(),
  invalidated: z.number().int(),
  unchanged: z.number().int(),
});

/**
 * What reconciliation did, summed over the candidates.
 *
 * @example
 * const s: ReconcileSummary = { added: 2, superseded: 1, invalidated: 0, unchanged: 3 };
 */
export type ReconcileSummary = z.output<typeof reconcileSummarySchema>;

/**
 * Result of one extraction: the reconciliation summary, how many candidates the model
 * proposed, the facts written, and whether the model was asked or the cache answered.
 *
 * @example
 * const r: ExtractionResult = await runExtraction(deps, { scope, episodeIds });
 * r.added; r.factIds; r.llmRequests;
 */
export interface ExtractionResult extends ReconcileSummary {
  candidates: number;
  /** Ids of the facts this extraction wrote (added or replacements). */
  factIds: string[];
  /** HTTP requests sent to the model (0 when every answer came from the cache). */
  llmRequests: number;
  /** Episodes of the payload that no longer exist (purged since the ingest). */
  missingEpisodes: number;
}
