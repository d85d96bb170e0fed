import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import type { Session } from '../sessions/sessions-schema.js';
import { intFlag, jsonFlag } from './brain-command.js';
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

interface SessionFlags extends StoreFlags {
  metadata?: string;
  summary?: string;
  active?: boolean;
  ended?: boolean;
  limit?: string;
}

function row(s: Session): Record<string, unknown> {
  return {
    id: s.id,
    startedAt: s.startedAt,
    endedAt: s.endedAt ?? '',
    summary: s.summary ?? '',
  };
}

/**
 * `mnemo sessions start|end|list`.
 *
 * @example
 * // mnemo sessions start run-42 --user alice --metadata '{"channel":"cli"}'
 * // mnemo sessions end run-42 --user alice --summary 'fixed the build'
 */
export function registerSessionsCommand(program: Command): void {
  const sessions = program.command('sessions').description('sessions of agents with users');

  storeOptions(sessions.command('start [id]'))
    .description('start a session (id: given, else --session, else a new uuid); prints it')
    .option('--metadata <json>', 'a JSON object, like \'{"channel":"cli"}\'')
    .action(async (id: string | undefined, f: SessionFlags) => {
      const metadata = jsonFlag(f.metadata, 'metadata', '{"channel":"cli"}');
      await withMemory(f, async (mem) => {
        const s = await mem.sessions.start({
          scope: scopeOf(f),
          ...(id !== undefined ? { id } : {}),
          ...(metadata !== undefined ? { metadata: metadata as Record<string, unknown> } : {}),
        });
        printObject(s, f.json);
      });
    });

  storeOptions(sessions.command('end <id>'))
    .description('end an active session, optionally with a summary')
    .option('--summary <text>', 'what happened in the session')
    .action(async (id: string, f: SessionFlags) => {
      await withMemory(f, async (mem) => {
        const s = await mem.sessions.end({
          scope: scopeOf(f),
          id,
          ...(f.summary !== undefined ? { summary: f.summary } : {}),
        });
        printObject(s, f.json);
      });
    });

  storeOptions(sessions.command('list'))
    .description(
      'sessions, most recent first. Filters by the --user / --agent given and spans the rest' +
        ' (a column for each part it spans)',
    )
    .option('--active', 'only sessions not ended yet')
    .option('--ended', 'only ended sessions')
    .option('--limit <n>', 'at most this many (default 100)')
    .action(async (f: SessionFlags) => {
      if (f.active && f.ended) throw new InvalidInputError('give --active or --ended, not both', 'active');
      const limit = intFlag(f.limit, 'limit');
      await withMemory(f, async (mem) => {
        const rows = await mem.sessions.list({
          scope: scopeOf(f),
          scopeMatch: 'given',
          ...(f.active ? { active: true } : f.ended ? { active: false } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        const spanned = spannedParts(f, ['user', 'agent']);
        printRows(
          f.json
            ? (rows as unknown as Record<string, unknown>[])
            : rows.map((s) => withScope(s, spanned, row(s))),
          f.json,
        );
      });
    });
}
