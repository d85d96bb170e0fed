import type { Command } from 'commander';
import type { RemoteMemory } from '../client/remote-memory.js';
import { isMnemoError } from '../errors.js';
import { createMemory, type LocalMemory } from '../memory.js';
import type { Scope } from '../scope.js';
import { type Served, servedServer } from './served-folder.js';

/** Options every command that opens the store accepts. */
export interface StoreFlags {
  databaseUrl?: string;
  dataDir?: string;
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  json?: boolean;
}

/** Adds the store and scope flags to a command. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--tenant <id>', 'tenant (default: "default")')
    .option('--user <id>', 'user id')
    .option('--agent <id>', 'agent id')
    .option('--session <id>', 'session id')
    .option('--json', 'print JSON instead of a table');
}

/** The scope named by the flags. */
export function scopeOf(f: StoreFlags): Scope {
  return {
    ...(f.tenant ? { tenant: f.tenant } : {}),
    ...(f.user ? { user: f.user } : {}),
    ...(f.agent ? { agent: f.agent } : {}),
    ...(f.session ? { session: f.session } : {}),
  };
}

/**
 * The memory a command works on: the store itself, or the HTTP API of the `mnemo serve`
 * that holds its embedded folder.
 *
 * @example
 * await withMemory(flags, async (mem: CliMemory) => mem.brain.get({ key: 'identity.name' }));
 */
export type CliMemory = LocalMemory | RemoteMemory;

/**
 * True when the command goes through a server's HTTP API.
 *
 * @example
 * if (isRemote(mem)) process.stderr.write(`through ${mem.url}\n`);
 */
export function isRemote(mem: CliMemory): mem is RemoteMemory {
  return 'url' in mem;
}

/**
 * Opens the store named by the flags, runs `fn`, and always closes it. An embedded
 * folder held by a running `mnemo serve` is reached through that server's HTTP API (one
 * line on stderr says so); held by anything else, it fails with `locked`.
 *
 * @example
 * const id = await withMemory({ dataDir: './.mnemo' }, async (mem) => (await mem.remember({ text: 'x' })).kind);
 */
export async function withMemory<T>(f: StoreFlags, fn: (mem: CliMemory) => Promise<T>): Promise<T> {
  const served = await servedServer(f);
  if (served) return withServed(served, fn);
  try {
    return await withLocalMemory(f, fn);
  } catch (e) {
    // `mnemo serve` took the folder between the look and the open: go through it after all.
    const again =
      isMnemoError(e) && e.code === 'locked' && e.details?.command === 'serve' && (await servedServer(f));
    if (again) return withServed(again, fn);
    throw e;
  }
}

async function withServed<T>(served: Served, fn: (mem: CliMemory) => Promise<T>): Promise<T> {
  const mem = await createMemory({ url: served.url, apiKey: served.token });
  try {
    return await fn(mem);
  } finally {
    await mem.close();
  }
}

/**
 * Like {@link withMemory}, for commands that need the store itself (they fail with `locked` on a served folder).
 *
 * @example
 * await withLocalMemory(flags, (mem) => mem.db.query('select version from schema_migrations'));
 */
export async function withLocalMemory<T>(f: StoreFlags, fn: (mem: LocalMemory) => Promise<T>): Promise<T> {
  // One-shot commands do not embed in the background: a server or `mnemo reembed` does.
  const mem = await createMemory({
    indexer: false,
    ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
    ...(f.dataDir ? { dataDir: f.dataDir } : {}),
  });
  try {
    return await fn(mem);
  } finally {
    await mem.close();
  }
}

/** Prints rows as JSON (--json) or as an aligned table. */
export function printRows(
  rows: Record<string, unknown>[],
  json: boolean | undefined,
  columns?: string[],
): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cols = columns ?? Object.keys(rows[0]);
  const cell = (v: unknown) => {
    const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v ?? '');
    const flat = s.replace(/\s+/g, ' ');
    return flat.length > 60 ? `${flat.slice(0, 57)}...` : flat;
  };
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(cols)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const r of cells) process.stdout.write(`${line(r)}\n`);
}

/** Prints one object as JSON or as `key: value` lines. */
export function printObject(obj: unknown, json: boolean | undefined): void {
  if (json || typeof obj !== 'object' || obj === null) {
    process.stdout.write(`${JSON.stringify(obj, null, 2)}\n`);
    return;
  }
  for (const [k, v] of Object.entries(obj)) {
    const s = v instanceof Date ? v.toISOString() : typeof v === 'string' ? v : JSON.stringify(v);
    process.stdout.write(`${k}: ${s}\n`);
  }
}

/** Reports an error the way a person at a terminal wants it: code and what to fix, no stack. */
export function reportError(e: unknown): number {
  if (isMnemoError(e)) {
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return e.code === 'invalid_input' ? 2 : 1;
  }
  process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.MNEMO_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return 1;
}
