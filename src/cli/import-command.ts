import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import { printObject, type StoreFlags, withLocalMemory } from './common.js';

interface ImportFlags {
  databaseUrl?: string;
  dataDir?: string;
  tenantRemap?: string[];
  batchSize?: string;
  dryRun?: boolean;
  json?: boolean;
}

const collect = (v: string, acc: string[] = []) => [...acc, v];

/**
 * The tenant remap named by `--tenant-remap FROM=TO` (repeatable).
 *
 * @example
 * remapFlag(['acme=acme-eu']) // => { acme: 'acme-eu' }
 * remapFlag(['acme'])         // throws invalid_input: "--tenant-remap: expected FROM=TO ..."
 */
export function remapFlag(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^([^=]+)=([^=]+)$/.exec(v);
    if (!m || m[1].trim() !== m[1] || m[2].trim() !== m[2])
      throw new InvalidInputError(
        `--tenant-remap: expected FROM=TO, e.g. acme=acme-eu (got "${v}")`,
        'tenant-remap',
      );
    if (out[m[1]] !== undefined)
      throw new InvalidInputError(`--tenant-remap: "${m[1]}" is remapped twice`, 'tenant-remap');
    out[m[1]] = m[2];
  }
  return out;
}

/**
 * `mnemo import FILE`: checks the whole file first (a damaged or foreign file is refused
 * with its line number before anything is written), then writes it in batches of
 * --batch-size lines, each one transaction, with a progress bar on a terminal. Rows
 * already in the store are skipped: after an interruption, run the same command again.
 *
 * @example
 * // mnemo import acme.ndjson --database-url postgres://... --tenant-remap acme=acme-eu
 * registerImportCommand(program);
 */
export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'read a file written by mnemo export into the store; rerun it to complete an interrupted import',
    )
    .argument('<file>', 'the export file, - for stdin (stdin is not checked before writing)')
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--tenant-remap <from=to>', 'import tenant FROM as tenant TO (repeatable)', collect)
    .option('--batch-size <n>', 'lines per transaction (default 1000)')
    .option('--dry-run', 'check the file against the store, write nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, f: ImportFlags) => {
      const tenantRemap = remapFlag(f.tenantRemap ?? []);
      const batchSize = f.batchSize === undefined ? undefined : Number(f.batchSize);
      if (batchSize !== undefined && (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000))
        throw new InvalidInputError('--batch-size: must be a whole number from 1 to 100000', 'batch-size');
      const [{ openInput }, { importStore }, { pendingEmbeddings }, { createProgress }] = await Promise.all([
        import('./transfer-files.js'),
        import('../transfer/import-service.js'),
        import('../transfer/transfer-queries.js'),
        import('./progress.js'),
      ]);
      const stdin = file === '-';
      const storeFlags: StoreFlags = {
        ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
        ...(f.dataDir ? { dataDir: f.dataDir } : {}),
      };
      // One pass over the file: a lean embedded store (src/db/pglite.ts, `onePass`).
      await withLocalMemory(
        storeFlags,
        async (mem) => {
          const options = { tenantRemap, ...(batchSize ? { batchSize } : {}) };
          // A file is read twice: checked whole first, so a bad line is refused before any write.
          const checked = stdin
            ? null
            : await importStore(mem, openInput(file), { ...options, dryRun: true });
          if (f.dryRun) {
            const r = checked ?? (await importStore(mem, openInput(file), { ...options, dryRun: true }));
            printObject(summary(r), f.json);
            return;
          }
          const progress = createProgress({ label: 'importing', unit: 'lines' });
          try {
            const r = await importStore(mem, openInput(file), {
              ...options,
              ...(checked ? { onProgress: (p) => progress.update(p.committedLine, checked.lines) } : {}),
            });
            progress.stop();
            const pending = r.embeddings === 'dropped' ? await pendingEmbeddings(mem.db) : 0;
            printObject({ ...summary(r), ...(pending ? { waitingForEmbedding: pending } : {}) }, f.json);
            if (pending)
              process.stderr.write(
                `${pending} rows wait for an embedding (the file's model is not this store's): ` +
                  '`mnemo serve` embeds them in the background, or run `mnemo reembed`\n',
              );
          } finally {
            progress.stop();
          }
        },
        { onePass: true },
      );
    });
}

function summary(r: {
  lines: number;
  committedLine: number;
  embeddings: string;
  tables: Record<string, { rows: number; added: number }>;
}): Record<string, unknown> {
  const out: Record<string, unknown> = {
    lines: r.lines,
    committedLine: r.committedLine,
    embeddings: r.embeddings,
  };
  for (const [t, c] of Object.entries(r.tables)) out[t] = `${c.added} added of ${c.rows}`;
  return out;
}
