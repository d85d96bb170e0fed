/**
 * `stats`: builds the report of a store (the tenant's rows, growth, backlog, tasks and
 * LLM cache; the database's sizes, cache hit ratio, connections and slow statements),
 * says which figures this engine cannot give and why, and lists the thresholds crossed.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { figures as cacheFigures } from '../formation/cache-queries.js';
import { readBinding } from '../recall/embedding-binding.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  activity,
  blockCounts,
  countRows,
  countRowsByTenant,
  databaseSize,
  growthPerDay,
  indexSizes,
  pendingEmbeddings,
  type RowCounts,
  slowStatements,
  statStatementsInstalled,
  tableSizes,
  taskCounts,
} from './stats-queries.js';
import { type StatsInput, type StatsReport, statsSchema } from './stats-schema.js';
import { type StatsFigures, warningsOf } from './stats-thresholds.js';

/** Days of growth the report covers. */
export const GROWTH_DAYS = 30;

const PGLITE = 'embedded PGlite is one connection inside this process';

/** pg_stat_statements' slowest statements, or null and the reason. */
async function readSlowStatements(
  db: Db,
  unavailable: StatsReport['unavailable'],
): Promise<StatsReport['database']['slowStatements']> {
  const figure = 'database.slowStatements';
  if (!(await statStatementsInstalled(db))) {
    unavailable.push({
      figure,
      reason:
        "the pg_stat_statements extension is not installed in this database ('create extension pg_stat_statements', with the library in shared_preload_libraries)",
    });
    return null;
  }
  try {
    // A savepoint inside a request's transaction: the view fails when the server did not
    // load the library, and that must not end the transaction.
    return await db.transaction((tx) => slowStatements(tx, 5));
  } catch (e) {
    unavailable.push({ figure, reason: `pg_stat_statements cannot be read: ${(e as Error).message}` });
    return null;
  }
}

/** The database part of the report, and what of it this engine cannot give. */
async function databaseFigures(
  db: Db,
  maxSizeBytes: number | undefined,
): Promise<{ database: StatsReport['database']; unavailable: StatsReport['unavailable'] }> {
  const unavailable: StatsReport['unavailable'] = [];
  const [sizeBytes, tables, indexes, blocks] = [
    await databaseSize(db),
    await tableSizes(db),
    await indexSizes(db, 10),
    await blockCounts(db),
  ];
  const blocksAsked = blocks.hit + blocks.read;
  if (blocksAsked === 0)
    unavailable.push({
      figure: 'database.cacheHitRatio',
      reason: 'no block was asked for since the statistics were reset',
    });
  let connections: StatsReport['database']['connections'] = null;
  let longest: number | null = null;
  let slow: StatsReport['database']['slowStatements'] = null;
  if (db.dialect === 'pglite') {
    unavailable.push(
      { figure: 'database.connections', reason: `${PGLITE}: there is no connection limit to approach` },
      { figure: 'database.longestRunningMs', reason: `${PGLITE}: nothing else runs while stats does` },
      { figure: 'database.slowStatements', reason: 'pg_stat_statements is not available in embedded PGlite' },
    );
  } else {
    const a = await activity(db);
    connections = { used: a.used, max: a.max };
    if (a.hidden === 0) longest = a.longestMs;
    else
      unavailable.push({
        figure: 'database.longestRunningMs',
        reason: `this role may not see what ${a.hidden} other sessions run: grant it pg_read_all_stats`,
      });
    slow = await readSlowStatements(db, unavailable);
  }
  return {
    database: {
      sizeBytes,
      maxSizeBytes: maxSizeBytes ?? null,
      tables,
      indexes,
      cacheHitRatio: blocksAsked > 0 ? blocks.hit / blocksAsked : null,
      blocksAsked,
      connections,
      longestRunningMs: longest,
      slowStatements: slow,
    },
    unavailable,
  };
}

/**
 * Rows per kind of every tenant of the store (the operator's view: `mnemo stats
 * --all-tenants` on the store itself; not served over HTTP, where a key sees its tenant).
 *
 * @example
 * await rowsPerTenant(mem.db); // => [{ tenant: 'acme', episode: 120, fact: 14, ... }]
 */
export async function rowsPerTenant(db: Db): Promise<({ tenant: string } & RowCounts)[]> {
  return countRowsByTenant(db);
}

/**
 * Builds `stats` over a store.
 *
 * @example
 * const stats = createStats({ db, clock }); // on a server's request: { db: tx, clock, pool }
 * const r = await stats({ scope: { tenant: 'acme' }, maxSizeBytes: 10 * 1024 ** 3 });
 * r.warnings.length === 0 // healthy
 */
export function createStats(deps: {
  db: Db;
  clock: Clock;
  /** The store's pool when `db` is a request's transaction: the database figures are read there. */
  pool?: Db;
}): (input?: StatsInput) => Promise<StatsReport> {
  const { db, clock } = deps;
  return async (input = {}) => {
    const i = parse(statsSchema, input, 'stats input');
    const scope = resolveScope(i.scope);
    const tenant = scope.tenant;
    const at = clock.now();
    const since = new Date(
      Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() - (GROWTH_DAYS - 1)),
    );
    // One statement at a time: on a server they share the request's transaction.
    const rows = await countRows(db, tenant);
    const growth = await growthPerDay(db, tenant, since);
    const pending = await pendingEmbeddings(db, tenant);
    const binding = await readBinding(db);
    const tasks = await taskCounts(db, tenant);
    const cache = await cacheFigures(db, { tenant, user: '', agent: '', session: '' });
    const asked = Number(cache.hits) + Number(cache.misses);
    // The database figures hold no tenant's rows, and a request's transaction runs as
    // mnemo_app (row-level security), which may not see other sessions in pg_stat_activity.
    const { database, unavailable } = await databaseFigures(deps.pool ?? db, i.maxSizeBytes);
    unavailable.unshift({
      figure: 'embeddings.rowsPerSecond',
      reason:
        'the store keeps no record of when rows were embedded; the indexer of `mnemo serve` logs its rate while it works',
    });
    const report: StatsFigures = {
      tenant,
      at,
      engine: db.dialect,
      rows,
      growth,
      embeddings: {
        model: binding?.model ?? null,
        pending,
        pendingTotal: pending.episode + pending.fact + pending.brain + pending.decision,
        rowsPerSecond: null,
      },
      tasks,
      llmCache: {
        entries: Number(cache.entries),
        bytes: Number(cache.bytes),
        hits: Number(cache.hits),
        misses: Number(cache.misses),
        hitRate: asked > 0 ? Number(cache.hits) / asked : 0,
        latencySavedMs: Number(cache.latencySavedMs),
        costSaved: Number(cache.costSaved),
        tokensSaved: Number(cache.tokensSaved),
      },
      database,
      unavailable,
    };
    return { ...report, warnings: warningsOf(report) };
  };
}
