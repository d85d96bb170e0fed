import { z } from 'zod';
import { shortText } from '../episodes/episodes-schema.js';
import { idOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { uuid } from '../validation.js';

/**
 * One memory to purge: an episode, fact (with every version of it) or decision by id,
 * or a brain key (of the scope's user and agent).
 *
 * @example
 * parse(purgeMemorySchema, { kind: 'brain', key: 'identity.name' });
 */
export const purgeMemorySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('episode'), id: uuid }),
  z.strictObject({ kind: z.literal('fact'), id: uuid }),
  z.strictObject({ kind: z.literal('decision'), id: uuid }),
  z.strictObject({ kind: z.literal('brain'), key: shortText.min(1, 'must not be empty') }),
]);

/**
 * Input of `purge.purge`. The target is the scope's user/agent/session (all that are
 * set must match), one `memory`, or `all: true` for the whole tenant; an empty target
 * is refused.
 *
 * @example
 * parse(purgeSchema, { scope: { user: 'alice' }, reason: 'erasure request #12', by: 'dpo' });
 */
export const purgeSchema = z.strictObject({
  scope: scopeSchema,
  all: z.boolean().default(false).describe('purge the whole tenant (an empty target is refused otherwise)'),
  memory: purgeMemorySchema.optional().describe('one memory to purge instead of a scope'),
  reason: shortText.optional().describe('why, kept in the audit record (e.g. "erasure request #12")'),
  by: shortText.optional().describe('who asked, kept in the audit record'),
});

/**
 * Input of `purge.purge`.
 *
 * @example
 * const input: PurgeInput = { scope: { session: 's1' }, reason: 'user asked' };
 */
export type PurgeInput = z.input<typeof purgeSchema>;

/**
 * Tables a purge deletes from, in the order it does.
 *
 * @example
 * PURGED_TABLES.includes('llm_cache') // => true
 */
export const PURGED_TABLES = [
  'episodes',
  'facts',
  'conflicts',
  'decisions',
  'sessions',
  'tasks',
  'brain',
  'brain_history',
  'llm_cache',
] as const;

/**
 * Result of a purge: the audit record's id and the rows deleted per table.
 *
 * @example
 * const { auditId, counts }: PurgeResult = await mem.purge.purge({ scope: { user: 'alice' } }); counts.episodes;
 */
export const purgeResultSchema = z
  .object({
    auditId: idOut,
    counts: z.object(
      Object.fromEntries(PURGED_TABLES.map((t) => [t, z.number().int()])) as Record<
        (typeof PURGED_TABLES)[number],
        z.ZodNumber
      >,
    ),
  })
  .meta({ id: 'PurgeResult' });

/**
 * Result of a purge.
 *
 * @example
 * const result: PurgeResult = await mem.purge.purge({ scope: { user: 'alice' }, reason: 'erasure request' });
 */
export type PurgeResult = z.output<typeof purgeResultSchema>;
