import { Command } from 'commander';
import { setLockCommand } from '../db/data-dir-lock.js';
import { registerBackupCommands } from './backup-command.js';
import { registerBenchCommand } from './bench-command.js';
import { registerBrainCommand } from './brain-command.js';
import { registerCacheCommand } from './cache-command.js';
import { reportError } from './common.js';
import { registerConsolidateCommand } from './consolidate-command.js';
import { registerDecisionsCommand } from './decisions-command.js';
import { registerEpisodesCommand } from './episodes-command.js';
import { registerExportCommand } from './export-command.js';
import { registerFactsCommand } from './facts-command.js';
import { registerImportCommand } from './import-command.js';
import { registerIngestCommand } from './ingest-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerMaintainCommand } from './maintain-command.js';
import { registerMcpCommand } from './mcp-command.js';
import { registerMigrateCommand } from './migrate-command.js';
import { registerObserveCommand } from './observe-command.js';
import { registerPurgeCommand } from './purge-command.js';
import { registerRecallCommands } from './recall-command.js';
import { registerReembedCommand } from './reembed-command.js';
import { registerRememberCommand } from './remember-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSessionsCommand } from './sessions-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerTasksCommand } from './tasks-command.js';
import { registerUsageCommand } from './usage-command.js';
import { registerWatchCommand } from './watch-command.js';

/** Builds the `mnemo` command with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command('mnemo')
    .description('mnemo: persistent memory and coordination for AI agents, on PostgreSQL')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  // Lock files name the command holding an embedded folder ("watch", "keys create", ...).
  program.hook('preAction', (_root, action) => {
    const names: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) names.unshift(c.name());
    setLockCommand(names.join(' '));
  });
  registerMigrateCommand(program);
  registerBenchCommand(program);
  registerServeCommand(program);
  registerMcpCommand(program);
  registerKeysCommand(program);
  registerCacheCommand(program);
  registerBrainCommand(program);
  registerSessionsCommand(program);
  registerDecisionsCommand(program);
  registerRememberCommand(program);
  registerRecallCommands(program);
  registerIngestCommand(program);
  registerConsolidateCommand(program);
  registerEpisodesCommand(program);
  registerFactsCommand(program);
  registerPurgeCommand(program);
  registerReembedCommand(program);
  registerExportCommand(program);
  registerImportCommand(program);
  registerBackupCommands(program);
  registerStatsCommand(program);
  registerUsageCommand(program);
  registerMaintainCommand(program);
  registerTasksCommand(program);
  registerObserveCommand(program);
  registerWatchCommand(program);
  return program;
}

/**
 * Runs the CLI with the given argv.
 *
 * @example
 * await main(['node', 'mnemo', 'migrate']);
 */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  // The command that runs, so an error names its flags (--as-of), not the library's fields.
  let running: Command | undefined;
  program.hook('preAction', (_root, actionCommand) => {
    running = actionCommand;
  });
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = (e as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // Commander printed its message; a usage error (unknown option, missing argument) is
      // bad input, exit 2 as reportError gives any other; help and version exit 0.
      const exit = (e as { exitCode?: number }).exitCode ?? 1;
      process.exitCode = exit === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(e, running);
  }
}
