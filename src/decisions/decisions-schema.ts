import { z } from 'zod';
import { jsonBytes, safeText, storableJson, storableObject } from '../brain/brain-json.js';
import { scopeMatchSchema, scopeSchema } from '../scope.js';
import { LIMITS, uuid } from '../validation.js';

/**
 * Outcome statuses a decision is resolved with.
 *
 * @example
 * DECISION_OUTCOMES.includes('partial'); // => true
 */
export const DECISION_OUTCOMES = ['success', 'partial', 'failure'] as const;
/**
 * Every status of a decision: pending until resolved.
 *
 * @example
 * await mem.decisions.list({ status: DECISION_STATUSES[0] }); // pending ones
 */
export const DECISION_STATUSES = ['pending', ...DECISION_OUTCOMES] as const;
/**
 * How the user or supervisor felt about the outcome.
 *
 * @example
 * await mem.decisions.resolve({ id, status: 'success', feedback: DECISION_FEEDBACK[0] });
 */
export const DECISION_FEEDBACK = ['positive', 'negative', 'neutral'] as const;

/** Status of a decision. @example const s: DecisionStatus = 'pending'; */
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

const text = (max: number) => safeText(max).min(1, 'must not be empty');
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of: ${values.join(', ')}` });
const limit = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1)
  .max(1000)
  .optional();
const decisionTags = z
  .array(text(LIMITS.shortText), { error: 'must be an array of strings' })
  .max(LIMITS.tags, `at most ${LIMITS.tags} tags`);

/**
 * Input of `decisions.record`. `alternatives` are the options that were considered, as
 * strings or JSON objects (`{ option, pros, cons }`); `episodeId` links the episode
 * the decision was taken in (it must exist in the tenant).
 *
 * @example
 * parse(decisionRecordSchema, { subject: 'db', context: 'pick a store', alternatives: ['sqlite', 'postgres'],
 *   chosen: 'postgres', reasoning: 'concurrency' });
 */
export const decisionRecordSchema = z.strictObject({
  scope: scopeSchema,
  subject: safeText(LIMITS.shortText).optional(),
  context: text(LIMITS.contentChars),
  alternatives: z
    .array(
      z.union([text(LIMITS.contentChars), storableObject], { error: 'must be a string or a JSON object' }),
      {
        error: 'must be an array of strings or JSON objects',
      },
    )
    .max(100, 'at most 100 alternatives')
    .refine(
      (a) => jsonBytes(a) <= LIMITS.jsonBytes,
      `is too large: at most ${LIMITS.jsonBytes} bytes as JSON`,
    )
    .optional(),
  chosen: text(LIMITS.contentChars),
  reasoning: safeText(LIMITS.contentChars).optional(),
  episodeId: uuid.optional(),
  tags: decisionTags.optional(),
  metadata: storableObject.optional(),
});

/**
 * Input of `decisions.resolve`: the outcome of a pending decision (once).
 *
 * @example
 * parse(decisionResolveSchema, { id, status: 'success', lessons: 'postgres handled the load', feedback: 'positive' });
 */
export const decisionResolveSchema = z.strictObject({
  scope: scopeSchema,
  id: uuid,
  status: oneOf(DECISION_OUTCOMES),
  outcome: storableJson.optional(),
  lessons: text(LIMITS.contentChars).optional(),
  feedback: oneOf(DECISION_FEEDBACK).optional(),
});

/** Input of `decisions.get`. @example parse(decisionGetSchema, { id }) */
export const decisionGetSchema = z.strictObject({ scope: scopeSchema, id: uuid });

/**
 * Input of `decisions.list`: `text` is a web-style full-text query (`"exact phrase" -word or`).
 *
 * @example
 * parse(decisionListSchema, { status: 'failure', text: 'database migration' });
 */
export const decisionListSchema = z.strictObject({
  scope: scopeSchema,
  status: oneOf(DECISION_STATUSES).optional(),
  subject: safeText(LIMITS.shortText).optional(),
  text: text(1000).optional(),
  limit,
  scopeMatch: scopeMatchSchema.optional(),
});

/** Input of `decisions.lessons`. @example parse(decisionLessonsSchema, { subject: 'deploy', limit: 5 }) */
export const decisionLessonsSchema = z.strictObject({
  scope: scopeSchema,
  subject: safeText(LIMITS.shortText).optional(),
  text: text(1000).optional(),
  limit,
  scopeMatch: scopeMatchSchema.optional(),
});

/**
 * Input types, as callers write them.
 *
 * @example
 * const input: DecisionRecordInput = { context: 'pick a queue', chosen: 'postgres' };
 */
export type DecisionRecordInput = z.input<typeof decisionRecordSchema>;
export type DecisionResolveInput = z.input<typeof decisionResolveSchema>;
export type DecisionGetInput = z.input<typeof decisionGetSchema>;
export type DecisionListInput = z.input<typeof decisionListSchema>;
export type DecisionLessonsInput = z.input<typeof decisionLessonsSchema>;

/**
 * A decision: what was chosen among which alternatives and why, and later how it went.
 *
 * @example
 * const d: Decision = await mem.decisions.record({ context: 'retry policy', chosen: 'exponential backoff' });
 */
export interface Decision {
  id: string;
  tenant: string;
  user: string;
  agent: string;
  session: string;
  subject: string;
  context: string;
  alternatives: unknown[];
  chosen: string;
  reasoning: string;
  status: DecisionStatus;
  outcome: unknown;
  lessons: string | null;
  feedback: (typeof DECISION_FEEDBACK)[number] | null;
  episodeId: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  createdAt: Date;
  resolvedAt: Date | null;
}

/**
 * Decisions with their outcomes, so agents learn from what worked.
 *
 * @example
 * const d = await mem.decisions.record({ subject: 'deploy', context: 'friday release?', chosen: 'wait for monday' });
 * await mem.decisions.resolve({ id: d.id, status: 'success', lessons: 'no weekend pages' });
 * const lessons = await mem.decisions.lessons({ subject: 'deploy' });
 */
export interface Decisions {
  /** Records a pending decision. */
  record(input: DecisionRecordInput): Promise<Decision>;
  /** Resolves a pending decision; NotFoundError for an unknown id, ConflictError when already resolved. */
  resolve(input: DecisionResolveInput): Promise<Decision>;
  /** The decision, or null. */
  get(input: DecisionGetInput): Promise<Decision | null>;
  /** Decisions of the scope, newest first (best text match first when `text` is given). */
  list(input?: DecisionListInput): Promise<Decision[]>;
  /** Resolved decisions that carry lessons, most recently resolved first. */
  lessons(input?: DecisionLessonsInput): Promise<Decision[]>;
}
