import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isMnemoError, MnemoError } from '../errors.js';
import type { Memory } from '../memory.js';
import type { Scope } from '../scope.js';
import { parse } from '../validation.js';
import type { McpTool } from './mcp-tool.js';
import { BRAIN_TOOLS } from './mcp-tools-brain.js';
import { COORDINATION_TOOLS } from './mcp-tools-coordination.js';
import { KNOWLEDGE_TOOLS } from './mcp-tools-knowledge.js';
import { MEMORY_TOOLS } from './mcp-tools-memory.js';

/**
 * Every tool the MCP server offers, in the order they are listed.
 *
 * @example
 * MCP_TOOLS.map((t) => t.name) // ['remember', 'recall', 'context', ...]
 */
export const MCP_TOOLS: McpTool[] = [
  ...MEMORY_TOOLS,
  ...BRAIN_TOOLS,
  ...KNOWLEDGE_TOOLS,
  ...COORDINATION_TOOLS,
];

/** What the server tells the model about itself when a client connects. */
const INSTRUCTIONS =
  'mnemo is your persistent memory, shared with other agents. At the start of a task call `context` (or `recall`) to learn what is already known; ' +
  'store what happens with `remember`, lasting knowledge with `facts_assert` / `fact_supersede`, structured values under keys with `brain_set`, ' +
  'choices with `decision_record` / `decision_resolve`. Coordinate with other agents through `observe` and the task queue (`task_claim`, `task_complete`). ' +
  'Every tool returns JSON; errors come back as { "error": { "code", "message", "field" } } saying what to fix.';

/**
 * Options of {@link createMcpServer}.
 *
 * @example
 * createMcpServer({ memory, scope: { tenant: 'acme', agent: 'claude' }, canWrite: true });
 */
export interface McpServerOptions {
  memory: Memory;
  /** Default scope of every call; the tenant cannot be changed by a tool call. */
  scope?: Scope;
  /** False hides the write tools and refuses them (a read-only API key). Default true. */
  canWrite?: boolean;
  /** Where unexpected errors are reported (never to the client). Default: stderr. */
  logError?: (message: string, detail: unknown) => void;
}

function jsonSchemaOf(tool: McpTool): Tool['inputSchema'] {
  const { $schema: _, ...schema } = z.toJSONSchema(tool.input, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return schema as Tool['inputSchema'];
}

/**
 * The one mapping from an error to a tool result: a MnemoError keeps its code, message
 * and field; anything else is `internal error` (the detail goes to `logError` only).
 *
 * @example
 * toToolError(new InvalidInputError('"key": must be dot-notation', 'key'))
 * // { isError: true, content: [{ type: 'text', text: '{"error":{"code":"invalid_input",...}}' }], structuredContent: {...} }
 */
export function toToolError(
  e: unknown,
  logError?: McpServerOptions['logError'],
  where = 'mcp',
): CallToolResult {
  let error: ReturnType<MnemoError['toJSON']>;
  if (isMnemoError(e) && e.code !== 'internal') error = e.toJSON();
  else {
    logError?.(`${where}: internal error`, e);
    error = new MnemoError('internal', 'internal error').toJSON();
  }
  const body = { error };
  return { isError: true, content: [{ type: 'text', text: JSON.stringify(body) }], structuredContent: body };
}

const stderrError = (message: string, detail: unknown) => {
  const d = detail instanceof Error ? (detail.stack ?? detail.message) : String(detail);
  process.stderr.write(`[mnemo mcp] ${message}\n${d}\n`);
};

/**
 * Builds an MCP server (official SDK, low-level `Server`) whose tools call `memory`.
 * Tool arguments are validated with mnemo's own schemas so a bad input comes back as
 * an `isError` result naming the field, in the same shape as the HTTP API's errors.
 *
 * @example
 * const server = createMcpServer({ memory: mem, scope: { tenant: 'default', agent: 'claude' } });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(opts: McpServerOptions): Server {
  const { memory } = opts;
  const scope = opts.scope ?? {};
  const canWrite = opts.canWrite ?? true;
  const logError = opts.logError ?? stderrError;
  const tools = MCP_TOOLS.filter((t) => t.available?.(memory) ?? true);
  const byName = new Map(tools.map((t) => [t.name, t]));

  const server = new Server(
    { name: 'mnemo', version: '0.1.0' },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools
      .filter((t) => canWrite || t.access === 'read')
      .map(
        (t): Tool => ({
          name: t.name,
          title: t.title,
          description: t.description,
          inputSchema: jsonSchemaOf(t),
          annotations: {
            title: t.title,
            readOnlyHint: t.access === 'read',
            destructiveHint: t.hints?.destructive ?? false,
            idempotentHint: t.access === 'read' || (t.hints?.idempotent ?? false),
            openWorldHint: false,
          },
        }),
      ),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const name = request.params.name;
    try {
      const tool = byName.get(name);
      if (!tool)
        throw new MnemoError(
          'not_found',
          `no tool "${name}": list the tools to see which exist (${tools.map((t) => t.name).join(', ')})`,
          { field: 'name' },
        );
      if (tool.access === 'write' && !canWrite)
        throw new MnemoError(
          'forbidden',
          `tool "${name}" writes, and this connection's key has only the read scope`,
        );
      const args = parse(tool.input, request.params.arguments ?? {}, 'arguments');
      const out = await tool.run({ memory, scope }, args);
      return {
        content: [{ type: 'text', text: out.text ?? JSON.stringify(out.data) }],
        structuredContent: out.data,
      };
    } catch (e) {
      return toToolError(e, logError, `tool ${name}`);
    }
  });

  return server;
}
