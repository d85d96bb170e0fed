import type { Command } from 'commander';
import type { Episode } from '../episodes/episodes-schema.js';
import { intFlag } from './brain-command.js';
import {
  dateFlag,
  printRows,
  type StoreFlags,
  scopeOf,
  spannedParts,
  storeOptions,
  withMemory,
  withScope,
} from './common.js';
import { given, registerEpisodeAddCommand } from './remember-command.js';

interface ListFlags extends StoreFlags {
  since?: string;
  until?: string;
  limit?: string;
  role?: string;
  eventType?: string;
  tag?: string;
  minImportance?: string;
  cursor?: string;
}

function row(e: Episode): Record<string, unknown> {
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    role: e.role,
    importance: e.importance,
    content: e.content,
  };
}

/**
 * `mnemo episodes list`: the episodic log, newest first.
 *
 * @example
 * // mnemo episodes list --session s1 --since 2026-05-01T00:00:00Z --limit 20 --json
 */
export function registerEpisodesCommand(program: Command): void {
  const episodes = program.command('episodes').description('the append-only episodic log');
  registerEpisodeAddCommand(episodes);
  storeOptions(episodes.command('list'))
    .description(
      'list episodes, newest first. Filters by the --user / --agent / --session given and spans the rest' +
        ' (a column for each part it spans)',
    )
    .option('--since <iso>', 'only episodes at or after this time (2026-11-30 or 2026-11-30T14:00:00Z)')
    .option('--until <iso>', 'only episodes before this time')
    .option('--role <role>', 'only this role')
    .option('--event-type <type>', 'only this event type')
    .option('--tag <tag>', 'only episodes with this tag')
    .option('--min-importance <n>', 'only episodes at least this important')
    .option('--limit <n>', 'at most this many (default 50, max 1000)')
    .option('--cursor <cursor>', 'continue after a previous page (printed with --json)')
    .action(async (f: ListFlags) => {
      const since = dateFlag(f.since, 'since');
      const until = dateFlag(f.until, 'until');
      await withMemory(f, async (mem) => {
        const page = await mem.episodes.list({
          scope: scopeOf(f),
          ...given({
            since,
            until,
            role: f.role as 'user' | undefined,
            eventType: f.eventType,
            tag: f.tag,
            minImportance: intFlag(f.minImportance, 'min-importance'),
            limit: intFlag(f.limit, 'limit'),
            cursor: f.cursor,
          }),
        });
        if (f.json) process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else {
          const spanned = spannedParts(f, ['user', 'agent', 'session']);
          printRows(
            page.items.map((e) => withScope(e, spanned, row(e))),
            false,
          );
        }
      });
    });
}
