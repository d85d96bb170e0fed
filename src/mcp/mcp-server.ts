import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { OPERATIONS } from '../contract/operations.js';
import { isMnemoError, MnemoError } from '../errors.js';
import type { Memory } from '../memory.js';
import type { Scope } from '../scope.js';
import { parse } from '../validation.js';
import { toolInputSchema } from './mcp-json-schema.js';
import { toolsOf } from './mcp-operations.js';
import type { McpTool } from './mcp-tool.js';

/**
 * Every tool the MCP server offers, in the order they are listed.
 *
 * @example
 * MCP_TOOLS.map((t) => t.name) // ['remember', 'recall', 'context', ...]
 */
export const MCP_TOOLS: McpTool[] = toolsOf(OPERATIONS);

/**
 * What the server tells the model about itself when a client connects: only the tools
 * this connection may call (a read-only key hears of no write tool), and the user and
 * agent a pinned key fixes.
 *
 * @example
 * instructionsFor(['recall', 'context'], {}, false) // '... This connection is read-only ...'
 */
export function instructionsFor(names: string[], scope: Scope, pinned: boolean): string {
  const has = new Set(names);
  const tick = (...n: string[]) =>
    n
      .filter((x) => has.has(x))
      .map((x) => `\`${x}\``)
      .join(' / ');
  const parts = ['mnemo is your persistent memory, shared with other agents.'];
  const start = tick('context', 'recall');
  if (start) parts.push(`At the start of a task call ${start} to learn what is already known.`);
  const writes = [
    ['store what happens with', tick('remember')],
    ['lasting knowledge with', tick('facts_assert', 'fact_supersede')],
    ['structured values under keys with', tick('brain_set')],
    ['choices with', tick('decision_record', 'decision_resolve')],
  ].filter(([, t]) => t);
  if (writes.length)
    parts.push(`Store ${writes.map(([w, t]) => `${w.replace(/^store /, '')} ${t}`).join(', ')}.`);
  const coord = tick('observe', 'task_claim', 'task_complete');
  if (coord) parts.push(`Coordinate with other agents through ${coord}.`);
  if (!has.has('remember')) parts.push('This connection is read-only: it can read memory but not change it.');
  const fixed = [scope.user ? `user "${scope.user}"` : '', scope.agent ? `agent "${scope.agent}"` : '']
    .filter(Boolean)
    .join(' and ');
  if (fixed)
    parts.push(
      pinned
        ? `You act as ${fixed}, fixed by this connection: leave those out of \`scope\` (another value is refused).`
        : `Calls default to ${fixed}; name another in \`scope\` only when the memory is someone else's.`,
    );
  parts.push(
    'Every tool takes an optional `scope` { user, agent, session }: whose memory it reads or labels; leave it out for the defaults of this connection (the tenant is fixed by the server).',
  );
  parts.push(`Tools: ${names.join(', ')}.`);
  parts.push(
    'Every tool returns JSON; errors come back as { "error": { "code", "message", "field" } } saying what to fix.',
  );
  return parts.join(' ');
}

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
  /**
   * True: `scope.user` / `scope.agent` are fixed (an API key's, over HTTP): a call naming
   * another one, or a task tool acting as another agent, is refused with `forbidden`.
   */
  pinned?: boolean;
  /** Where unexpected errors are reported (never to the client). Default: stderr. */
  logError?: (message: string, detail: unknown) => void;
}

function jsonSchemaOf(tool: McpTool): Tool['inputSchema'] {
  return toolInputSchema(tool.input) as Tool['inputSchema'];
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
  const pinned = opts.pinned ?? false;
  const tools = MCP_TOOLS.filter((t) => t.available?.(memory) ?? true);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const listed = tools.filter((t) => canWrite || t.access === 'read');

  const server = new Server(
    { name: 'mnemo', version: '0.1.0' },
    {
      capabilities: { tools: {} },
      instructions: instructionsFor(
        listed.map((t) => t.name),
        scope,
        pinned,
      ),
    },
  );

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: listed.map(
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
      if (pinned) checkPinned(name, scope, args as Record<string, unknown>);
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

/** A pinned connection refuses a call that names another user or agent than its own. */
function checkPinned(tool: string, fixed: Scope, args: Record<string, unknown>): void {
  const scope = (args.scope ?? {}) as Scope;
  const asked: [string, string | undefined, string | undefined][] = [
    ['scope.user', scope.user, fixed.user],
    ['scope.agent', scope.agent, fixed.agent],
  ];
  // The task tools take the acting agent as `agent` too.
  if (tool.startsWith('task_')) asked.push(['agent', args.agent as string | undefined, fixed.agent]);
  for (const [field, value, own] of asked)
    if (own && value !== undefined && value !== own)
      throw new MnemoError(
        'forbidden',
        `"${field}": this connection's key is pinned to ${field.endsWith('user') ? 'user' : 'agent'} "${own}"; leave ${field} out (or pass "${own}")`,
        { field },
      );
}
