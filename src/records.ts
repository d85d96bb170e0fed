/**
 * Field schemas of the records the memory API returns (its output schemas). A record is
 * declared once, as a zod object in its area's `-schema.ts`; its TypeScript type is
 * `z.output` of it, and the same schema turns it into JSON (`z.encode`, on the server) and
 * back (`z.decode`, in the remote client), so no list of date fields exists anywhere.
 */
import { z } from 'zod';

const EXAMPLE_DATE = '2026-05-08T12:00:00.000Z';

/**
 * A point in time: a `Date` in process, an ISO 8601 string on the wire.
 *
 * @example
 * const s = z.object({ at: dateOut }); z.decode(s, { at: '2026-05-08T12:00:00.000Z' }).at instanceof Date // true
 */
export const dateOut = z
  .codec(z.iso.datetime({ offset: true }), z.date(), {
    decode: (s) => new Date(s),
    encode: (d) => d.toISOString(),
  })
  .meta({ example: EXAMPLE_DATE });

/**
 * {@link dateOut} without the example date in the OpenAPI document (the key records,
 * whose document never had one).
 *
 * @example
 * z.object({ createdAt: datePlainOut });
 */
export const datePlainOut = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (s) => new Date(s),
  encode: (d) => d.toISOString(),
});

/**
 * A uuid (ids of episodes, facts, decisions, tasks, ...).
 *
 * @example
 * z.object({ id: idOut });
 */
export const idOut = z.string().meta({ format: 'uuid' });

/**
 * Caller JSON kept as given (brain values, payloads, outcomes): never looked into.
 *
 * @example
 * z.object({ value: anyJsonOut });
 */
export const anyJsonOut = z.unknown().meta({ description: 'any JSON value' });

/**
 * A JSON object kept as given (metadata).
 *
 * @example
 * z.object({ metadata: jsonObjectOut });
 */
export const jsonObjectOut = z.record(z.string(), z.unknown());

/**
 * The scope parts every record carries ('' where not set); the session where it applies.
 *
 * @example
 * z.object({ ...scopeOut, key: z.string() });
 */
export const scopeOut = { tenant: z.string(), user: z.string(), agent: z.string() };

/**
 * `{ items, nextCursor }`: a page; pass `nextCursor` as `cursor` for the next one (null at the end).
 *
 * @example
 * export const factPageSchema = pageOut(factSchema);
 */
export function pageOut<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/**
 * `{ items }`: a whole list.
 *
 * @example
 * output: itemsOut(factSchema)
 */
export function itemsOut<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}
