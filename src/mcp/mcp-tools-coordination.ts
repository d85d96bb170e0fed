import { z } from 'zod';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const queue = z.string().describe('queue name: letters, digits and . _ : / -, e.g. "crawl" or "review"');
const agent = z
  .string()
  .describe('the agent holding the task (default: the scope agent, else the server default agent)');

const taskCreate = defineTool({
  name: 'task_create',
  title: 'Create a task',
  description:
    'Put a unit of work on a queue for any agent to claim. With a dedupeKey, a task with the same key still open or claimed is returned instead of a duplicate. ' +
    'Returns the task (status open).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    queue,
    payload: d.json('what the worker needs to do the work').optional(),
    priority: z.number().int().describe('higher is claimed first (default 0)').optional(),
    runAfter: d.date('not claimable before this time').optional(),
    dedupeKey: z
      .string()
      .describe('a key that makes the task unique in its queue while not finished')
      .optional(),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .describe('how many claims before it fails for good (default 5)')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.tasks.create({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const taskClaim = defineTool({
  name: 'task_claim',
  title: 'Claim a task',
  description:
    'Take the next due task of a queue for yourself, atomically: no other agent gets it while your lease lasts. ' +
    'Call it when you are ready to work; finish with task_complete (or task_fail). A task whose lease expires goes back to the queue. ' +
    'Returns { task } with the task, or { task: null } when nothing is due.',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    queue,
    agent: agent.optional(),
    leaseSeconds: z
      .number()
      .positive()
      .max(86_400)
      .describe('how long the task is yours before it returns to the queue (default 30)')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const task = await ctx.memory.tasks.claim({ ...rest, scope: toolScope(ctx, scope) });
    return { data: { task: task === null ? null : toJson(task) } };
  },
});

const taskComplete = defineTool({
  name: 'task_complete',
  title: 'Complete a task',
  description:
    'Mark a task you claimed as done, with its result. Fails with a conflict if your lease was lost (another agent may have it now). Returns the task (status done).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    id: d.uuid('the task you claimed'),
    agent: agent.optional(),
    result: d.json('what the work produced').optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.tasks.complete({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const taskFail = defineTool({
  name: 'task_fail',
  title: 'Fail a task',
  description:
    'Report that a task you claimed failed: it is retried later with backoff until its attempts run out, or fails for good with retry: false. Returns the task.',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    id: d.uuid('the task you claimed'),
    agent: agent.optional(),
    error: z.string().describe('what went wrong'),
    retry: z.boolean().describe('false = do not retry (default true)').optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.tasks.fail({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

/**
 * Tools for multi-agent coordination: the task queue (the observation tools derive
 * from the contract, src/contract/observations-operations.ts).
 *
 * @example
 * COORDINATION_TOOLS.map((t) => t.name) // ['task_create', 'task_claim', ...]
 */
export const COORDINATION_TOOLS: McpTool[] = [taskCreate, taskClaim, taskComplete, taskFail];
