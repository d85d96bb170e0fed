import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import type { RecallItem, RecallKind } from '../recall/recall-schema.js';
import { intFlag } from './brain-command.js';
import { dateFlag, printRows, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';
import { given } from './remember-command.js';

interface RecallFlags extends StoreFlags {
  k?: string;
  kinds?: string;
  since?: string;
  until?: string;
  explain?: boolean;
  budget?: string;
}

/** The signals `--explain` shows, one column each (docs/recall.md says what each means). */
const SIGNALS = [
  'text',
  'vector',
  'cosine',
  'neighbor',
  'session',
  'recency',
  'importance',
  'confidence',
] as const;

const when = (d: Date) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');
const fixed = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(3) : '');

/** The content with what it is about in front (`editor: Alice uses vim`), unless it already says so (brain keys). */
function labelled(item: RecallItem): string {
  if (!item.subject || item.kind === 'episode' || item.content.startsWith(`${item.subject}:`))
    return item.content;
  return `${item.subject}: ${item.content}`;
}

function row(item: RecallItem, explain: boolean | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: item.kind,
    score: fixed(item.score),
    when: when(item.occurredAt),
    content: labelled(item),
  };
  if (explain) for (const s of SIGNALS) out[s] = fixed(item.scores?.[s]);
  return out;
}

/**
 * `--kinds episode,fact`: the kinds to search, or undefined for all (the library names a bad one).
 *
 * @example
 * kindsFlag('episode, fact') // => ['episode', 'fact']
 */
export function kindsFlag(value: string | undefined): RecallKind[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (!kinds.length)
    throw new InvalidInputError('--kinds takes episode, fact, brain or decision, comma separated', 'kinds');
  return kinds as RecallKind[];
}

/**
 * `mnemo recall QUERY` and `mnemo context [QUERY] --budget N`: the product's main verbs
 * from a terminal, through the same `recall` and `context` calls as the library.
 *
 * @example
 * // mnemo recall deployment --user alice -k 5 --explain
 * // mnemo context 'plan the release' --user alice --budget 1500
 */
export function registerRecallCommands(program: Command): void {
  storeOptions(program.command('recall'))
    .argument('<query>', 'what to look for, in words')
    .description(
      'hybrid recall over episodes, facts, decisions and brain keys: a table of kind, score, when and ' +
        'content, best first (--json: the whole result; --explain: one column per signal)',
    )
    .option('-k, --k <n>', 'how many memories (1 to 100, default 10)')
    .option('--kinds <list>', 'only these kinds, comma separated: episode,fact,brain,decision')
    .option('--since <iso>', 'only memories at or after this time')
    .option('--until <iso>', 'only memories before this time')
    .option('--explain', "show each signal's contribution (text, vector, cosine, neighbor, ...)")
    .action(async (query: string, f: RecallFlags) => {
      const k = intFlag(f.k, 'k');
      if (k !== undefined && (k < 1 || k > 100)) throw new InvalidInputError('"k": must be 1 to 100', 'k');
      const kinds = kindsFlag(f.kinds);
      const since = dateFlag(f.since, 'since');
      const until = dateFlag(f.until, 'until');
      await withMemory(f, async (mem) => {
        const r = await mem.recall({
          scope: scopeOf(f),
          query,
          ...given({ k, kinds, explain: f.explain }),
          ...(since || until ? { filters: given({ since, until }) } : {}),
        });
        if (f.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else {
          printRows(
            r.items.map((i) => row(i, f.explain)),
            false,
          );
          if (!r.usedVector)
            process.stderr.write('(text only: no embedding model, or the query could not be embedded)\n');
        }
      });
    });

  storeOptions(program.command('context'))
    .argument('[query]', 'what the turn is about (recent facts and events without one)')
    .description(
      'print the context block an agent injects at the start of a turn: directives, identity, ' +
        'relevant facts and history, recent events, within a token budget (--json: with its items)',
    )
    .option('--budget <tokens>', 'token budget, 50 to 200000 (default 2000)')
    .action(async (query: string | undefined, f: RecallFlags) => {
      const tokenBudget = intFlag(f.budget, 'budget');
      if (tokenBudget !== undefined && (tokenBudget < 50 || tokenBudget > 200_000))
        throw new InvalidInputError('"tokenBudget": must be 50 to 200000 tokens', 'tokenBudget');
      await withMemory(f, async (mem) => {
        const r = await mem.context({ scope: scopeOf(f), ...given({ query, tokenBudget }) });
        if (f.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
        else if (r.text) process.stdout.write(r.text.endsWith('\n') ? r.text : `${r.text}\n`);
        else process.stderr.write('(empty: nothing stored in this scope yet)\n');
      });
    });
}
