/**
 * `maintain`: retention (old usage events, expired brain keys, the LLM cache's bounds,
 * optionally old archived episodes through the audited purge) and the engine's upkeep
 * (ANALYZE, VACUUM, REINDEX CONCURRENTLY of the vector indexes), with a report of what
 * each step did, skipped or failed.
 */
import { type Clock, systemClock } from '../clock.js';
import type { Db } from '../db/db.js';
import {
  figures as cacheFigures,
  cacheTenants,
  countAged,
  evictAged,
  evictToCount,
} from '../formation/cache-queries.js';
import { createPurge } from '../purge/purge-service.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { analyzeAll, reindex, vacuumAll, vectorIndexReindexes } from './engine-queries.js';
import {
  MAINTENANCE_STEPS,
  type MaintainInput,
  type MaintainOptions,
  type MaintenanceReport,
  type MaintenanceStep,
  maintainSchema,
  type StepReport,
} from './maintenance-schema.js';
import {
  archivedEpisodes,
  countArchivedEpisodes,
  countExpiredKeys,
  countOldUsage,
  deleteOldUsage,
  sweepExpiredKeys,
} from './retention-queries.js';

/** What a step's function returns; `ms` and the step name are added around it. */
type StepOutcome = Omit<StepReport, 'step' | 'ms' | 'status'> & { status?: StepReport['status'] };

interface StepContext {
  db: Db;
  now: Date;
  o: MaintainOptions;
  clock: Clock;
}

/** Runs a batched delete until a batch comes back short; returns the total. */
async function batched(limit: number, once: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await once();
    total += n;
    if (n < limit) return total;
  }
}

const skipped = (reason: string): StepOutcome => ({ status: 'skipped', reason });

const DRY = 'dry run: the engine steps change nothing visible and are not run';

/** Each step's work, by name. */
const STEPS: Record<MaintenanceStep, (c: StepContext) => Promise<StepOutcome>> = {
  async usage({ db, now, o }) {
    const before = new Date(now.getTime() - o.usageRetentionMs);
    const n = o.dryRun
      ? await countOldUsage(db, before)
      : await batched(o.batchSize, () => deleteOldUsage(db, before, o.batchSize));
    return { deleted: { usage_events: n } };
  },

  async brain({ db, now, o }) {
    const n = o.dryRun
      ? await countExpiredKeys(db, now)
      : await batched(o.batchSize, () => sweepExpiredKeys(db, now, o.batchSize));
    // Each swept key leaves one history row (op delete, by mnemo:expired).
    return { deleted: { brain: n } };
  },

  async cache({ db, now, o }) {
    const cutoff = o.cacheMaxIdleMs === undefined ? undefined : new Date(now.getTime() - o.cacheMaxIdleMs);
    let aged = 0;
    let overCap = 0;
    for (const tenant of await cacheTenants(db)) {
      const s = resolveScope({ tenant });
      if (o.dryRun) {
        const a = await countAged(db, s, now, cutoff);
        const entries = Number((await cacheFigures(db, s)).entries);
        aged += a;
        overCap += Math.max(0, entries - a - o.cacheMaxEntries);
        continue;
      }
      aged += await batched(o.batchSize, () => evictAged(db, s, now, cutoff, o.batchSize));
      overCap += await batched(o.batchSize, () => evictToCount(db, s, o.cacheMaxEntries, o.batchSize));
    }
    return { deleted: { llm_cache_aged: aged, llm_cache_over_cap: overCap } };
  },

  async episodes({ db, now, o, clock }) {
    if (o.archivedEpisodesAfterMs === undefined)
      return skipped('episodes: off (archived episodes are kept unless archivedEpisodesAfterMs is set)');
    const before = new Date(now.getTime() - o.archivedEpisodesAfterMs);
    if (o.dryRun) return { deleted: { episodes: await countArchivedEpisodes(db, before) } };
    const purge = createPurge({ db, clock });
    const totals: Record<string, number> = {};
    const auditIds: string[] = [];
    const days = Math.round(o.archivedEpisodesAfterMs / 86_400_000);
    for (;;) {
      const batch = await archivedEpisodes(db, before, Math.min(o.batchSize, 500));
      // One audited purge per episode: each writes its purge_audit row and cascades as a
      // purge does (facts citing the episode, decisions recorded on it, cached outputs).
      for (const e of batch) {
        const r = await purge.purge({
          scope: { tenant: e.tenant },
          memory: { kind: 'episode', id: e.id },
          reason: `retention: archived more than ${days} days ago`,
          by: 'mnemo maintain',
        });
        auditIds.push(r.auditId);
        for (const [t, n] of Object.entries(r.counts)) if (n) totals[t] = (totals[t] ?? 0) + n;
      }
      if (batch.length < Math.min(o.batchSize, 500)) break;
    }
    return { deleted: totals, auditIds };
  },

  async analyze({ db, o }) {
    if (o.dryRun) return skipped(`analyze: ${DRY}`);
    await analyzeAll(db);
    return {};
  },

  async vacuum({ db, o }) {
    if (o.dryRun) return skipped(`vacuum: ${DRY}`);
    await vacuumAll(db);
    return {};
  },

  async reindex({ db, o }) {
    if (db.dialect === 'pglite')
      return skipped(
        'reindex: skipped on PGlite (one connection, no concurrent rebuild; nothing else writes meanwhile)',
      );
    const list = await vectorIndexReindexes(db);
    if (!list.length)
      return skipped('reindex: no vector index (no embedder bound, or vectors above the index limit)');
    if (o.dryRun) return { ...skipped(`reindex: ${DRY}`), indexes: list.map((r) => r.name) };
    for (const r of list) await reindex(db, r);
    return { indexes: list.map((r) => r.name) };
  },
};

/**
 * Runs the maintenance steps on a store (all by default, in {@link MAINTENANCE_STEPS}
 * order) and reports what each did. A failed step is reported (`failed`, its error)
 * and the next steps still run. Options are checked first: bad ones change nothing.
 * Runs on the store's own connection, across every tenant.
 *
 * @example
 * const r = await maintain(mem, { steps: ['usage', 'cache'], cacheMaxEntries: 10_000 });
 * r.steps[0].deleted?.usage_events; // rows deleted
 * await maintain(db, { dryRun: true }); // counts only
 */
export async function maintain(
  store: Db | { db: Db },
  input: MaintainInput = {},
  deps: { clock?: Clock } = {},
): Promise<MaintenanceReport> {
  const o = parse(maintainSchema, input, 'maintain input');
  const db = 'query' in store ? store : store.db;
  const clock = deps.clock ?? systemClock;
  const startedAt = clock.now();
  const t0 = performance.now();
  const wanted = new Set(o.steps ?? MAINTENANCE_STEPS);
  const steps: StepReport[] = [];
  for (const step of MAINTENANCE_STEPS) {
    if (!wanted.has(step)) continue;
    const t = performance.now();
    let out: StepOutcome;
    try {
      out = await STEPS[step]({ db, now: clock.now(), o, clock });
    } catch (e) {
      out = { status: 'failed', reason: `${step}: ${(e as Error).message}` };
    }
    const { status = 'done', ...rest } = out;
    steps.push({ step, status, ...rest, ms: Math.round(performance.now() - t) });
  }
  return { engine: db.dialect, dryRun: o.dryRun, startedAt, ms: Math.round(performance.now() - t0), steps };
}
