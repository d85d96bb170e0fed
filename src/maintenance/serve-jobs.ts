/**
 * The jobs `mnemo serve` schedules: one registry, so adding a job is one entry.
 */
import { backupStore } from '../backup/backup-service.js';
import type { Db, StoreLocation } from '../db/db.js';
import type { MaintainInput } from './maintenance-schema.js';
import { maintain } from './maintenance-service.js';
import { type ScheduledJob, type Scheduler, startScheduler } from './scheduler.js';

/**
 * The `maintain` job: every step with the given options, once per period; the report
 * is kept as the task's result.
 *
 * @example
 * const job = maintenanceJob(memory, { everyMs: 86_400_000, input: { archivedEpisodesAfterMs: 90 * 86_400_000 } });
 */
export function maintenanceJob(
  store: Db | { db: Db },
  o: { everyMs: number; input?: MaintainInput },
): ScheduledJob {
  return {
    name: 'maintain',
    everyMs: o.everyMs,
    // VACUUM and REINDEX of a big store take a while: heartbeats renew the lease meanwhile.
    leaseSeconds: 600,
    run: () => maintain(store, o.input ?? {}),
  };
}

/**
 * The `backup` job: one backup of the store into `dir` per period, pruned to the newest
 * `keep`; the run's result (file, bytes, format) is kept as the task's result. Whichever
 * server of the store claims the period writes the file, into its own `dir`.
 *
 * @example
 * const job = backupJob(memory, { kind: 'postgres', url }, { everyMs: 86_400_000, dir: '/backups', keep: 14 });
 */
export function backupJob(
  store: { db: Db },
  location: StoreLocation,
  o: { everyMs: number; dir: string; keep: number },
): ScheduledJob {
  return {
    name: 'backup',
    everyMs: o.everyMs,
    leaseSeconds: 600,
    run: () => backupStore({ store: store.db, location, dir: o.dir, keep: o.keep }),
  };
}

/**
 * Starts the jobs of `mnemo serve` on the store's scheduler: the list below is the
 * registry (one `jobs.push` per job); null when every job is off.
 *
 * @example
 * const jobs = startServeJobs(memory, { maintainEveryMs: 86_400_000, maintainInput: {} });
 * server.onClose(() => jobs?.stop());
 */
export function startServeJobs(
  store: { db: Db },
  o: {
    maintainEveryMs: number | null;
    maintainInput?: MaintainInput;
    backup?: { everyMs: number; dir: string; keep: number; location: StoreLocation };
  },
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Scheduler | null {
  const jobs: ScheduledJob[] = [];
  if (o.maintainEveryMs !== null)
    jobs.push(maintenanceJob(store, { everyMs: o.maintainEveryMs, input: o.maintainInput ?? {} }));
  if (o.backup) jobs.push(backupJob(store, o.backup.location, o.backup));
  if (!jobs.length) return null;
  log(
    `scheduled jobs: ${jobs.map((j) => `${j.name} every ${j.everyMs / 1000} s`).join(', ')} (once per period across servers)`,
  );
  return startScheduler({
    db: store.db,
    jobs,
    onRun: (e) =>
      log(
        e.ok
          ? `${e.job}: ran for the period from ${e.periodStart.toISOString()}${summary(e.result)}`
          : e.job === '(scheduler)'
            ? `scheduler: a round failed (${e.error}); the next one comes at the next tick`
            : `${e.job}: failed (${e.error}); retried with backoff`,
      ),
  });
}

/** A maintain report's steps, or a backup's file, in one line. */
function summary(result: unknown): string {
  const file = (result as { file?: unknown; bytes?: unknown } | null)?.file;
  if (typeof file === 'string') return `: ${file} (${(result as { bytes: number }).bytes} bytes)`;
  const steps = (result as { steps?: { step: string; status: string; deleted?: Record<string, number> }[] })
    ?.steps;
  if (!Array.isArray(steps)) return '';
  return `: ${steps
    .map((s) => {
      const n = Object.values(s.deleted ?? {}).reduce((a, b) => a + b, 0);
      return `${s.step} ${s.status}${n ? ` (${n} rows deleted)` : ''}`;
    })
    .join(', ')}`;
}
