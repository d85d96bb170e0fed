import { z } from 'zod';
import type { Memory } from '../memory.js';
import type { Scope } from '../scope.js';
import { LIMITS } from '../validation.js';

/**
 * What a tool runs with: the memory and the scope of the connection (tenant fixed by
 * the server: the `--tenant` flag over stdio, the API key's tenant over HTTP).
 *
 * @example
 * const ctx: McpToolContext = { memory: mem, scope: { tenant: 'acme', agent: 'planner' } };
 */
export interface McpToolContext {
  memory: Memory;
  scope: Scope;
}

/**
 * What a tool returns: the JSON result (sent as text and as `structuredContent`), and
 * optionally the text to show instead of the JSON (the `context` tool sends its block).
 *
 * @example
 * const out: McpToolOutput = { data: { items: [] } };
 */
export interface McpToolOutput {
  data: Record<string, unknown>;
  text?: string;
}

/**
 * One MCP tool: name, description for the model, zod input schema (also published as
 * JSON Schema), whether it reads or writes, and what it runs.
 *
 * @example
 * const t = defineTool({ name: 'ping', title: 'Ping', description: 'Answers pong.', access: 'read',
 *   input: z.strictObject({}), run: async () => ({ data: { pong: true } }) });
 */
export interface McpTool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** `read` tools are served to read-only keys; `write` tools need the `write` scope. */
  access: 'read' | 'write';
  /** Idempotent (same call twice = same effect) or destructive (removes or closes something). */
  hints?: { idempotent?: boolean; destructive?: boolean };
  input: S;
  /** False when the memory lacks the feature (the tool is then not listed). */
  available?(memory: Memory): boolean;
  run(ctx: McpToolContext, args: z.output<S>): Promise<McpToolOutput>;
}

/**
 * Declares a tool with its argument types inferred from its input schema.
 *
 * @example
 * export const brainGet = defineTool({ name: 'brain_get', ..., run: async (ctx, a) => ({ data: {} }) });
 */
export function defineTool<S extends z.ZodObject>(tool: McpTool<S>): McpTool {
  return tool as unknown as McpTool;
}

const scopePart = z.string().max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`);

/**
 * The optional `scope` argument of every tool: user, agent and session (the tenant is
 * fixed by the server and cannot be chosen by a tool call). Its meaning is told once, in
 * the server's instructions, not in every tool's schema.
 *
 * @example
 * mcpScope.parse({ user: 'alice' });
 */
export const mcpScope = z
  .strictObject({ user: scopePart.optional(), agent: scopePart.optional(), session: scopePart.optional() })
  .describe("whose memory (default: this connection's)")
  .optional();

/**
 * The scope a tool acts on: the connection's, with the call's user/agent/session on top.
 *
 * @example
 * toolScope({ memory, scope: { tenant: 'acme', agent: 'a' } }, { user: 'bob' }) // { tenant: 'acme', agent: 'a', user: 'bob' }
 */
export function toolScope(ctx: McpToolContext, scope: z.output<typeof mcpScope>): Scope {
  return { ...ctx.scope, ...scope };
}

/**
 * Who to record as author (`by`) of a write: the agent, else the user, of the scope.
 *
 * @example
 * author({ agent: 'planner' }) // 'planner'
 */
export function author(scope: Scope): string | undefined {
  return scope.agent || scope.user || undefined;
}

/**
 * A JSON-safe copy of a result (Dates become ISO strings), as MCP results must be.
 *
 * @example
 * toJson({ at: new Date(0) }) // { at: '1970-01-01T00:00:00.000Z' }
 */
export function toJson(value: unknown): Record<string, unknown> {
  const v = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : { result: v };
}

/**
 * Shared field schemas with their descriptions for the model.
 *
 * @example
 * z.strictObject({ since: describe.date('from this time on').optional(), tags: describe.tags.optional() });
 */
export const describe = {
  date: (what: string) => z.string().describe(`${what}: an ISO 8601 date-time such as 2026-05-08T13:56:00Z`),
  tags: z.array(z.string()).describe('short labels to filter by later, e.g. ["billing", "bug"]'),
  importance: z
    .number()
    .int()
    .min(1)
    .max(10)
    .describe('1 (trivia) to 10 (critical); default 5. Recall ranks important memories higher.'),
  metadata: z.record(z.string(), z.unknown()).describe('any JSON object of extra fields to keep with it'),
  json: (what: string) => z.unknown().describe(`${what} (any JSON value)`),
  limit: (max: number, def: number) =>
    z.number().int().min(1).max(max).describe(`how many to return (default ${def}, at most ${max})`),
  cursor: z.string().describe('nextCursor of the previous page, to get the next one'),
  uuid: (what: string) => z.string().describe(`${what} (a uuid, as returned by an earlier call)`),
};
