import type { Command } from 'commander';
import { resolveLocation } from '../config.js';
import { InvalidInputError, isMnemoError, MnemoError } from '../errors.js';
import { printObject, reportError } from './common.js';

interface BackupFlags {
  databaseUrl?: string;
  dataDir?: string;
  to: string;
  keep?: string;
  format?: string;
  json?: boolean;
}

interface RestoreFlags {
  databaseUrl?: string;
  dataDir?: string;
  tenant?: string;
  batchSize?: string;
  json?: boolean;
}

/**
 * A whole-number flag of at least 1 (`--keep 14`), or undefined when absent.
 *
 * @example
 * positiveIntFlag('14', 'keep') // => 14
 * positiveIntFlag('0', 'keep')  // throws invalid_input: "--keep: expected a whole number of at least 1 ..."
 */
export function positiveIntFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new InvalidInputError(`--${flag}: expected a whole number of at least 1 (got "${value}")`, flag);
  return n;
}

/** The `locked` error of `mnemo backup` on an embedded folder `mnemo serve` holds: what to do instead. */
function servedError(e: MnemoError): MnemoError {
  const d = e.details ?? {};
  return new MnemoError(
    'locked',
    `the data folder ${String(d.dataDir)} is served by mnemo serve (pid ${String(d.pid)}): an embedded store is read ` +
      'only by the process that holds it, so that server takes its backups: start it with ' +
      '`mnemo serve --backup-every 24h --backup-dir DIR`, or stop it and run mnemo backup again',
    { details: d },
  );
}

/**
 * `mnemo backup --to DIR [--keep N]` and `mnemo restore FILE [--tenant T]`: a timestamped,
 * consistent backup of the store into a folder (the oldest pruned beyond --keep), and a
 * backup read back into an empty store, or one tenant of it into a live store.
 *
 * @example
 * // mnemo backup --to /var/backups/mnemo --keep 14
 * // mnemo restore /var/backups/mnemo/mnemo-20261208T011500Z.ndjson.gz --tenant acme
 * registerBackupCommands(program);
 */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'write a consistent, timestamped backup of the store into a folder; prune old ones with --keep',
    )
    .requiredOption('--to <dir>', 'the folder to write into (it must exist)')
    .option('--keep <n>', 'keep the newest N mnemo backups of the folder, delete older ones')
    .option(
      '--format <format>',
      'auto (pg_dump for a server when installed, else export), export or pg_dump',
      'auto',
    )
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--json', 'print the result as JSON')
    .action(async (f: BackupFlags) => {
      const keep = positiveIntFlag(f.keep, 'keep');
      const format = f.format ?? 'auto';
      if (format !== 'auto' && format !== 'export' && format !== 'pg_dump')
        throw new InvalidInputError(`--format: expected auto, export or pg_dump (got "${format}")`, 'format');
      const [{ openStore }, { backupStore }, { checkBackupDir }] = await Promise.all([
        import('../db/open.js'),
        import('../backup/backup-service.js'),
        import('../backup/backup-files.js'),
      ]);
      checkBackupDir(f.to, '--to');
      const location = resolveLocation({
        ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
        ...(f.dataDir ? { dataDir: f.dataDir } : {}),
      });
      const db = await openStore(location, { onePass: true }).catch((e: unknown) => {
        throw isMnemoError(e) && e.code === 'locked' && e.details?.command === 'serve' ? servedError(e) : e;
      });
      try {
        const r = await backupStore({ store: db, location, dir: f.to, format, ...(keep ? { keep } : {}) });
        printObject({ ...r, startedAt: r.startedAt.toISOString() }, f.json);
      } finally {
        await db.close();
      }
    });

  program
    .command('restore')
    .description('read a backup into an empty store, or one tenant of it into a live store (--tenant)')
    .argument('<file>', 'a file written by mnemo backup (.ndjson.gz or .dump) or mnemo export')
    .option('--tenant <id>', 'restore only this tenant; other tenants of the target are left alone')
    .option('--batch-size <n>', 'lines per transaction (default 1000)')
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, f: RestoreFlags, cmd: Command) => {
      const batchSize = positiveIntFlag(f.batchSize, 'batch-size');
      const [{ restoreStore }, { sniffFile }, { withLocalMemory }, { openStore }] = await Promise.all([
        import('../backup/restore-service.js'),
        import('../backup/pg-dump.js'),
        import('./common.js'),
        import('../db/open.js'),
      ]);
      const { existsSync, statSync } = await import('node:fs');
      if (!existsSync(file) || !statSync(file).isFile())
        throw new InvalidInputError(`<file>: no file "${file}" (give the path of a mnemo backup)`, 'file');
      const flags = {
        ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
        ...(f.dataDir ? { dataDir: f.dataDir } : {}),
      };
      const options = {
        file,
        ...(f.tenant ? { tenant: f.tenant } : {}),
        ...(batchSize ? { batchSize } : {}),
      };
      try {
        let r: Awaited<ReturnType<typeof restoreStore>>;
        if (sniffFile(file) === 'pg_dump') {
          // The dump carries its own embedding binding: the store is opened without an embedder.
          const location = resolveLocation(flags);
          if (location.kind !== 'postgres')
            throw new InvalidInputError(
              '<file>: a pg_dump backup restores into a PostgreSQL server store only (give --database-url); ' +
                'an embedded store restores export-format backups',
              'file',
            );
          const db = await openStore(location, { onePass: true });
          try {
            r = await restoreStore({ store: db, location, ...options });
          } finally {
            await db.close();
          }
        } else
          r = await withLocalMemory(flags, (mem) => restoreStore({ store: mem, ...options }), {
            onePass: true,
          });
        const out: Record<string, unknown> = { format: r.format, ...(r.tenant ? { tenant: r.tenant } : {}) };
        if (r.embeddings) out.embeddings = r.embeddings;
        for (const [t, c] of Object.entries(r.tables)) out[t] = `${c.added} added of ${c.rows}`;
        printObject(out, f.json);
      } catch (e) {
        // A backup of a newer mnemo is bad input for this one: exit 2, like every refused file.
        if (!isMnemoError(e) || e.code !== 'schema_too_new') throw e;
        reportError(e, cmd);
        process.exitCode = 2;
      }
    });
}
