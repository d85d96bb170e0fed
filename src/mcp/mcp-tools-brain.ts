import { z } from 'zod';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const key = z
  .string()
  .describe(
    'dot-notation key: segments of letters, digits, _ or - separated by dots, e.g. "identity.name", "session.active_work", "directive.tone"',
  );

const brainGet = defineTool({
  name: 'brain_get',
  title: 'Read a brain key',
  description:
    'Read one key of the key-value brain (structured context: identity.*, directive.*, session.*, ...). ' +
    'Use it when you know the key; use brain_list to see which keys exist. ' +
    'Returns { found, entry } where entry is { key, value, category, description, priority, version, expiresAt, updatedAt, ... } or null when the key is absent or expired.',
  access: 'read',
  input: z.strictObject({ scope: mcpScope, key }),
  async run(ctx, { scope, key }) {
    const entry = await ctx.memory.brain.get({ scope: toolScope(ctx, scope), key });
    return { data: { found: entry !== null, entry: entry === null ? null : toJson(entry) } };
  },
});

const brainSet = defineTool({
  name: 'brain_set',
  title: 'Write a brain key',
  description:
    'Create or replace one key of the key-value brain with a JSON value: who the user is (identity.*), standing instructions (directive.*), the current work (session.*), anything you want to read back exactly by key. ' +
    'The old value stays in the history. Pass expectedVersion (from brain_get) to write only if nobody changed it meanwhile (a conflict error otherwise). ' +
    'Returns the entry with its new version.',
  access: 'write',
  hints: { idempotent: true },
  input: z.strictObject({
    scope: mcpScope,
    key,
    value: d.json('the value to store'),
    category: z
      .string()
      .describe('a grouping such as identity, directive, session, system (default: kept, or "general")')
      .optional(),
    description: z.string().describe('what the key holds, for whoever reads it later').optional(),
    priority: z.number().int().min(1).max(10).describe('1 to 10, how much it matters (default 5)').optional(),
    ttlSeconds: z
      .number()
      .int()
      .min(1)
      .describe('forget the key after this many seconds (working memory); default: never')
      .optional(),
    expectedVersion: z
      .number()
      .int()
      .min(0)
      .describe('write only if the current version is this (0 = only if the key does not exist yet)')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const s = toolScope(ctx, scope);
    return { data: toJson(await ctx.memory.brain.set({ ...rest, scope: s })) };
  },
});

const brainList = defineTool({
  name: 'brain_list',
  title: 'List brain keys',
  description:
    'List the keys of the key-value brain with their values, ordered by key, optionally under a prefix ("identity" or "session.*") or in a category. ' +
    'Use it to discover what is stored. Returns { items: [entry] }.',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    prefix: z
      .string()
      .describe('only this key and the keys below it, e.g. "identity" or "session.*"')
      .optional(),
    category: z.string().describe('only keys of this category').optional(),
    limit: d.limit(1000, 1000).optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const items = await ctx.memory.brain.list({ ...rest, scope: toolScope(ctx, scope) });
    return { data: { items: items.map(toJson) } };
  },
});

const brainDelete = defineTool({
  name: 'brain_delete',
  title: 'Delete a brain key',
  description:
    'Delete one key of the key-value brain (the change is kept in its history). Use it when a stored value is no longer true or needed. ' +
    'Returns { deleted: true } or { deleted: false } when the key did not exist.',
  access: 'write',
  hints: { destructive: true, idempotent: true },
  input: z.strictObject({
    scope: mcpScope,
    key,
    expectedVersion: z
      .number()
      .int()
      .min(0)
      .describe('delete only if the current version is this')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: { deleted: await ctx.memory.brain.delete({ ...rest, scope: toolScope(ctx, scope) }) } };
  },
});

const brainHistory = defineTool({
  name: 'brain_history',
  title: 'History of a brain key',
  description:
    'Every change of one brain key, oldest first: { items: [{ op, oldValue, newValue, version, changedBy, changedAt }] }. ' +
    'Use it to see how a value evolved or who changed it.',
  access: 'read',
  input: z.strictObject({ scope: mcpScope, key, limit: d.limit(1000, 100).optional() }),
  async run(ctx, { scope, ...rest }) {
    const items = await ctx.memory.brain.history({ ...rest, scope: toolScope(ctx, scope) });
    return { data: { items: items.map(toJson) } };
  },
});

/**
 * Tools over the key-value brain: brain_get, brain_set, brain_list, brain_delete, brain_history.
 *
 * @example
 * BRAIN_TOOLS.find((t) => t.name === 'brain_set')?.access // 'write'
 */
export const BRAIN_TOOLS: McpTool[] = [brainGet, brainSet, brainList, brainDelete, brainHistory];
