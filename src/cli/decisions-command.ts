import type { Command } from 'commander';
import type { Decision } from '../decisions/decisions-schema.js';
import { cliValue, intFlag, jsonFlag } from './brain-command.js';
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

interface DecisionFlags extends StoreFlags {
  subject?: string;
  context?: string;
  chosen?: string;
  alternative?: string[];
  reasoning?: string;
  episode?: string;
  tag?: string[];
  metadata?: string;
  status?: string;
  outcome?: string;
  lessons?: string;
  feedback?: string;
  text?: string;
  limit?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/** An alternative given on the command line: a JSON object when it is one, else the text. */
function alternative(text: string): unknown {
  try {
    const v = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : text;
  } catch {
    return text;
  }
}

function row(d: Decision): Record<string, unknown> {
  return {
    id: d.id,
    subject: d.subject,
    context: d.context,
    chosen: d.chosen,
    status: d.status,
    lessons: d.lessons ?? '',
    createdAt: d.createdAt,
  };
}

/** Only the flags that were given, so the library reports what is missing. */
function given(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * `mnemo decisions record|resolve|list|lessons`.
 *
 * @example
 * // mnemo decisions record --subject deploy --context 'friday release?' --alternative ship --alternative wait --chosen wait
 * // mnemo decisions resolve <id> --status success --lessons 'no weekend pages'
 */
export function registerDecisionsCommand(program: Command): void {
  const decisions = program
    .command('decisions')
    .description('decisions with alternatives, reasoning and outcomes; lessons learned');

  storeOptions(decisions.command('record'))
    .description('record a pending decision; prints it (with its id)')
    .option('--context <text>', 'the situation and question (required)')
    .option('--chosen <text>', 'what was chosen (required)')
    .option('--subject <text>', 'what the decision is about, for filtering (deploy, storage, ...)')
    .option(
      '--alternative <text>',
      'an option considered (repeatable; a JSON object is kept as one)',
      collect,
      [],
    )
    .option('--reasoning <text>', 'why')
    .option('--episode <uuid>', 'id of the episode the decision was taken in')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--metadata <json>', 'a JSON object')
    .action(async (f: DecisionFlags) => {
      const metadata = jsonFlag(f.metadata, 'metadata', '{"ticket":"T-1"}');
      await withMemory(f, async (mem) => {
        const d = await mem.decisions.record({
          scope: scopeOf(f),
          ...given({
            context: f.context,
            chosen: f.chosen,
            subject: f.subject,
            reasoning: f.reasoning,
            episodeId: f.episode,
            metadata,
          }),
          ...(f.alternative?.length ? { alternatives: f.alternative.map(alternative) } : {}),
          ...(f.tag?.length ? { tags: f.tag } : {}),
        } as Parameters<typeof mem.decisions.record>[0]);
        printObject(d, f.json);
      });
    });

  storeOptions(decisions.command('resolve <id>'))
    .description('record the outcome of a pending decision (once)')
    .option('--status <status>', 'success, partial or failure (required)')
    .option('--outcome <json>', 'what happened, as JSON (a bare word is stored as a string)')
    .option('--lessons <text>', 'what to do next time')
    .option('--feedback <feedback>', 'positive, negative or neutral')
    .action(async (id: string, f: DecisionFlags) => {
      const outcome =
        f.outcome === undefined ? undefined : cliValue(f.outcome, 'outcome', 'quote it as a JSON string');
      await withMemory(f, async (mem) => {
        const d = await mem.decisions.resolve({
          scope: scopeOf(f),
          id,
          ...given({ status: f.status, outcome, lessons: f.lessons, feedback: f.feedback }),
        } as Parameters<typeof mem.decisions.resolve>[0]);
        printObject(d, f.json);
      });
    });

  storeOptions(decisions.command('list'))
    .description(
      'decisions, newest first (best match first with --text). Filters by the --user / --agent / --session' +
        ' given and spans the rest (a column for each part it spans)',
    )
    .option('--status <status>', 'pending, success, partial or failure')
    .option('--subject <text>', 'only this subject')
    .option('--text <query>', 'full-text query: words, "a phrase", -excluded, or')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (f: DecisionFlags) => {
      const limit = intFlag(f.limit, 'limit');
      await withMemory(f, async (mem) => {
        const rows = await mem.decisions.list({
          scope: scopeOf(f),
          scopeMatch: 'given',
          ...given({ status: f.status, subject: f.subject, text: f.text, limit }),
        } as Parameters<typeof mem.decisions.list>[0]);
        const spanned = spannedParts(f, ['user', 'agent', 'session']);
        printRows(
          f.json
            ? (rows as unknown as Record<string, unknown>[])
            : rows.map((d) => withScope(d, spanned, row(d))),
          f.json,
        );
      });
    });

  storeOptions(decisions.command('lessons'))
    .description(
      'lessons of resolved decisions, most recent first. Filters by the scope flags given and spans the rest',
    )
    .option('--subject <text>', 'only this subject')
    .option('--text <query>', 'full-text query')
    .option('--limit <n>', 'at most this many (default 20)')
    .action(async (f: DecisionFlags) => {
      const limit = intFlag(f.limit, 'limit');
      await withMemory(f, async (mem) => {
        const rows = await mem.decisions.lessons({
          scope: scopeOf(f),
          scopeMatch: 'given',
          ...given({ subject: f.subject, text: f.text, limit }),
        });
        const spanned = spannedParts(f, ['user', 'agent', 'session']);
        printRows(
          f.json
            ? (rows as unknown as Record<string, unknown>[])
            : rows.map((d) =>
                withScope(d, spanned, { subject: d.subject, status: d.status, lessons: d.lessons, id: d.id }),
              ),
          f.json,
        );
      });
    });
}
