import type { Command } from 'commander';
import { type StoreFlags, scopeOf } from './common.js';

/**
 * `mnemo mcp`: serves the MCP tools over stdio (for Claude Desktop, Cursor, VS Code and
 * any MCP client that starts a command). Stdout carries protocol messages only; logs go
 * to stderr. Stops when the client closes stdin, or on SIGTERM / SIGINT.
 *
 * @example
 * // mnemo mcp --data-dir ~/.mnemo --user alice --agent claude
 */
export function registerMcpCommand(program: Command): void {
  program
    .command('mcp')
    .description('serve the MCP tools over stdio (stdout: protocol only; logs: stderr)')
    .option('--database-url <url>', 'PostgreSQL URL (default: $DATABASE_URL, else the embedded store)')
    .option('--data-dir <dir>', 'folder of the embedded store (default: $MNEMO_DATA_DIR or ./.mnemo)')
    .option('--tenant <id>', 'tenant every tool acts in (default: "default")')
    .option('--user <id>', 'default user of tool calls')
    .option('--agent <id>', 'default agent of tool calls (labels writes, holds claimed tasks)')
    .option('--session <id>', 'default session of tool calls')
    .action(async (f: StoreFlags) => {
      // Stdout belongs to the protocol: anything a dependency prints goes to stderr instead.
      console.log = console.error;
      console.info = console.error;
      console.debug = console.error;
      // The MCP server and the library load when the command runs, not for --help.
      const [{ serveMcpStdio }, { createMemory }] = await Promise.all([
        import('../mcp/mcp-stdio.js'),
        import('../memory.js'),
      ]);
      const memory = await createMemory({
        ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
        ...(f.dataDir ? { dataDir: f.dataDir } : {}),
      });
      try {
        const running = await serveMcpStdio({ memory, scope: scopeOf(f) });
        process.stderr.write('[mnemo mcp] serving MCP over stdio\n');
        const stop = () => void running.close();
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        await running.closed;
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      } finally {
        await memory.close();
      }
    });
}
