import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { dateInput, importance, jsonObject, LIMITS, tags } from '../validation.js';

/**
 * Something an agent saw or did, published for the others: an episode with role
 * `event`, `event_type` = type, `subject`, and `metadata` = payload.
 *
 * @example
 * const o: Observation = await mem.observations.observe({ subject: 'payments', type: 'deploy_failed' });
 * console.log(o.seq, o.content); // 42 'deploy_failed on payments'
 */
export interface Observation {
  id: string;
  /** Position in the shared log: increases in commit order within a tenant (a resumable cursor). */
  seq: number;
  tenant: string;
  user: string;
  agent: string;
  session: string;
  subject: string;
  type: string;
  payload: Record<string, unknown>;
  content: string;
  importance: number;
  tags: string[];
  occurredAt: Date;
}

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
    agent: z.string().max(LIMITS.shortText).optional(),
    subject: short,
    type: short,
    payload: payload.optional(),
    content: z
      .string()
      .min(1, 'must not be empty (leave it out to get a line built from type, subject and payload)')
      .max(LIMITS.contentChars, `must be at most ${LIMITS.contentChars} characters`)
      .optional(),
    importance: importance.optional(),
    tags: tags.optional(),
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
    subject: short.optional(),
    type: short.optional(),
    agent: short.optional(),
    since: dateInput.optional(),
    until: dateInput.optional(),
    text: z.string().min(1, 'must not be empty').max(1000).optional(),
    limit: z.number().int('must be a whole number').min(1).max(1000).optional(),
  })
  .strict();

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
