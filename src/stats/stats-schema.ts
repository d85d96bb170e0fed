/**
 * Input and output of `stats`: the figures an operator watches (rows, growth, sizes,
 * backlog, queues, caches, connections, slow statements), the figures this engine
 * cannot give and why, and the warnings of the thresholds crossed (stats-thresholds.ts).
 */
import { z } from 'zod';
import { cacheStatsSchema } from '../formation/cache-schema.js';
import { dateOut } from '../records.js';
import { scopeSchema } from '../scope.js';

/**
 * Input of `stats`: the scope (its tenant: whose rows are counted) and, optionally, the
 * size the store must stay under (a warning at 90% of it).
 *
 * @example
 * parse(statsSchema, { scope: { tenant: 'acme' }, maxSizeBytes: 10 * 1024 ** 3 });
 */
export const statsSchema = z.strictObject({
  scope: scopeSchema,
  maxSizeBytes: z
    .number()
    .int('must be a whole number of bytes')
    .positive('must be greater than 0 (omit it for no size limit)')
    .optional()
    .describe('the size the database must stay under, in bytes: a warning at 90% of it (default: no limit)'),
});

/**
 * Input of `stats`.
 *
 * @example
 * const input: StatsInput = { maxSizeBytes: 1_000_000_000 };
 */
export type StatsInput = z.input<typeof statsSchema>;

const count = z.number().int();
const kindCounts = z.object({ episode: count, fact: count, brain: count, decision: count });

/** A figure the report leaves out, and why (never a made-up number). */
const unavailableSchema = z.object({
  figure: z.string().describe('the report field left empty (`database.connections`)'),
  reason: z.string(),
});

/** One threshold crossed. */
const warningSchema = z.object({
  threshold: z.string().describe('the threshold crossed (`connections`, `cache_hit_ratio`, ...)'),
  value: z.number(),
  limit: z.number(),
  message: z.string(),
});

/**
 * What `stats` returns. Row counts, growth, backlog, tasks and the LLM cache are the
 * tenant's; `database` is the whole database's (admin only over HTTP).
 *
 * @example
 * const r: StatsReport = await mem.stats({});
 * r.rows.episode; r.database.sizeBytes; r.warnings.map((w) => w.message);
 */
export const statsReportSchema = z
  .object({
    tenant: z.string(),
    at: dateOut,
    engine: z.enum(['pglite', 'postgres']),
    rows: z.object({
      episode: count,
      fact: count,
      brain: count,
      decision: count,
      session: count,
      task: count,
      conflict: count,
      llmCache: count,
    }),
    growth: z
      .array(z.object({ day: z.string().describe('UTC day, YYYY-MM-DD'), ...kindCounts.shape }))
      .describe('rows created per day over the last 30 days, oldest first; days without any left out'),
    embeddings: z.object({
      model: z.string().nullable().describe('the model the store is bound to, null before any'),
      pending: kindCounts.describe('rows waiting for an embedding (the indexer backlog)'),
      pendingTotal: count,
      rowsPerSecond: z.number().nullable().describe('the indexer rate; null (see unavailable)'),
    }),
    tasks: z.array(z.object({ queue: z.string(), status: z.string(), count })),
    llmCache: cacheStatsSchema,
    database: z.object({
      sizeBytes: count,
      maxSizeBytes: count.nullable(),
      tables: z.array(
        z.object({ table: z.string(), totalBytes: count, tableBytes: count, indexBytes: count }),
      ),
      indexes: z.array(z.object({ index: z.string(), table: z.string(), bytes: count })),
      cacheHitRatio: z.number().nullable().describe('blocks found in shared buffers / blocks asked'),
      blocksAsked: count,
      connections: z.object({ used: count, max: count }).nullable(),
      longestRunningMs: z.number().nullable().describe('the longest statement running now, besides this one'),
      slowStatements: z
        .array(
          z.object({
            query: z.string(),
            calls: count,
            meanMs: z.number(),
            maxMs: z.number(),
            totalMs: z.number(),
          }),
        )
        .nullable()
        .describe('slowest statements by mean time, from pg_stat_statements'),
    }),
    unavailable: z.array(unavailableSchema),
    warnings: z.array(warningSchema),
  })
  .meta({ id: 'StatsReport' });

/**
 * What `stats` returns.
 *
 * @example
 * const { warnings }: StatsReport = await mem.stats({});
 */
export type StatsReport = z.output<typeof statsReportSchema>;

/**
 * A threshold crossed, as the report lists it.
 *
 * @example
 * const w: StatsWarning = { threshold: 'store_size', value: 9.5e9, limit: 9e9, message: '...' };
 */
export type StatsWarning = StatsReport['warnings'][number];
