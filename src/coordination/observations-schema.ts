import { z } from 'zod';
import { dateOut, idOut, jsonObjectOut, scopeOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { dateInput, importance, jsonObject, LIMITS, tags } from '../validation.js';

const short = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`);

const payload = jsonObject.refine(
  (v) => JSON.stringify(v).length <= LIMITS.jsonBytes,
  `must be at most ${LIMITS.jsonBytes} bytes as JSON`,
);

/**
 * Input of `observations.observe`. `agent` defaults to `scope.agent`.
 *
 * @example
 * parse(observeSchema, { subject: 'payments', type: 'deploy_failed', payload: { region: 'eu' } });
 */
export const observeSchema = z
  .object({
    scope: scopeSchema,
    agent: z
      .string()
      .max(LIMITS.shortText)
      .optional()
      .describe('the agent publishing it (default: the scope agent)'),
    subject: short.describe('what it is about, e.g. "payments-api"'),
    type: short.describe('what kind of observation, e.g. "deploy_failed" or "finding"'),
    payload: payload.optional().describe('details as a JSON object, e.g. { "region": "eu" }'),
    content: z
      .string()
      .min(1, 'must not be empty (leave it out to get a line built from type, subject and payload)')
      .max(LIMITS.contentChars, `must be at most ${LIMITS.contentChars} characters`)
      .optional()
      .describe('a sentence for people and search (default: built from type, subject and payload)'),
    importance: importance.optional().describe('1 to 10, how much it matters (default 5)'),
    tags: tags.optional().describe('short labels to filter by later, e.g. ["billing", "bug"]'),
  })
  .strict();

/**
 * A seq to resume after: a whole number >= 0 (0 = from the beginning).
 *
 * @example
 * cursorSchema.parse(sub.cursor());
 */
export const cursorSchema = z.number().int('must be a whole number').min(0, 'must be 0 or more');

/**
 * Input of `observations.subscribe`. No cursor = only observations made from now on.
 *
 * @example
 * parse(subscribeSchema, { types: ['deploy_failed'], subjects: ['payments'], cursor: 120 });
 */
export const subscribeSchema = z
  .object({
    scope: scopeSchema,
    types: z.array(short).max(100).optional(),
    subjects: z.array(short).max(100).optional(),
    cursor: cursorSchema.optional(),
    pollIntervalMs: z.number().min(10, 'must be at least 10 ms').max(3_600_000).optional(),
  })
  .strict();

/**
 * Input of `observations.query`: newest first.
 *
 * @example
 * parse(queryObservationsSchema, { subject: 'payments', since: '2026-05-06T00:00:00Z', text: 'refund' });
 */
export const queryObservationsSchema = z
  .object({
    scope: scopeSchema,
    subject: short.optional().describe('only about this subject'),
    type: short.optional().describe('only this type'),
    agent: short.optional().describe('observations published by this agent'),
    since: dateInput.optional().describe('from this time on, ISO 8601'),
    until: dateInput.optional().describe('before this time, ISO 8601'),
    text: z.string().min(1, 'must not be empty').max(1000).optional().describe('words to search for'),
    limit: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(1000)
      .optional()
      .describe('how many to return (default 50, at most 1000)'),
  })
  .strict();

/**
 * Something an agent saw or did, published for the others: an episode with role
 * `event`, `event_type` = type, `subject`, and `metadata` = payload. The one declaration
 * of the record (its type, its JSON form, the remote client's and the stream's decoding).
 *
 * @example
 * const o: Observation = await mem.observations.observe({ subject: 'payments', type: 'deploy_failed' });
 * console.log(o.seq, o.content); // 42 'deploy_failed on payments'
 */
export const observationSchema = z
  .object({
    id: idOut,
    /** Position in the shared log: increases in commit order within a tenant (a resumable cursor). */
    seq: z.number().int().describe('position in the tenant log: the SSE event id and resume cursor'),
    ...scopeOut,
    session: z.string(),
    subject: z.string(),
    type: z.string(),
    payload: jsonObjectOut,
    content: z.string(),
    importance: z.number().int(),
    tags: z.array(z.string()),
    occurredAt: dateOut,
  })
  .meta({ id: 'Observation' });

/**
 * An observation.
 *
 * @example
 * const o: Observation = await mem.observations.observe({ subject: 'payments', type: 'deploy_failed' });
 */
export type Observation = z.output<typeof observationSchema>;

/** @example const input: ObserveInput = { subject: 'payments', type: 'deploy_failed' }; */
export type ObserveInput = z.input<typeof observeSchema>;
/** @example const input: SubscribeInput = { cursor: 0 }; */
export type SubscribeInput = z.input<typeof subscribeSchema>;
/** @example const input: QueryObservationsInput = { type: 'incident', limit: 10 }; */
export type QueryObservationsInput = z.input<typeof queryObservationsSchema>;

/**
 * A live subscription.
 *
 * @example
 * const sub = await mem.observations.subscribe({}, (o) => console.log(o.content));
 * await sub.close(); const resumeAt = sub.cursor();
 */
export interface Subscription {
  /** Stops delivery (an observation being delivered finishes first). */
  close(): Promise<void>;
  /** The seq of the last observation delivered: pass it as `cursor` to resume later. */
  cursor(): number;
}
