/**
 * Response schemas of the `/v1` routes: what each memory type looks like as JSON
 * (dates as ISO strings). They document the API; responses are the memory API's
 * results as they are.
 */
import { z } from '@hono/zod-openapi';

const dateTime = z.string().openapi({ format: 'date-time', example: '2026-05-08T12:00:00.000Z' });
const id = z.string().openapi({ format: 'uuid' });
const anyJson = z.unknown().openapi({ description: 'any JSON value' });
const _jsonObject = z.record(z.string(), z.unknown());
const _scopeParts = { tenant: z.string(), user: z.string(), agent: z.string() };

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
