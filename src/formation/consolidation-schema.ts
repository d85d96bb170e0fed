/**
 * Input schemas and public types of consolidation: old episodes summarised into facts,
 * then archived; near-duplicate facts merged.
 */
import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { dateInput } from '../validation.js';
import { candidateSchema, type ReconcileSummary } from './extraction-schema.js';
import type { LlmClient } from './llm-schema.js';

/**
 * Queue of consolidation tasks (on demand, or scheduled with `runAfter` / `everySeconds`).
 *
 * @example
 * await mem.tasks.list({ queue: CONSOLIDATE_QUEUE });
 */
export const CONSOLIDATE_QUEUE = 'mnemo.consolidate';

/**
 * Default age of the episodes consolidated: seven days, in seconds.
 *
 * @example
 * DEFAULT_OLDER_THAN_SECONDS // => 604800
 */
export const DEFAULT_OLDER_THAN_SECONDS = 7 * 24 * 3600;

const seconds = z
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(0, 'must be 0 or more')
  .max(100 * 365 * 24 * 3600, 'must be at most 100 years');

/**
 * Input of `consolidate`. Episodes of the scope older than `olderThanSeconds` (default
 * seven days) and not archived yet are consolidated; `llm` overrides the memory's model.
 *
 * @example
 * parse(consolidateSchema, { scope: { user: 'alice' }, olderThanSeconds: 86400 });
 */
export const consolidateSchema = z.strictObject({
  scope: scopeSchema,
  olderThanSeconds: seconds.default(DEFAULT_OLDER_THAN_SECONDS),
  llm: z
    .custom<LlmClient | null>(
      (v) => v === null || (typeof v === 'object' && typeof (v as LlmClient).completeJson === 'function'),
      { message: 'must be an LLM client (createLlmClient / llmFromConfig) or null' },
    )
    .optional(),
});

/**
 * Input of `consolidate`.
 *
 * @example
 * const input: ConsolidateInput = { scope: { tenant: 'acme' }, olderThanSeconds: 3600 };
 */
export type ConsolidateInput = z.input<typeof consolidateSchema>;

/**
 * Input of `scheduleConsolidation`: a `mnemo.consolidate` task due at `runAfter` (default
 * now); with `everySeconds`, each run queues the next one that much later.
 *
 * @example
 * parse(scheduleConsolidationSchema, { scope: { tenant: 'acme' }, everySeconds: 86400 });
 */
export const scheduleConsolidationSchema = z.strictObject({
  scope: scopeSchema,
  olderThanSeconds: seconds.optional(),
  runAfter: dateInput.optional(),
  everySeconds: seconds.min(60, 'must be at least 60 seconds').optional(),
});

/**
 * Input of `scheduleConsolidation`.
 *
 * @example
 * const input: ScheduleConsolidationInput = { scope: { tenant: 'acme' }, runAfter: '2026-06-01T03:00:00Z', everySeconds: 86400 };
 */
export type ScheduleConsolidationInput = z.input<typeof scheduleConsolidationSchema>;

/**
 * The schema of the consolidation answer for `turns` turns: a summary and facts citing
 * turns that exist.
 *
 * @example
 * consolidationOutputSchema(10).parse({ summary: 'Alice planned a trip.', facts: [] });
 */
export function consolidationOutputSchema(turns: number) {
  return z
    .object({
      summary: z.string().trim().min(1, 'must not be empty').max(4000),
      facts: z.array(candidateSchema(turns)).max(50),
    })
    .strict();
}

/**
 * Result of `consolidate`. Without an LLM nothing is summarised or archived (`skipped`
 * says why) and only duplicate facts are merged.
 *
 * @example
 * const r: ConsolidationResult = await mem.consolidate({ olderThanSeconds: 86400 });
 * console.log(r.archived, r.summaries, r.merged, r.skipped);
 */
export interface ConsolidationResult {
  /** Sessions (user, agent, session groups) that had old episodes. */
  sessions: number;
  /** Summary facts written (category `summary`, one per chunk of up to 100 turns). */
  summaries: number;
  /** Episodes archived (never deleted: `includeArchived` still finds them). */
  archived: number;
  /** What happened to the durable facts found in the old episodes. */
  facts: ReconcileSummary;
  /** Duplicate current facts superseded by the one kept. */
  merged: number;
  /** HTTP requests sent to the model (0 when the cache answered). */
  llmRequests: number;
  /** Set when nothing was summarised or archived. */
  skipped?: 'no LLM configured';
}
