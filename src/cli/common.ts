import type { Command } from 'commander';
import type { RemoteMemory } from '../client/remote-memory.js';
import type { Db } from '../db/db.js';
import { isOutOfSpace, outOfSpaceError } from '../db/storage-errors.js';
import { InvalidInputError, isMnemoError } from '../errors.js';
import type { LocalMemory } from '../memory.js';
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

// The library is loaded when a command opens the store, not to print help (docs/decisions.md).
async function withServed<T>(served: Served, fn: (mem: CliMemory) => Promise<T>): Promise<T> {
  const { createMemory } = await import('../memory.js');
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
export async function withLocalMemory<T>(
  f: StoreFlags,
  fn: (mem: LocalMemory) => Promise<T>,
  opts: { onePass?: boolean } = {},
): Promise<T> {
  const { createMemory } = await import('../memory.js');
  const location = {
    ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
    ...(f.dataDir ? { dataDir: f.dataDir } : {}),
  };
  // A one-pass job (import, restore) opens the store itself, with the lean settings of
  // openStore's `onePass`; createMemory leaves a store it was given open, so it is closed here.
  let db: Db | undefined;
  if (opts.onePass) {
    const [{ openStore }, { resolveLocation }] = await Promise.all([
      import('../db/open.js'),
      import('../config.js'),
    ]);
    db = await openStore(resolveLocation(location), { onePass: true });
  }
  try {
    // One-shot commands do not embed in the background: a server or `mnemo reembed` does.
    const mem = await createMemory({ indexer: false, ...(db ? { db } : location) });
    try {
      return await fn(mem);
    } finally {
      await mem.close();
    }
  } finally {
    await db?.close();
  }
}

/** The owner parts of a scope a list can filter by. */
export type ScopePart = 'user' | 'agent' | 'session';

/**
 * The one rule of every `list` command: it filters by the scope flags given
 * (`--user alice`) and spans the parts left out (every agent, every session), so the
 * table shows one column for each part of `parts` it spans.
 *
 * @example
 * spannedParts({ user: 'alice' }, ['user', 'agent', 'session']) // => ['agent', 'session']
 */
export function spannedParts(f: StoreFlags, parts: ScopePart[]): ScopePart[] {
  return parts.filter((p) => !f[p]);
}

/**
 * A table row with a column for each spanned scope part first, then `rest`.
 *
 * @example
 * withScope({ user: 'alice', agent: 'a1' }, ['agent'], { key: 'k' }) // => { agent: 'a1', key: 'k' }
 */
export function withScope(
  owner: { user?: string; agent?: string; session?: string },
  spanned: ScopePart[],
  rest: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of spanned) out[p] = owner[p] ?? '';
  return Object.assign(out, rest);
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

/** The example every date flag's error shows. */
const DATE_EXAMPLE = 'expected an ISO 8601 date or date-time, e.g. 2026-11-30 or 2026-11-30T14:00:00Z';
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * A date flag (`--as-of`, `--since`, `--run-after`, ...): an ISO 8601 date (midnight UTC)
 * or a date-time with `Z` or an offset, or undefined when absent.
 *
 * @example
 * dateFlag('2026-11-30', 'as-of') // => 2026-11-30T00:00:00.000Z
 * dateFlag('next week', 'as-of')  // throws invalid_input: "--as-of: expected an ISO 8601 date or date-time, ..."
 */
export function dateFlag(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  const m = ISO_DATE.exec(v);
  if (m) {
    const [y, mo, d, h = '0', mi = '0', sec = '0'] = m.slice(1, 7).map((x) => x ?? '0');
    // Date() rolls 2026-02-30 over to March: the calendar date must exist as written.
    const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
    const real = day.getUTCMonth() === Number(mo) - 1 && day.getUTCDate() === Number(d);
    const at = new Date(m[4] === undefined ? `${v.slice(0, 10)}T00:00:00Z` : v);
    if (real && Number(h) < 24 && Number(mi) < 60 && Number(sec) < 60 && !Number.isNaN(at.getTime()))
      return at;
  }
  throw new InvalidInputError(`--${flag}: ${DATE_EXAMPLE} (got "${value}")`, flag);
}

/**
 * The command-line name of a library field on `cmd`: `scope.agent` -> `--agent`,
 * `asOf` -> `--as-of`, `ttlSeconds` -> `--ttl`, `tokenBudget` -> `--budget`, `key` -> `<key>`; undefined when no option
 * or argument of the command holds it. Built from the command's own options.
 *
 * @example
 * flagOf(program.commands.find((c) => c.name() === 'facts')!.commands[1], 'asOf') // => '--as-of'
 */
export function flagOf(cmd: Command, field: string): string | undefined {
  const head = field.replace(/^scope\./, '').split('.')[0];
  let best: { flag: string; len: number } | undefined;
  for (const o of cmd.options) {
    if (!o.long) continue;
    const attr = o.attributeName();
    // Exact, or the option's name followed by a camel-case word (ttl -> ttlSeconds, lease -> leaseSeconds).
    // history -> includeHistory, budget -> tokenBudget: a camel-case word before the option's name.
    const cap = attr.charAt(0).toUpperCase() + attr.slice(1);
    const hit =
      attr === head ||
      (head.startsWith(attr) && /^[A-Z]/.test(head.slice(attr.length))) ||
      (head.endsWith(cap) && head.length > cap.length);
    if (hit && (!best || attr.length > best.len)) best = { flag: o.long, len: attr.length };
  }
  if (best) return best.flag;
  const arg = cmd.registeredArguments.find((a) => a.name() === head);
  return arg ? `<${arg.name()}>` : undefined;
}

/**
 * Reports an error the way a person at a terminal wants it: code, the flag at fault and
 * what to fix, no stack. With the command that ran, a library field (`"asOf": ...`,
 * `"scope.agent": ...`) is reported as its flag (`--as-of: ...`); a date flag says the
 * format it expects. Returns the exit code: 2 for bad input, else 1.
 *
 * @example
 * process.exitCode = reportError(e, actionCommand);
 */
export function reportError(e: unknown, cmd?: Command): number {
  if (isOutOfSpace(e)) e = outOfSpaceError('the write that failed is not in the store', e);
  if (isMnemoError(e)) {
    let message = e.message;
    const flag = cmd && e.field ? flagOf(cmd, e.field) : undefined;
    const m = /^"([^"]+)": ([\s\S]*)$/.exec(message);
    if (flag && m) {
      const option = cmd?.options.find((o) => o.long === flag);
      const isDate = option?.flags.includes('<iso>') && /^(Invalid input|must be a valid date)/.test(m[2]);
      message = `${flag}: ${isDate ? DATE_EXAMPLE : m[2]}`;
    }
    process.stderr.write(`error [${e.code}]: ${message}\n`);
    return e.code === 'invalid_input' ? 2 : 1;
  }
  process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.MNEMO_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return 1;
}
