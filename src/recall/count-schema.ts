/**
 * Input and output of `count`: how many memories of each kind a scope holds, counted as
 * recall sees them (current facts, episodes not archived, brain keys not expired).
 */
import { z } from 'zod';
import { shortText } from '../episodes/episodes-schema.js';
import { scopeSchema } from '../scope.js';
import { kindsField, RECALL_KINDS } from './recall-kinds.js';

/**
 * Input of `count`: the scope (its tenant, and its user when given), optionally only some
 * kinds and only one agent's memories.
 *
 * @example
 * parse(countSchema, { scope: { user: 'alice' }, kinds: ['fact'] });
 */
export const countSchema = z.strictObject({
  scope: scopeSchema,
  kinds: kindsField,
  agent: shortText.optional().describe('only memories this agent wrote'),
});

/**
 * Input of `count`.
 *
 * @example
 * const input: CountInput = { scope: { user: 'alice' } };
 */
export type CountInput = z.input<typeof countSchema>;

/**
 * How many memories of each kind (0 for a kind not asked for), and their total.
 *
 * @example
 * const c: MemoryCounts = await mem.count({ scope: { user: 'alice' } }); c.counts.fact; // => 3
 */
export const memoryCountsSchema = z
  .object({
    counts: z.record(z.enum(RECALL_KINDS), z.number().int()),
    total: z.number().int(),
  })
  .meta({ id: 'MemoryCounts' });

/**
 * What `count` returns.
 *
 * @example
 * const { total } = await mem.count({});
 */
export type MemoryCounts = z.output<typeof memoryCountsSchema>;
