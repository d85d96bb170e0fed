import type { Command } from 'commander';
import { InvalidInputError, MnemoError } from '../errors.js';
import type { CacheStats } from '../formation/cache-schema.js';
import type { LocalMemory } from '../memory.js';
import { isRemote, printObject, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';

interface ClearFlags extends StoreFlags {
  olderThan?: string;
  maxBytes?: string;
}

function wholeNumber(value: string | undefined, flag: string, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new InvalidInputError(`--${flag} must be a whole number 0 or more (got "${value}")`, field);
  return Number(value);
}

/** Stats as a person reads them: a percentage, dollars, seconds. */
function readable(s: CacheStats): Record<string, string | number> {
  return {
    entries: s.entries,
    bytes: s.bytes,
    hits: s.hits,
    misses: s.misses,
    hitRate: `${(s.hitRate * 100).toFixed(1)}%`,
    latencySaved: `${(s.latencySavedMs / 1000).toFixed(1)} s`,
    costSaved: `$${s.costSaved.toFixed(4)}`,
    tokensSaved: s.tokensSaved,
  };
}

/**
 * `mnemo cache stats|clear`: figures of the LLM output cache, and removal of its
 * entries (all of a scope, or by age and size budget).
 *
 * @example
 * // mnemo cache stats --json
 * // mnemo cache clear --older-than 604800 --max-bytes 100000000
 */
export function registerCacheCommand(program: Command): void {
  const cache = program.command('cache').description('the content-addressed cache of LLM outputs');

  storeOptions(cache.command('stats'))
    .description('entries, size, hit rate and what the hits saved (time, money, tokens) in a scope')
    .action(async (f: StoreFlags) => {
      await withMemory(f, async (mem) => {
        const s = await mem.cache.stats({ scope: scopeOf(f) });
        printObject(f.json ? s : readable(s), f.json);
      });
    });

  storeOptions(cache.command('clear'))
    .description(
      'remove cached outputs of a scope: all of them, or with --older-than / --max-bytes only the expired, ' +
        'those unused for SECONDS and the least recently used beyond N bytes',
    )
    .option('--older-than <seconds>', 'remove outputs not used for this many seconds (and expired ones)')
    .option(
      '--max-bytes <n>',
      'then remove least recently used outputs until the scope holds at most N bytes',
    )
    .action(async (f: ClearFlags) => {
      const olderThanSeconds = wholeNumber(f.olderThan, 'older-than', 'olderThanSeconds');
      const maxBytes = wholeNumber(f.maxBytes, 'max-bytes', 'maxBytes');
      await withMemory(f, async (mem) => {
        const scope = scopeOf(f);
        if ((olderThanSeconds !== undefined || maxBytes !== undefined) && isRemote(mem))
          throw new MnemoError(
            'locked',
            `--older-than and --max-bytes are not served over HTTP, and the folder is held by the server at ${mem.url}: ` +
              'stop it to run this here, or clear the whole scope (without those flags) through it',
          );
        const removed =
          olderThanSeconds === undefined && maxBytes === undefined
            ? await mem.cache.clear({ scope })
            : await (mem as LocalMemory).cache.evict({
                scope,
                ...(olderThanSeconds !== undefined ? { olderThanSeconds } : {}),
                ...(maxBytes !== undefined ? { maxBytes } : {}),
              });
        printObject({ removed }, f.json);
      });
    });
}
