import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Memory } from '../memory.js';
import type { Scope } from '../scope.js';
import { createMcpServer } from './mcp-server.js';

/**
 * Options of {@link serveMcpStdio}.
 *
 * @example
 * await serveMcpStdio({ memory, scope: { tenant: 'default', agent: 'claude' } });
 */
export interface McpStdioOptions {
  memory: Memory;
  /** Default scope of every tool call (`--tenant/--user/--agent/--session`). */
  scope?: Scope;
  /** Defaults: the process's stdin and stdout (stdout carries protocol messages only). */
  stdin?: Readable;
  stdout?: Writable;
}

/**
 * A running MCP stdio server.
 *
 * @example
 * const running = await serveMcpStdio({ memory }); await running.closed;
 */
export interface McpStdioServer {
  /** Resolves when the client hung up (stdin ended) or `close()` was called. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the MCP tools over stdio until the client closes stdin. Protocol messages go
 * to stdout; anything mnemo logs goes to stderr.
 *
 * @example
 * const running = await serveMcpStdio({ memory: await createMemory(), scope: { agent: 'claude' } });
 * await running.closed;
 */
export async function serveMcpStdio(opts: McpStdioOptions): Promise<McpStdioServer> {
  const stdin = opts.stdin ?? process.stdin;
  const server = createMcpServer({ memory: opts.memory, scope: opts.scope });
  const transport = new StdioServerTransport(stdin, opts.stdout ?? process.stdout);
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });
  server.onclose = () => resolveClosed();
  await server.connect(transport);
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= server.close().finally(resolveClosed);
    return closing;
  };
  // The SDK's transport does not watch for the end of stdin: the client hanging up ends the server.
  stdin.once('end', () => void close());
  stdin.once('close', () => void close());
  return { closed, close };
}
