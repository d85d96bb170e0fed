/**
 * Input and report of `maintain`: which retention and maintenance steps run, their
 * limits (every default documented here and in docs/operations.md), and what each did.
 */
import { z } from 'zod';
import { MONTH_MS } from './duration.js';

/**
 * The steps of `maintain`, in the order they run: retention first (it frees rows), then
 * the engine's own upkeep over what is left.
 *
 * @example
 * MAINTENANCE_STEPS.includes('reindex') // => true
 */
export const MAINTENANCE_STEPS = [
  'usage',
  'brain',
  'cache',
  'episodes',
  'analyze',
  'vacuum',
  'reindex',
] as const;

/**
 * One step's name.
 *
 * @example
 * const s: MaintenanceStep = 'usage';
 */
export type MaintenanceStep = (typeof MAINTENANCE_STEPS)[number];

/**
 * The defaults of `maintain`, one place: docs/operations.md ("Retention and maintenance")
 * lists the same.
 *
 * @example
 * MAINTENANCE_DEFAULTS.batchSize // => 5000
 */
export const MAINTENANCE_DEFAULTS = {
  /** Usage events are kept 13 months (a year of monthly figures plus the month running). */
  usageRetentionMs: 13 * MONTH_MS,
  /** Rows one delete statement removes at most: short statements, short locks. */
  batchSize: 5000,
  /** LLM cache outputs kept per tenant, the most recently used first. */
  cacheMaxEntries: 100_000,
} as const;

const positiveMs = (what: string) =>
  z.number().int('must be a whole number of milliseconds').positive(`must be greater than 0 ${what}`);

/**
 * Input of `maintain`. Every field is optional; the defaults are in {@link MAINTENANCE_DEFAULTS}.
 *
 * @example
 * parse(maintainSchema, { steps: ['usage', 'cache'], dryRun: true, cacheMaxEntries: 10_000 });
 */
export const maintainSchema = z.strictObject({
  steps: z
    .array(z.enum(MAINTENANCE_STEPS))
    .min(1, 'name at least one step (or omit steps to run them all)')
    .optional()
    .describe(`the steps to run, of ${MAINTENANCE_STEPS.join(', ')} (default: all)`),
  dryRun: z
    .boolean()
    .default(false)
    .describe('count what each retention step would delete and skip the engine steps; change nothing'),
  usageRetentionMs: positiveMs('(the default is 13 months)')
    .default(MAINTENANCE_DEFAULTS.usageRetentionMs)
    .describe('usage events older than this are deleted (default 13 months of 30.4375 days)'),
  cacheMaxEntries: z
    .number()
    .int('must be a whole number')
    .positive('must be greater than 0')
    .default(MAINTENANCE_DEFAULTS.cacheMaxEntries)
    .describe('LLM cache outputs kept per tenant; the least recently used beyond it go (default 100,000)'),
  cacheMaxIdleMs: positiveMs('(omit it to keep unused outputs)')
    .optional()
    .describe(
      'LLM cache outputs not used for this long go (default: kept, only expiry and the entry cap apply)',
    ),
  archivedEpisodesAfterMs: positiveMs('(omit it to keep archived episodes)')
    .optional()
    .describe(
      'archived episodes archived longer ago than this are purged through the audited purge (default: never)',
    ),
  batchSize: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(MAINTENANCE_DEFAULTS.batchSize)
    .describe('rows one delete statement removes at most (default 5,000)'),
});

/**
 * Input of `maintain`.
 *
 * @example
 * const input: MaintainInput = { steps: ['analyze'], dryRun: false };
 */
export type MaintainInput = z.input<typeof maintainSchema>;

/**
 * The validated options of `maintain`, defaults filled.
 *
 * @example
 * const o: MaintainOptions = parse(maintainSchema, {});
 */
export type MaintainOptions = z.output<typeof maintainSchema>;

/**
 * What one step did: rows deleted (or, in a dry run, that would be), indexes rebuilt,
 * its time, or why it was skipped.
 *
 * @example
 * const r: StepReport = { step: 'reindex', status: 'skipped', reason: 'reindex: skipped on PGlite ...', ms: 0 };
 */
export interface StepReport {
  step: MaintenanceStep;
  status: 'done' | 'skipped' | 'failed';
  /** Rows deleted (dry run: rows that would be), per table. */
  deleted?: Record<string, number>;
  /** Indexes rebuilt (reindex). */
  indexes?: string[];
  /** Audit rows written (episodes purge). */
  auditIds?: string[];
  /** Why the step was skipped, or the error of a failed step. */
  reason?: string;
  ms: number;
}

/**
 * What `maintain` returns: the engine, whether it was a dry run, and a report per step run.
 *
 * @example
 * const r: MaintenanceReport = await maintain(db, { dryRun: true });
 * r.steps.find((s) => s.step === 'usage')?.deleted?.usage_events;
 */
export interface MaintenanceReport {
  engine: 'pglite' | 'postgres';
  dryRun: boolean;
  startedAt: Date;
  ms: number;
  steps: StepReport[];
}
