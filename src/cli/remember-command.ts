import type { Command } from 'commander';
import { intFlag } from './brain-command.js';
import { printObject, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';

interface RememberFlags extends StoreFlags {
  role?: string;
  importance?: string;
  tag?: string[];
  subject?: string;
  eventType?: string;
}

const collect = (v: string, acc: string[]) => [...acc, v];

/**
 * Only the options that were given, so the library reports what is wrong with them.
 *
 * @example
 * given({ a: 1, b: undefined }) // => { a: 1 }
 */
export function given<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * `mnemo remember TEXT`: keeps something the agent decided is worth remembering, as a
 * current fact (the same as `mem.remember({ text })`); prints its id.
 *
 * @example
 * // mnemo remember 'Alice prefers answers in French' --user alice --category preference --subject language
 */
export function registerRememberCommand(program: Command): void {
  storeOptions(program.command('remember'))
    .argument('<text>', 'what to remember (stored as a fact)')
    .description('remember something now, as a fact (episodes: `mnemo episodes add`); prints its id')
    .option('--subject <text>', 'what the fact is about')
    .option('--category <c>', 'fact, preference, goal, struggle, directive, ... (default: fact)')
    .option('--confidence <x>', '0 to 1 (default 1)')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .action(async (text: string, f: RememberFlags & { category?: string; confidence?: string }) => {
      await withMemory(f, async (mem) => {
        const confidence = f.confidence === undefined ? undefined : Number(f.confidence);
        const r = await mem.remember({
          scope: scopeOf(f),
          text,
          ...given({ subject: f.subject, category: f.category, confidence }),
          ...(f.tag?.length ? { tags: f.tag } : {}),
        });
        if (f.json) printObject(r, true);
        else process.stdout.write(`${r.kind === 'fact' ? r.fact.id : r.episode.id}\n`);
      });
    });
}

/**
 * `mnemo episodes add TEXT`: appends an episode to the log and prints its id.
 *
 * @example
 * // mnemo episodes add 'deployed v2 to production' --role event --event-type deploy --importance 8 --tag ops
 */
export function registerEpisodeAddCommand(episodes: Command): void {
  storeOptions(episodes.command('add'))
    .argument('<text>', 'what happened (the episode content)')
    .description('append an episode to the log; prints its id')
    .option('--role <role>', 'user, assistant, system, tool or event (default: user)')
    .option('--importance <n>', '1 (trivia) to 10 (critical); default 5')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--subject <text>', 'what the episode is about')
    .option('--event-type <type>', 'kind of event (deploy, task.done, ...)')
    .action(async (text: string, f: RememberFlags) => {
      await withMemory(f, async (mem) => {
        const e = await mem.episodes.append({
          scope: scopeOf(f),
          content: text,
          ...given({
            role: f.role as 'user' | undefined,
            importance: intFlag(f.importance, 'importance'),
            subject: f.subject,
            eventType: f.eventType,
          }),
          ...(f.tag?.length ? { tags: f.tag } : {}),
        });
        if (f.json) printObject(e, true);
        else process.stdout.write(`${e.id}\n`);
      });
    });
}
