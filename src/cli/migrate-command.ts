import type { Command } from 'commander';
import { printObject, type StoreFlags, storeOptions, withLocalMemory } from './common.js';

/** `mnemo migrate`: opens the store and applies pending migrations (also done on every open). */
export function registerMigrateCommand(program: Command): void {
  storeOptions(program.command('migrate'))
    .description('create or upgrade the store schema (every command also does this on open)')
    .action(async (flags: StoreFlags) => {
      await withLocalMemory(flags, async (mem) => {
        const { rows } = await mem.db.query<{ version: number; name: string }>(
          'select version, name from schema_migrations order by version',
        );
        printObject({ dialect: mem.dialect, schemaVersion: rows[rows.length - 1]?.version ?? 0 }, flags.json);
      });
    });
}
