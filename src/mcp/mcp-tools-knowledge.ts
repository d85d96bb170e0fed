import { z } from 'zod';
import { DECISION_FEEDBACK, DECISION_OUTCOMES, DECISION_STATUSES } from '../decisions/decisions-schema.js';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const decisionRecord = defineTool({
  name: 'decision_record',
  title: 'Record a decision',
  description:
    'Record a decision you are making: the situation, the options considered, the one chosen and why. ' +
    'Call it for choices worth learning from (an approach, a tool, a fix); resolve it later with decision_resolve once the outcome is known. ' +
    'Returns the pending decision (keep its id).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    context: z.string().describe('the situation and what had to be decided'),
    chosen: z.string().describe('the option chosen'),
    alternatives: z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())]))
      .describe('the options considered (strings or JSON objects)')
      .optional(),
    reasoning: z.string().describe('why this option').optional(),
    subject: z.string().describe('what it is about, to find related decisions later').optional(),
    episodeId: d.uuid('the episode it belongs to').optional(),
    tags: d.tags.optional(),
    metadata: d.metadata.optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.decisions.record({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const decisionResolve = defineTool({
  name: 'decision_resolve',
  title: 'Record the outcome of a decision',
  description:
    'Record how a pending decision turned out (success, partial or failure), what happened and the lesson learned, so later decisions can learn from it. ' +
    'Returns the resolved decision; a decision can be resolved once.',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    id: d.uuid('the decision'),
    status: z.enum(DECISION_OUTCOMES).describe('how it turned out'),
    outcome: d.json('what happened').optional(),
    lessons: z.string().describe('what to do (or avoid) next time').optional(),
    feedback: z.enum(DECISION_FEEDBACK).describe('how the user or reviewer judged it').optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.decisions.resolve({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const decisionsList = defineTool({
  name: 'decisions_list',
  title: 'List decisions',
  description:
    'List decisions, newest first (best match first with text), by status or subject; lessonsOnly: true returns only resolved decisions that carry lessons. ' +
    'Call it before a similar choice to learn from what worked. Returns { items: [decision] }.',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    status: z.enum(DECISION_STATUSES).describe('only pending or resolved with this outcome').optional(),
    subject: z.string().describe('only decisions about this subject').optional(),
    text: z.string().describe('words to look for in the context, choice and lessons').optional(),
    lessonsOnly: z.boolean().describe('only resolved decisions with lessons').optional(),
    limit: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .describe('how many to return (default 100, or 20 with lessonsOnly)')
      .optional(),
  }),
  async run(ctx, { scope, lessonsOnly, status, ...rest }) {
    const s = toolScope(ctx, scope);
    const items = lessonsOnly
      ? await ctx.memory.decisions.lessons({ ...rest, scope: s })
      : await ctx.memory.decisions.list({ ...rest, status, scope: s });
    return { data: { items: items.map(toJson) } };
  },
});

/**
 * Tools over facts and decisions.
 *
 * @example
 * KNOWLEDGE_TOOLS.map((t) => t.name) // ['decision_record', 'decision_resolve', 'decisions_list']
 */
export const KNOWLEDGE_TOOLS: McpTool[] = [decisionRecord, decisionResolve, decisionsList];
