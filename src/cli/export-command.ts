import type { Command } from 'commander';
import { resolveLocation } from '../config.js';
import { InvalidInputError } from '../errors.js';
import { dateFlag, printObject } from './common.js';

interface ExportFlags {
  databaseUrl?: string;
  dataDir?: string;
  out?: string;
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  since?: string;
  until?: string;
  include?: string;
  json?: boolean;
}

const EXTRAS = ['keys', 'usage'] as const;

/**
 * The optional sections named by `--include keys,usage`.
 *
 * @example
 * includeFlag('keys,usage') // => ['keys', 'usage']
 * includeFlag('secrets')    // throws invalid_input: "--include: expected keys, usage or both ..."
 */
export function includeFlag(raw: string | undefined): ('keys' | 'usage')[] {
  if (raw === undefined) return [];
  const parts = raw.split(',').map((s) => s.trim());
  const bad = parts.find((p) => !(EXTRAS as readonly string[]).includes(p));
  if (bad !== undefined)
    throw new InvalidInputError(
      `--include: expected keys, usage or both, comma-separated (got "${bad}")`,
      'include',
    );
  return parts as ('keys' | 'usage')[];
}

/**
 * `mnemo export`: writes the store (or what the filters select) as a portable NDJSON file,
 * a consistent snapshot read in pages; a progress bar on a terminal. A file is written
 * under FILE.partial and renamed when complete, so FILE is never half written.
 *
 * @example
 * // mnemo export --out acme.ndjson --tenant acme --include keys
 * registerExportCommand(program);
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('write the store (or a tenant, user, agent, session or time range of it) to a portable file')
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--out <file>', 'where to write, - for stdout', '-')
    .option('--tenant <id>', 'only this tenant (default: every tenant)')
    .option('--user <id>', 'only rows of this user')
    .option('--agent <id>', 'only rows of this agent')
    .option('--session <id>', 'only rows of this session')
    .option('--since <iso>', 'only rows at or after this time (2026-11-30 or 2026-11-30T14:00:00Z)')
    .option('--until <iso>', 'only rows before this time')
    .option('--include <parts>', 'also export keys (API key hashes) and/or usage (usage events): keys,usage')
    .option('--json', 'print the summary as JSON')
    .action(async (f: ExportFlags) => {
      const since = dateFlag(f.since, 'since');
      const until = dateFlag(f.until, 'until');
      const include = includeFlag(f.include);
      const [{ openStore }, { exportStore }, { writeLines }, { createProgress }] = await Promise.all([
        import('../db/open.js'),
        import('../transfer/export-service.js'),
        import('./transfer-files.js'),
        import('./progress.js'),
      ]);
      // No embedder: vectors are copied as data, and the store's binding travels in the header.
      const db = await openStore(
        resolveLocation({
          ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
          ...(f.dataDir ? { dataDir: f.dataDir } : {}),
        }),
        { onePass: true },
      );
      const progress = createProgress({ label: 'exporting', unit: 'rows' });
      try {
        const lines = exportStore(db, {
          ...(f.tenant !== undefined ? { tenant: f.tenant } : {}),
          ...(f.user !== undefined ? { user: f.user } : {}),
          ...(f.agent !== undefined ? { agent: f.agent } : {}),
          ...(f.session !== undefined ? { session: f.session } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          include,
          onProgress: (p) => progress.update(p.done, p.total),
        });
        const written = await writeLines(lines, f.out ?? '-');
        progress.stop();
        const summary = { out: f.out ?? '-', lines: written.lines, ...written.rows };
        // On stdout the file itself goes: the summary then goes to stderr.
        if ((f.out ?? '-') === '-') process.stderr.write(`${JSON.stringify(summary)}\n`);
        else printObject(summary, f.json);
      } finally {
        progress.stop();
        await db.close();
      }
    });
}
