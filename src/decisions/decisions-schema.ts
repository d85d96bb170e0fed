import { z } from 'zod';
import { jsonBytes, safeText, storableJson, storableObject } from '../brain/brain-json.js';
import { anyJsonOut, dateOut, idOut, jsonObjectOut, scopeOut } from '../records.js';
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
/** Feedback on a decision's outcome. @example const f: DecisionFeedback = 'positive'; */
export type DecisionFeedback = (typeof DECISION_FEEDBACK)[number];

const text = (max: number) => safeText(max).min(1, 'must not be empty');
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of: ${values.join(', ')}` });
const limit = (def: number) =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1)
    .max(1000)
    .optional()
    .describe(`how many to return (default ${def}, at most 1000)`);
const textQuery = text(1000)
  .optional()
  .describe('words to look for in the context, choice, reasoning and lessons (web search syntax)');
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
  subject: safeText(LIMITS.shortText)
    .optional()
    .describe('what it is about, to find related decisions later'),
  context: text(LIMITS.contentChars).describe('the situation and what had to be decided'),
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
    .optional()
    .describe('the options considered (strings or JSON objects)'),
  chosen: text(LIMITS.contentChars).describe('the option chosen'),
  reasoning: safeText(LIMITS.contentChars).optional().describe('why this option'),
  episodeId: uuid.optional().describe('the episode it belongs to (a uuid, as returned by an earlier call)'),
  tags: decisionTags.optional().describe('short labels to filter by later, e.g. ["billing", "bug"]'),
  metadata: storableObject.optional().describe('any JSON object of extra fields to keep with it'),
});

/**
 * Input of `decisions.resolve`: the outcome of a pending decision (once).
 *
 * @example
 * parse(decisionResolveSchema, { id, status: 'success', lessons: 'postgres handled the load', feedback: 'positive' });
 */
export const decisionResolveSchema = z.strictObject({
  scope: scopeSchema,
  id: uuid.describe('the decision (a uuid, as returned by an earlier call)'),
  status: oneOf(DECISION_OUTCOMES).describe('how it turned out'),
  outcome: storableJson.optional().describe('what happened (any JSON value)'),
  lessons: text(LIMITS.contentChars).optional().describe('what to do (or avoid) next time'),
  feedback: oneOf(DECISION_FEEDBACK).optional().describe('how the user or reviewer judged it'),
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
  status: oneOf(DECISION_STATUSES).optional().describe('only pending or resolved with this outcome'),
  subject: safeText(LIMITS.shortText).optional().describe('only decisions about this subject'),
  text: textQuery,
  limit: limit(100),
  scopeMatch: scopeMatchSchema
    .optional()
    .describe('exact (default): this user and agent only; given: only the scope parts set narrow the list'),
});

/** Input of `decisions.lessons`. @example parse(decisionLessonsSchema, { subject: 'deploy', limit: 5 }) */
export const decisionLessonsSchema = z.strictObject({
  scope: scopeSchema,
  subject: safeText(LIMITS.shortText).optional().describe('only decisions about this subject'),
  text: textQuery,
  limit: limit(20),
  scopeMatch: scopeMatchSchema
    .optional()
    .describe('exact (default): this user and agent only; given: only the scope parts set narrow the list'),
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
 * The one declaration of the record: its type, its JSON form and the remote client's decoding.
 *
 * @example
 * const d: Decision = await mem.decisions.record({ context: 'retry policy', chosen: 'exponential backoff' });
 */
export const decisionSchema = z
  .object({
    id: idOut,
    ...scopeOut,
    session: z.string(),
    subject: z.string(),
    context: z.string(),
    alternatives: z.array(anyJsonOut),
    chosen: z.string(),
    reasoning: z.string(),
    status: z.enum(DECISION_STATUSES),
    /** What happened (any JSON), null until resolved with one. */
    outcome: anyJsonOut,
    lessons: z.string().nullable(),
    feedback: z.enum(DECISION_FEEDBACK).nullable(),
    episodeId: idOut.nullable(),
    tags: z.array(z.string()),
    metadata: jsonObjectOut,
    createdAt: dateOut,
    resolvedAt: dateOut.nullable(),
  })
  .meta({ id: 'Decision' });

/**
 * A decision, as every call returns it.
 *
 * @example
 * const d: Decision = await mem.decisions.record({ context: 'retry policy', chosen: 'exponential backoff' });
 */
export type Decision = z.output<typeof decisionSchema>;

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
