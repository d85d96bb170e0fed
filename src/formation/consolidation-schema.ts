/**
 * Input schemas and public types of consolidation: old episodes summarised into facts,
 * then archived; near-duplicate facts merged.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.js';
import { scopeSchema } from '../scope.js';
import { dateInput } from '../validation.js';
import { candidateSchema, reconcileSummarySchema } from './extraction-schema.js';
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
 * seven days) and not archived yet are consolidated. Plain JSON: the model to use is an
 * option ({@link ConsolidateOptions}), not an input field.
 *
 * @example
 * parse(consolidateSchema, { scope: { user: 'alice' }, olderThanSeconds: 86400 });
 */
export const consolidateSchema = z.strictObject({
  scope: scopeSchema,
  olderThanSeconds: seconds
    .default(DEFAULT_OLDER_THAN_SECONDS)
    .describe('consolidate episodes older than this (default seven days)'),
});

/**
 * Options of `consolidate` (in process only: a client cannot travel): `llm` overrides
 * the memory's model (`null`: merge duplicate facts only).
 *
 * @example
 * await mem.consolidate({ olderThanSeconds: 3600 }, { llm: createLlmClient({ model: 'gpt-4o-mini' }) });
 */
export interface ConsolidateOptions {
  llm?: LlmClient | null;
}

/**
 * The `llm` option checked: an LLM client, null, or absent.
 *
 * @example
 * const llm = consolidateLlm(options, deps.llm);
 */
export function consolidateLlm(options: ConsolidateOptions, fallback: LlmClient | null): LlmClient | null {
  const v = options.llm;
  if (v === undefined) return fallback;
  if (v === null || (typeof v === 'object' && typeof (v as LlmClient).completeJson === 'function')) return v;
  throw new InvalidInputError(
    '"llm": must be an LLM client (createLlmClient / llmFromConfig) or null',
    'llm',
  );
}

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

const count = z.number().int();

/**
 * Result of `consolidate`. Without an LLM nothing is summarised or archived (`skipped`
 * says why) and only duplicate facts are merged.
 *
 * @example
 * const r: ConsolidationResult = await mem.consolidate({ olderThanSeconds: 86400 });
 * console.log(r.archived, r.summaries, r.merged, r.skipped);
 */
export const consolidationResultSchema = z.object({
  /** Sessions (user, agent, session groups) that had old episodes. */
  sessions: count,
  /** Summary facts written (category `summary`, one per chunk of up to 100 turns). */
  summaries: count,
  /** Episodes archived (never deleted: `includeArchived` still finds them). */
  archived: count,
  /** What happened to the durable facts found in the old episodes. */
  facts: reconcileSummarySchema,
  /** Duplicate current facts superseded by the one kept. */
  merged: count,
  /** HTTP requests sent to the model (0 when the cache answered). */
  llmRequests: count,
  /** Set when nothing was summarised or archived ('no LLM configured'). */
  skipped: z.string().optional().describe('why nothing was summarised or archived'),
});

/**
 * Result of `consolidate`.
 *
 * @example
 * const r: ConsolidationResult = await mem.consolidate({ olderThanSeconds: 86400 });
 */
export type ConsolidationResult = z.output<typeof consolidationResultSchema>;
