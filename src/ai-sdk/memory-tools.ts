/**
 * mnemo's memory as Vercel AI SDK tools, derived from the operation contract as the MCP
 * tools are (src/mcp/mcp-operations.ts): each tool's input is its operation's own zod input
 * schema minus what the construction fixes (the scope, the author, the context budget), so
 * a model can neither act in another user's memory nor raise its budget.
 */
import { jsonSchema, type Tool, tool } from 'ai';
import { z } from 'zod';
import type { Memory } from '../api.js';
import { type AnyOperation, encodeResult, methodOf } from '../contract/operation.js';
import { OPERATIONS } from '../contract/operations.js';
import { InvalidInputError } from '../errors.js';
import { toolInputSchema } from '../mcp/mcp-json-schema.js';
import { author, toJson } from '../mcp/mcp-tool.js';
import { type Scope, scopeSchema } from '../scope.js';

/**
 * The tools `memoryTools` offers, by the name the model sees (the MCP tools' names).
 *
 * @example
 * memoryTools({ memory, scope, allow: ['recall', 'context'] satisfies MemoryToolName[] });
 */
export const MEMORY_TOOL_NAMES = [
  'remember',
  'recall',
  'context',
  'brain_get',
  'brain_set',
  'facts_assert',
  'fact_supersede',
  'task_claim',
  'task_complete',
  'observe',
] as const;

/**
 * One tool name of {@link MEMORY_TOOL_NAMES}.
 *
 * @example
 * const name: MemoryToolName = 'recall';
 */
export type MemoryToolName = (typeof MEMORY_TOOL_NAMES)[number];

/**
 * Options of {@link memoryTools}.
 *
 * @example
 * const opts: MemoryToolsOptions = { memory: mem, scope: { tenant: 'acme', user: 'alice', agent: 'support' } };
 */
export interface MemoryToolsOptions {
  /** The memory the tools act on: in process or a server's client. */
  memory: Memory;
  /** Whose memory: every call acts in exactly this scope; the model cannot choose another. */
  scope: Scope;
  /** The `context` tool's budget in tokens (default 2000); the model cannot change it. */
  tokenBudget?: number;
  /** Only these tools (default all of {@link MEMORY_TOOL_NAMES}). */
  allow?: readonly MemoryToolName[];
}

/**
 * Input fields the model is never offered: the construction fixes them (the publisher
 * of an observation is the scope's agent, never one the model names).
 */
const FIXED = ['scope', 'tokenBudget'];
const FIXED_ON_WRITES = ['agent'];

/**
 * The tool's input schema: the operation's zod schema, validated by zod, and shown to the
 * model as the compact JSON Schema the MCP tools use (zod's date codecs have no JSON
 * Schema of their own). A field outside it (a `scope`, a budget) is refused, naming it.
 */
function inputSchemaOf(input: z.ZodObject) {
  return jsonSchema<Record<string, unknown>>(toolInputSchema(input) as Parameters<typeof jsonSchema>[0], {
    validate(value) {
      const r = input.safeParse(value);
      if (r.success) return { success: true, value: r.data as Record<string, unknown> };
      const issue = r.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'input';
      const keys = issue && 'keys' in issue ? ` ${(issue.keys as string[]).join(', ')}` : '';
      return {
        success: false,
        error: new InvalidInputError(
          `${where}: ${issue?.message ?? 'invalid'}${keys} (the scope and budget are fixed by the application)`,
          where,
        ),
      };
    },
  });
}

function opByTool(name: MemoryToolName): AnyOperation {
  const op = OPERATIONS.find((o) => o.tool?.name === name);
  if (!op) throw new TypeError(`no operation has the tool ${name}`);
  return op;
}

function toolFor(op: AnyOperation, opts: MemoryToolsOptions & { scope: Scope }): Tool {
  const def = op.tool as NonNullable<AnyOperation['tool']>;
  const shape = op.input.shape as Record<string, z.ZodType>;
  const omit = new Set([...FIXED, ...(op.access === 'read' ? [] : FIXED_ON_WRITES), ...(def.omit ?? ['by'])]);
  const fields = Object.fromEntries(Object.entries(shape).filter(([k]) => !omit.has(k)));
  const fillsAuthor = 'by' in shape && omit.has('by');
  const run = methodOf(opts.memory, op);
  return tool({
    description: def.description,
    inputSchema: inputSchemaOf(z.strictObject(fields)),
    async execute(args: Record<string, unknown>) {
      const input: Record<string, unknown> = {
        ...args,
        scope: opts.scope,
        ...(fillsAuthor && args.by === undefined ? { by: author(opts.scope) } : {}),
        ...('tokenBudget' in shape && opts.tokenBudget !== undefined
          ? { tokenBudget: opts.tokenBudget }
          : {}),
      };
      op.guard?.(input);
      const result = await run(input);
      if (def.data) return def.data(result);
      const absent = op.absent && result === (op.absent.value ?? null);
      if (absent) return { found: false };
      if (def.render) return def.render(result);
      return toJson(encodeResult(op, result));
    },
  });
}

/**
 * The memory tools for `generateText` / `streamText` / an `Agent`, with the scope, the
 * context budget and the allowed tools fixed here.
 *
 * @example
 * const tools = memoryTools({ memory: mem, scope: { user: 'alice', agent: 'support' }, tokenBudget: 1500 });
 * const { text } = await generateText({ model, tools, stopWhen: stepCountIs(5), prompt: 'What do I like?' });
 */
export function memoryTools(options: MemoryToolsOptions): Record<string, Tool> {
  const parsed = scopeSchema.safeParse(options.scope ?? {});
  if (!parsed.success) throw new InvalidInputError(`scope: ${parsed.error.issues[0]?.message}`, 'scope');
  const allow = options.allow ?? MEMORY_TOOL_NAMES;
  for (const name of allow)
    if (!MEMORY_TOOL_NAMES.includes(name))
      throw new InvalidInputError(
        `unknown memory tool ${name}: expected one of ${MEMORY_TOOL_NAMES.join(', ')}`,
        'allow',
      );
  const scope = parsed.data as Scope;
  return Object.fromEntries(allow.map((name) => [name, toolFor(opByTool(name), { ...options, scope })]));
}

/**
 * A system prompt with mnemo's context block for this turn appended (the `context`
 * operation, within the budget), for `generateText({ system })`.
 *
 * @example
 * const system = await memorySystemPrompt({ memory: mem, scope, query: userMessage, system: 'You are a support agent.' });
 * await generateText({ model, system, prompt: userMessage, tools });
 */
export async function memorySystemPrompt(options: {
  memory: Memory;
  scope: Scope;
  /** What the turn is about (the user's message or the task). */
  query?: string;
  tokenBudget?: number;
  /** The prompt to put the block after (default none). */
  system?: string;
}): Promise<string> {
  const { text } = await options.memory.context({
    scope: options.scope,
    ...(options.query ? { query: options.query } : {}),
    ...(options.tokenBudget !== undefined ? { tokenBudget: options.tokenBudget } : {}),
  });
  const block = text.trim() ? `<memory>\n${text.trim()}\n</memory>` : '';
  return [options.system?.trim(), block].filter(Boolean).join('\n\n');
}
