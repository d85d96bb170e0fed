/**
 * Response schemas of the `/v1` routes: what each memory type looks like as JSON
 * (dates as ISO strings). They document the API; responses are the memory API's
 * results as they are.
 */
import { z } from '@hono/zod-openapi';
import { DECISION_FEEDBACK, DECISION_STATUSES } from '../../decisions/decisions-schema.js';
import { episodeRoles } from '../../episodes/episodes-schema.js';
import { PURGED_TABLES } from '../../purge/purge-schema.js';

const dateTime = z.string().openapi({ format: 'date-time', example: '2026-05-08T12:00:00.000Z' });
const id = z.string().openapi({ format: 'uuid' });
const anyJson = z.unknown().openapi({ description: 'any JSON value' });
const jsonObject = z.record(z.string(), z.unknown());
const scopeParts = { tenant: z.string(), user: z.string(), agent: z.string() };

/**
 * `{ items: [...] }`, the shape of every list response.
 *
 * @example
 * responses: { 200: json(itemsOf(episodeWire), 'the episodes') }
 */
export function itemsOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

/**
 * `{ items: [...], nextCursor }`: a page; pass `nextCursor` as `cursor` for the next one (null at the end).
 *
 * @example
 * responses: { 200: json(pageOf(factWire), 'a page of facts') }
 */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** A brain key's current value. @example json(brainEntryWire, 'the entry') */
export const brainEntryWire = z
  .object({
    ...scopeParts,
    key: z.string().openapi({ example: 'identity.name' }),
    value: anyJson,
    category: z.string(),
    description: z.string(),
    priority: z.number().int(),
    version: z.number().int(),
    expiresAt: dateTime.nullable(),
    createdAt: dateTime,
    updatedAt: dateTime,
    createdBy: z.string(),
    updatedBy: z.string(),
  })
  .openapi('BrainEntry');

/** One change of a brain key. @example json(itemsOf(brainHistoryWire), 'history') */
export const brainHistoryWire = z
  .object({
    op: z.enum(['set', 'delete']),
    oldValue: anyJson,
    newValue: anyJson,
    version: z.number().int(),
    changedBy: z.string(),
    changedAt: dateTime,
  })
  .openapi('BrainHistoryEntry');

/** An episode of the log. @example json(episodeWire, 'the episode') */
export const episodeWire = z
  .object({
    id,
    seq: z.number().int(),
    ...scopeParts,
    session: z.string(),
    role: z.enum(episodeRoles),
    eventType: z.string(),
    subject: z.string(),
    content: z.string(),
    importance: z.number().int(),
    tags: z.array(z.string()),
    metadata: jsonObject,
    occurredAt: dateTime,
    createdAt: dateTime,
    archivedAt: dateTime.nullable(),
    embedded: z.boolean(),
  })
  .openapi('Episode');

/** A decision. @example json(decisionWire, 'the decision') */
export const decisionWire = z
  .object({
    id,
    ...scopeParts,
    session: z.string(),
    subject: z.string(),
    context: z.string(),
    alternatives: z.array(anyJson),
    chosen: z.string(),
    reasoning: z.string(),
    status: z.enum(DECISION_STATUSES),
    outcome: anyJson,
    lessons: z.string().nullable(),
    feedback: z.enum(DECISION_FEEDBACK).nullable(),
    episodeId: id.nullable(),
    tags: z.array(z.string()),
    metadata: jsonObject,
    createdAt: dateTime,
    resolvedAt: dateTime.nullable(),
  })
  .openapi('Decision');

/** A session. @example json(sessionWire, 'the session') */
export const sessionWire = z
  .object({
    id: z.string(),
    ...scopeParts,
    startedAt: dateTime,
    endedAt: dateTime.nullable(),
    summary: z.string().nullable(),
    metadata: jsonObject,
  })
  .openapi('Session');

/** A task. @example json(taskWire, 'the task') */
export const taskWire = z
  .object({
    id,
    tenant: z.string(),
    user: z.string(),
    agent: z.string(),
    queue: z.string(),
    dedupeKey: z.string().nullable(),
    payload: anyJson,
    status: z.enum(['open', 'claimed', 'done', 'failed', 'cancelled']),
    priority: z.number().int(),
    runAfter: dateTime,
    claimedBy: z.string().nullable(),
    claimedAt: dateTime.nullable(),
    leaseUntil: dateTime.nullable(),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    result: anyJson,
    error: z.string().nullable(),
    createdAt: dateTime,
    updatedAt: dateTime,
    finishedAt: dateTime.nullable(),
  })
  .openapi('Task');

/** An observation. @example json(observationWire, 'the observation') */
export const observationWire = z
  .object({
    id,
    seq: z
      .number()
      .int()
      .openapi({ description: 'position in the tenant log: the SSE event id and resume cursor' }),
    ...scopeParts,
    session: z.string(),
    subject: z.string(),
    type: z.string(),
    payload: jsonObject,
    content: z.string(),
    importance: z.number().int(),
    tags: z.array(z.string()),
    occurredAt: dateTime,
  })
  .openapi('Observation');

const conflictFactWire = z.object({
  id,
  content: z.string(),
  source: z.string(),
  createdBy: z.string(),
  agent: z.string(),
  confidence: z.number(),
  createdAt: dateTime,
  validFrom: dateTime,
  validTo: dateTime.nullable(),
  supersededBy: id.nullable(),
});

/** A conflict between facts. @example json(conflictWire, 'the conflict') */
export const conflictWire = z
  .object({
    id,
    tenant: z.string(),
    user: z.string(),
    subject: z.string(),
    category: z.string(),
    facts: z.array(conflictFactWire),
    status: z.enum(['open', 'resolved']),
    resolution: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    createdAt: dateTime,
    resolvedAt: dateTime.nullable(),
  })
  .openapi('Conflict');

/** Result of a purge. @example json(purgeResultWire, 'what was deleted') */
export const purgeResultWire = z
  .object({
    auditId: id,
    counts: z.object(
      Object.fromEntries(PURGED_TABLES.map((t) => [t, z.number().int()])) as Record<
        (typeof PURGED_TABLES)[number],
        z.ZodNumber
      >,
    ),
  })
  .openapi('PurgeResult');

/** Cache figures. @example json(cacheStatsWire, 'figures') */
export const cacheStatsWire = z
  .object({
    entries: z.number().int(),
    bytes: z.number().int(),
    hits: z.number().int(),
    misses: z.number().int(),
    hitRate: z.number(),
    latencySavedMs: z.number(),
    costSaved: z.number(),
    tokensSaved: z.number().int(),
  })
  .openapi('CacheStats');
