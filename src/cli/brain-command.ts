import type { Command } from 'commander';
import type { BrainEntry } from '../brain/brain-schema.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import {
  printObject,
  printRows,
  type StoreFlags,
  scopeOf,
  spannedParts,
  storeOptions,
  withMemory,
  withScope,
} from './common.js';

interface BrainFlags extends StoreFlags {
  category?: string;
  description?: string;
  priority?: string;
  ttl?: string;
  expectedVersion?: string;
  by?: string;
  limit?: string;
  string?: boolean;
}

/**
 * A whole-number flag, or undefined when absent.
 *
 * @example
 * intFlag('60', 'ttl') // => 60; intFlag('soon', 'ttl') throws invalid_input naming "ttl"
 */
export function intFlag(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim()))
    throw new InvalidInputError(`--${field} must be a whole number (got "${value}")`, field);
  return Number(value);
}

/**
 * A flag holding JSON, or undefined when absent.
 *
 * @example
 * jsonFlag('{"channel":"cli"}', 'metadata') // => { channel: 'cli' }
 */
export function jsonFlag(value: string | undefined, field: string, example: string): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw new InvalidInputError(`--${field} must be JSON, like '${example}' (got "${value}")`, field);
  }
}

/** A value that starts like JSON: an object, an array, a string in quotes or a number. */
const LOOKS_LIKE_JSON = /^\s*([{["]|-?\d)/;

/**
 * What `brain set KEY VALUE` (and `decisions resolve --outcome`) stores: VALUE parsed as
 * JSON when it is valid JSON; plain words (Ada Lovelace) as a string; a value that starts
 * like JSON (`{`, `[`, `"`, a digit or `-digit`) but does not parse is refused, naming
 * `field`, so a typo is never stored as text. `hint` says how to store the text anyway.
 *
 * @example
 * cliValue('42') // => 42;  cliValue('{"a":1}') // => { a: 1 };  cliValue('Ada') // => 'Ada'
 * cliValue('{"a":') // throws invalid_input: "value": starts like JSON but does not parse ...
 */
export function cliValue(
  text: string,
  field = 'value',
  hint = 'pass --string to store the text as is',
): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!LOOKS_LIKE_JSON.test(text)) return text;
    throw new InvalidInputError(
      `"${field}": starts like JSON but does not parse (${(e as Error).message}): fix the JSON, or ${hint}`,
      field,
    );
  }
}

function row(e: BrainEntry): Record<string, unknown> {
  return {
    key: e.key,
    value: e.value,
    category: e.category,
    priority: e.priority,
    version: e.version,
    expiresAt: e.expiresAt ?? '',
    updatedAt: e.updatedAt,
  };
}

/**
 * `mnemo brain set|get|list|history|delete`: the key-value brain from a terminal.
 *
 * @example
 * // mnemo brain set identity.name '"Ada"' --category identity
 * // mnemo brain list identity --json
 */
export function registerBrainCommand(program: Command): void {
  const brain = program
    .command('brain')
    .description('the key-value brain: dot-notation keys (identity.name) holding JSON values');

  storeOptions(brain.command('set <key> <value>'))
    .description(
      'create or replace a key. VALUE is parsed as JSON when it is valid JSON (42, true, null, "text", ' +
        '[1,2], {"a":1}); plain words are stored as a string (Ada Lovelace); a value that starts like ' +
        'JSON ({ [ " a digit or -digit) but does not parse is refused: fix it, or give --string',
    )
    .option('--string', 'store VALUE as text exactly as typed, never parsed as JSON')
    .option('--category <name>', 'category: identity, directive, session, system, ... (default general)')
    .option('--description <text>', 'what the key is for')
    .option('--priority <n>', 'priority 1 to 10 (default 5)')
    .option('--ttl <seconds>', 'expire the key after this many seconds (default: never)')
    .option('--expected-version <n>', 'write only if the key is at this version (0 = must not exist yet)')
    .option('--by <who>', 'who makes the change (default: --agent, else --user)')
    .action(async (key: string, value: string, f: BrainFlags) => {
      const input = {
        scope: scopeOf(f),
        key,
        value: f.string ? value : cliValue(value),
        ...(f.category !== undefined ? { category: f.category } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
        ...(f.priority !== undefined ? { priority: intFlag(f.priority, 'priority') } : {}),
        ...(f.ttl !== undefined ? { ttlSeconds: intFlag(f.ttl, 'ttl') } : {}),
        ...(f.expectedVersion !== undefined
          ? { expectedVersion: intFlag(f.expectedVersion, 'expected-version') }
          : {}),
        ...(f.by !== undefined ? { by: f.by } : {}),
      };
      await withMemory(f, async (mem) => printObject(await mem.brain.set(input), f.json));
    });

  storeOptions(brain.command('get <key>'))
    .description('print a key (exit code 1 when it is absent or expired)')
    .action(async (key: string, f: BrainFlags) => {
      await withMemory(f, async (mem) => {
        const e = await mem.brain.get({ scope: scopeOf(f), key });
        if (!e) throw new NotFoundError(`no brain key "${key}" in this scope (absent or expired)`, 'key');
        printObject(e, f.json);
      });
    });

  storeOptions(brain.command('list [prefix]'))
    .description(
      'list keys, optionally under a prefix: "session" (or "session.*") lists session and session.x.y.' +
        ' Filters by the --user / --agent given and spans the rest (a column for each part it spans)',
    )
    .option('--category <name>', 'only keys of this category')
    .option('--limit <n>', 'at most this many keys (default 1000)')
    .action(async (prefix: string | undefined, f: BrainFlags) => {
      const limit = intFlag(f.limit, 'limit');
      await withMemory(f, async (mem) => {
        const rows = await mem.brain.list({
          scope: scopeOf(f),
          scopeMatch: 'given',
          ...(prefix !== undefined ? { prefix } : {}),
          ...(f.category !== undefined ? { category: f.category } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        const spanned = spannedParts(f, ['user', 'agent']);
        printRows(
          f.json
            ? (rows as unknown as Record<string, unknown>[])
            : rows.map((e) => withScope(e, spanned, row(e))),
          f.json,
        );
      });
    });

  storeOptions(brain.command('history <key>'))
    .description('every change of a key, oldest first')
    .option('--limit <n>', 'the most recent n changes (default 100)')
    .action(async (key: string, f: BrainFlags) => {
      const limit = intFlag(f.limit, 'limit');
      await withMemory(f, async (mem) => {
        const rows = await mem.brain.history({
          scope: scopeOf(f),
          key,
          ...(limit !== undefined ? { limit } : {}),
        });
        printRows(rows as unknown as Record<string, unknown>[], f.json, [
          'version',
          'op',
          'oldValue',
          'newValue',
          'changedBy',
          'changedAt',
        ]);
      });
    });

  storeOptions(brain.command('delete <key>'))
    .description('delete a key (its history stays)')
    .option('--expected-version <n>', 'delete only if the key is at this version')
    .option('--by <who>', 'who makes the change (default: --agent, else --user)')
    .action(async (key: string, f: BrainFlags) => {
      const expectedVersion = intFlag(f.expectedVersion, 'expected-version');
      await withMemory(f, async (mem) => {
        const deleted = await mem.brain.delete({
          scope: scopeOf(f),
          key,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
          ...(f.by !== undefined ? { by: f.by } : {}),
        });
        if (f.json) printObject({ key, deleted }, true);
        else process.stdout.write(deleted ? `deleted ${key}\n` : `${key} was not set (nothing deleted)\n`);
      });
    });
}
