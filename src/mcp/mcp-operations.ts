/**
 * MCP tools derived from the contract: every operation with a `tool` entry becomes a
 * tool whose input is the operation's own input schema (minus what the connection
 * fills in: the tenant-bearing scope is the connection's, `by` is its agent or user).
 */
import { z } from 'zod';
import { type AnyOperation, encodeResult, methodOf } from '../contract/operation.js';
import { author, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

/**
 * The tool of one operation.
 *
 * @example
 * toolOf(factsList).name // 'facts_list'
 */
export function toolOf(op: AnyOperation): McpTool {
  const tool = op.tool;
  if (!tool) throw new TypeError(`operation ${op.id} is not a tool`);
  const shape = op.input.shape as Record<string, z.ZodType>;
  const omit = new Set(['scope', ...(tool.omit ?? ['by'])]);
  const fields = Object.fromEntries(Object.entries(shape).filter(([k]) => !omit.has(k)));
  const fillsAuthor = 'by' in shape && omit.has('by');
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    access: op.access === 'read' ? 'read' : 'write',
    hints: tool.hints,
    input: z.strictObject({ scope: mcpScope, ...fields }),
    async run(ctx, args) {
      const { scope, ...rest } = args as { scope?: z.output<typeof mcpScope> } & Record<string, unknown>;
      const s = toolScope(ctx, scope);
      const input = { ...rest, scope: s, ...(fillsAuthor && rest.by === undefined ? { by: author(s) } : {}) };
      op.guard?.(input);
      const result = await methodOf(ctx.memory, op)(input);
      if (tool.data) return { data: tool.data(result), text: tool.render?.(result) };
      const absent = op.absent && result === (op.absent.value ?? null);
      const data = absent ? { found: false } : toJson(encodeResult(op, result));
      return { data, text: absent ? undefined : tool.render?.(result) };
    },
  };
}

/**
 * The tools of every operation that is one, in contract order.
 *
 * @example
 * toolsOf(OPERATIONS).map((t) => t.name)
 */
export function toolsOf(ops: readonly AnyOperation[]): McpTool[] {
  return ops.filter((o) => o.tool).map(toolOf);
}
