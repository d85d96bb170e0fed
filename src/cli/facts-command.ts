import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import type { Fact } from '../facts/facts-schema.js';
import {
  dateFlag,
  printObject,
  printRows,
  type StoreFlags,
  scopeOf,
  spannedParts,
  storeOptions,
  withMemory,
  withScope,
} from './common.js';
import { given } from './remember-command.js';

interface FactFlags extends StoreFlags {
  subject?: string;
  category?: string;
  kind?: string;
  confidence?: string;
  source?: string;
  by?: string;
  asOf?: string;
  history?: boolean;
  limit?: string;
}

/**
 * A flag holding a number (confidence), or undefined when absent.
 *
 * @example
 * numberFlag('0.8', 'confidence') // => 0.8
 */
export function numberFlag(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidInputError(`--${field} must be a number (got "${value}")`, field);
  return n;
}

function row(x: Fact): Record<string, unknown> {
  return {
    id: x.id,
    kind: x.kind,
    category: x.category,
    subject: x.subject,
    content: x.content,
    confidence: x.confidence,
    validFrom: x.validFrom,
    validTo: x.validTo ?? '',
  };
}

const kindOf = (k?: string) => k as 'semantic' | undefined;

/**
 * `mnemo facts add|list|supersede`.
 *
 * @example
 * // mnemo facts add 'Alice lives in Lyon' --subject alice.city --user alice
 * // mnemo facts supersede <id> 'Alice lives in Paris' --user alice
 * // mnemo facts list --subject alice.city --history --json
 */
export function registerFactsCommand(program: Command): void {
  const facts = program
    .command('facts')
    .description('semantic and procedural memory, superseded not overwritten');

  storeOptions(facts.command('add'))
    .argument('<content>', 'the fact or rule')
    .description('assert a new current fact; prints its id (the fact with --json)')
    .option('--subject <text>', 'what it is about (alice.city, deploys, ...)')
    .option('--category <c>', 'fact, preference, goal, struggle, directive, rule, ... (default: fact)')
    .option('--kind <k>', 'semantic or procedural (default: semantic)')
    .option('--confidence <x>', '0 to 1 (default 1)')
    .option('--source <text>', 'where it comes from')
    .option('--by <who>', 'who asserts it')
    .action(async (content: string, f: FactFlags) => {
      await withMemory(f, async (mem) => {
        const fact = await mem.facts.assert({
          scope: scopeOf(f),
          content,
          ...given({
            subject: f.subject,
            category: f.category,
            kind: kindOf(f.kind),
            confidence: numberFlag(f.confidence, 'confidence'),
            source: f.source,
            by: f.by,
          }),
        });
        if (f.json) printObject(fact, true);
        else process.stdout.write(`${fact.id}\n`);
      });
    });

  storeOptions(facts.command('list'))
    .description(
      'current facts (or as of a time, or every version with --history).' +
        ' Filters by the --user / --agent / --session given and spans the rest (a column for each part it spans)',
    )
    .option('--subject <text>', 'only this subject')
    .option('--category <c>', 'only this category')
    .option('--kind <k>', 'only this kind')
    .option('--as-of <iso>', 'the facts that were valid at this time (2026-11-30 or 2026-11-30T14:00:00Z)')
    .option('--history', 'every version, superseded ones included')
    .option('--limit <n>', 'at most this many (default 50, max 1000)')
    .action(async (f: FactFlags) => {
      const asOf = dateFlag(f.asOf, 'as-of');
      await withMemory(f, async (mem) => {
        const page = await mem.facts.list({
          scope: scopeOf(f),
          ...given({
            subject: f.subject,
            category: f.category,
            kind: kindOf(f.kind),
            asOf,
            includeHistory: f.history,
            limit: numberFlag(f.limit, 'limit'),
          }),
        });
        if (f.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else {
          const spanned = spannedParts(f, ['user', 'agent', 'session']);
          printRows(
            page.items.map((x) => withScope(x, spanned, row(x))),
            false,
          );
        }
      });
    });

  storeOptions(facts.command('supersede'))
    .argument('<id>', 'the current fact to replace')
    .argument('<content>', 'the new version')
    .description('replace a current fact by a new version; prints the new id')
    .option('--confidence <x>', '0 to 1 (default 1)')
    .option('--by <who>', 'who supersedes it')
    .action(async (id: string, content: string, f: FactFlags) => {
      await withMemory(f, async (mem) => {
        const r = await mem.facts.supersede({
          scope: scopeOf(f),
          id,
          fact: { content, ...given({ confidence: numberFlag(f.confidence, 'confidence') }) },
          ...given({ by: f.by }),
        });
        if (f.json) printObject(r, true);
        else process.stdout.write(`${r.new.id}\n`);
      });
    });
}
