import type { Command } from 'commander';
import { InvalidInputError } from '../errors.js';
import { printObject, type StoreFlags, scopeOf, storeOptions, withMemory } from './common.js';
import { given } from './remember-command.js';

interface PurgeFlags extends StoreFlags {
  all?: boolean;
  yes?: boolean;
  reason?: string;
  by?: string;
}

/**
 * `mnemo purge`: erases every copy of a user's, agent's or session's content (or a whole
 * tenant's with --all), in one transaction, and records an audit row without content.
 * Refuses to run without --yes.
 *
 * @example
 * // mnemo purge --user alice --reason 'erasure request #12' --yes
 */
export function registerPurgeCommand(program: Command): void {
  storeOptions(program.command('purge'))
    .description('erase a user, agent or session (or --all: the whole tenant) for good; audited')
    .option('--all', 'the whole tenant')
    .option('--yes', 'confirm: this cannot be undone')
    .option('--reason <text>', 'why (kept in the audit record)')
    .option('--by <who>', 'who asked (kept in the audit record)')
    .action(async (f: PurgeFlags) => {
      const scope = scopeOf(f);
      if (!scope.user && !scope.agent && !scope.session && !f.all)
        throw new InvalidInputError(
          'say what to purge: --user U, --agent A, --session S, or --all for the whole tenant',
          'scope',
        );
      if (!f.yes)
        throw new InvalidInputError(
          'purge erases content for good; run it again with --yes to confirm',
          'yes',
        );
      await withMemory(f, async (mem) => {
        const r = await mem.purge.purge({
          scope,
          ...(f.all ? { all: true } : {}),
          ...given({ reason: f.reason, by: f.by }),
        });
        printObject(f.json ? r : { auditId: r.auditId, ...r.counts }, f.json);
      });
    });
}
