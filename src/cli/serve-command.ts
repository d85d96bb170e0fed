import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveLocation } from '../config.js';
import { heldDataDirLock } from '../db/data-dir-lock.js';
import { InvalidInputError } from '../errors.js';
import { type EmbeddingProgress, formatEmbeddingProgress } from '../recall/embedding-progress.js';
import {
  DEFAULT_BODY_LIMIT,
  DEFAULT_HOST,
  DEFAULT_MAINTAIN_EVERY_MS,
  DEFAULT_PORT,
} from '../server/serve-defaults.js';
import { durationFlag, maintainInputOf } from './maintain-command.js';

interface ServeFlags {
  port?: string;
  host?: string;
  databaseUrl?: string;
  dataDir?: string;
  bodyLimit?: string;
  poolSize?: string;
  maintainEvery?: string;
  usageRetention?: string;
  cacheMaxEntries?: string;
  purgeArchivedAfter?: string;
  backupEvery?: string;
  backupDir?: string;
  backupKeep?: string;
}

/**
 * Connections the server's PostgreSQL pool may open. A request runs in one transaction
 * of its tenant and holds its connection until it answers (a recall: while its query
 * embeds), so the pool must outlast the requests in flight or the writes queue behind
 * the recalls (BENCHMARKS.md, HTTP). The library's default stays 10.
 */
const DEFAULT_SERVE_POOL = 30;

function wholeNumber(value: string, field: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new InvalidInputError(
      `--${field} must be a whole number from ${min} to ${max} (got "${value}")`,
      field,
    );
  return n;
}

/** The server's URL as this machine reaches it (an unspecified address becomes loopback). */
function localUrl(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0') u.hostname = '127.0.0.1';
  else if (u.hostname === '[::]') u.hostname = '[::1]';
  return u.toString().replace(/\/+$/, '');
}

/**
 * `mnemo serve`: the HTTP API over the store until SIGTERM / SIGINT.
 *
 * @example
 * // mnemo serve --port 7411 --host 127.0.0.1 --database-url postgres://user@db:5432/mnemo
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (/v1, docs at /v1/docs); without any API key only on loopback')
    .option('--port <port>', `port (default: $MNEMO_PORT or ${DEFAULT_PORT}; 0 = any free port)`)
    .option('--host <host>', `address to listen on (default: $MNEMO_HOST or ${DEFAULT_HOST})`)
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--body-limit <bytes>', `largest request body in bytes (default ${DEFAULT_BODY_LIMIT})`)
    .option(
      '--pool-size <n>',
      `PostgreSQL connections of the server (default: $MNEMO_POOL_SIZE or ${DEFAULT_SERVE_POOL})`,
    )
    .option(
      '--maintain-every <duration>',
      'run retention and upkeep (mnemo maintain) once per period across all servers of the store; off to disable (default 24h)',
    )
    .option('--usage-retention <duration>', 'scheduled maintain: keep usage events this long (default 13mo)')
    .option(
      '--cache-max-entries <n>',
      'scheduled maintain: LLM cache outputs kept per tenant (default 100000)',
    )
    .option(
      '--purge-archived-after <duration>',
      'scheduled maintain: purge episodes archived this long ago (default: never)',
    )
    .option(
      '--backup-every <duration>',
      'back the store up once per period across all servers of the store (mnemo backup), into --backup-dir (default: off)',
    )
    .option(
      '--backup-dir <dir>',
      'scheduled backup: the folder backups are written to (must exist and be writable)',
    )
    .option('--backup-keep <n>', 'scheduled backup: keep the newest N backups of the folder (default 14)')
    .action(async (flags: ServeFlags) => {
      const backupFlags = scheduledBackup(flags);
      const maintainEveryMs =
        flags.maintainEvery === 'off'
          ? null
          : (durationFlag(flags.maintainEvery, 'maintain-every') ?? DEFAULT_MAINTAIN_EVERY_MS);
      const maintainInput = maintainInputOf(flags);
      // The server, the library and the worker load when the command runs, not for --help.
      const [
        { describeStore, serve },
        { createMemory },
        { startFormationWorker },
        { createMetrics },
        { startServeJobs },
      ] = await Promise.all([
        import('../server/serve.js'),
        import('../memory.js'),
        import('../formation/formation-worker.js'),
        import('../server/metrics.js'),
        import('../maintenance/serve-jobs.js'),
      ]);
      const portText = flags.port ?? process.env.MNEMO_PORT;
      const port = portText === undefined ? DEFAULT_PORT : wholeNumber(portText, 'port', 0, 65535);
      const host = flags.host ?? process.env.MNEMO_HOST ?? DEFAULT_HOST;
      const bodyLimit =
        flags.bodyLimit === undefined
          ? undefined
          : wholeNumber(flags.bodyLimit, 'body-limit', 1, 2 ** 31 - 1);
      const poolText = flags.poolSize ?? process.env.MNEMO_POOL_SIZE;
      const poolSize =
        poolText === undefined ? DEFAULT_SERVE_POOL : wholeNumber(poolText, 'pool-size', 1, 1000);
      const loc = {
        ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
        ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
      };
      const where = resolveLocation(loc);
      const storeDescription = describeStore(where);
      // A big backlog of rows to embed (an import, a model change) says how it goes.
      const onEmbeddingProgress = (p: EmbeddingProgress) =>
        process.stdout.write(`${formatEmbeddingProgress(p)}
`);
      // Made before the memory, so its recalls, LLM calls, cache lookups and embeddings are counted.
      const metrics = createMetrics();
      const memory = await createMemory({
        ...loc,
        poolSize,
        onEmbeddingProgress,
        observer: metrics.observer,
      });
      // The folder owner's CLI reaches this server with the token in the lock file (mode 0600).
      const localToken = `mnemo_local_${randomBytes(32).toString('base64url')}`;
      let server: Awaited<ReturnType<typeof serve>>;
      try {
        server = await serve({
          memory,
          host,
          port,
          storeDescription,
          metrics,
          config: { localToken, ...(bodyLimit === undefined ? {} : { bodyLimit }) },
        });
      } catch (e) {
        await memory.close();
        throw e;
      }
      if (where.kind === 'pglite' && where.dataDir)
        heldDataDirLock(where.dataDir)?.update({ url: localUrl(server.url), token: localToken });
      // Background work of this store runs in the server: extraction (with an LLM) and
      // consolidation tasks; embedding runs in the memory's own indexer.
      const worker = startFormationWorker(memory);
      server.onClose(() => worker.close());
      // Periodic jobs, each once per period across every server of the store (docs/operations.md).
      // Started and hooked with no await since serve() returned: a SIGTERM in between
      // once left the jobs' timer running after the shutdown, and the process never exited.
      const jobs = startServeJobs(memory, {
        maintainEveryMs,
        maintainInput,
        ...(backupFlags ? { backup: { ...backupFlags, location: where } } : {}),
      });
      if (jobs) server.onClose(() => jobs.stop());
      process.stdout.write(
        memory.llm
          ? 'formation worker: extracting facts with the configured LLM, consolidating on request\n'
          : 'formation worker: no LLM configured (MNEMO_LLM_BASE_URL, MNEMO_LLM_MODEL): ingest stores turns, extraction is skipped\n',
      );
      await server.closed;
      process.stdout.write('mnemo stopped\n');
    });
}

/**
 * The scheduled backup the flags ask for, checked before the server starts: a period
 * needs a folder this process can write, and a folder or a count needs a period.
 */
function scheduledBackup(flags: ServeFlags): { everyMs: number; dir: string; keep: number } | null {
  const everyMs = durationFlag(flags.backupEvery, 'backup-every');
  if (everyMs === undefined) {
    const stray =
      flags.backupDir !== undefined ? 'backup-dir' : flags.backupKeep !== undefined ? 'backup-keep' : null;
    if (stray)
      throw new InvalidInputError(
        `--${stray} needs --backup-every (how often to back up, such as 24h)`,
        stray,
      );
    return null;
  }
  if (!flags.backupDir)
    throw new InvalidInputError(
      '--backup-every needs --backup-dir (the folder backups are written to)',
      'backup-dir',
    );
  const dir = resolve(flags.backupDir);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new InvalidInputError(
      `--backup-dir: "${dir}" must be an existing folder this process can write (${(e as Error).message})`,
      'backup-dir',
    );
  }
  const keep =
    flags.backupKeep === undefined
      ? DEFAULT_BACKUP_KEEP
      : wholeNumber(flags.backupKeep, 'backup-keep', 1, 100_000);
  return { everyMs, dir, keep };
}

/** Backups a scheduled backup keeps by default: two weeks of daily ones. */
const DEFAULT_BACKUP_KEEP = 14;
