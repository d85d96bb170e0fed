import { z } from 'zod';
import { DECISION_FEEDBACK, DECISION_OUTCOMES, DECISION_STATUSES } from '../decisions/decisions-schema.js';
import { factKinds } from '../facts/facts-schema.js';
import { author, describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const factFields = {
  content: z
    .string()
    .describe('the fact, one self-contained statement, e.g. "Alice prefers PostgreSQL over MySQL"'),
  kind: z
    .enum(factKinds)
    .describe(
      'semantic (something true about the world or the user) or procedural (a rule or how-to learned); default semantic',
    )
    .optional(),
  category: z.string().describe('fact, preference, goal, struggle, directive, ... (default fact)').optional(),
  subject: z
    .string()
    .describe('what or who it is about, e.g. "alice" or "deploys"; facts on the same subject can conflict')
    .optional(),
  confidence: z.number().min(0).max(1).describe('0 to 1, how sure (default 1)').optional(),
  source: z.string().describe('where it comes from, e.g. "user said", "docs", "inferred"').optional(),
  sourceEpisodeIds: z.array(z.string()).describe('ids of the episodes it was learned from').optional(),
  tags: d.tags.optional(),
  metadata: d.metadata.optional(),
  validFrom: d.date('since when it is true (default: now)').optional(),
};

const factsAssert = defineTool({
  name: 'facts_assert',
  title: 'Assert a fact',
  description:
    'Store a piece of lasting knowledge: a fact about the user or the world, a preference, a goal, or a rule learned (kind procedural). ' +
    'Call it when you learn something that should hold across sessions. If the new fact replaces an older one, use fact_supersede instead so history is kept. ' +
    'Contradicting facts from different agents on one subject are both kept and flagged as a conflict. Returns the stored fact (id, validFrom, current, ...).',
  access: 'write',
  input: z.strictObject({ scope: mcpScope, ...factFields }),
  async run(ctx, { scope, ...rest }) {
    const s = toolScope(ctx, scope);
    return { data: toJson(await ctx.memory.facts.assert({ ...rest, scope: s, by: author(s) })) };
  },
});

const factsList = defineTool({
  name: 'facts_list',
  title: 'List facts',
  description:
    'List facts: the current ones by default, those valid at a past moment (asOf), or every version (includeHistory), filtered by kind, category, subject or tag. ' +
    'Use it to review what is known about a subject (recall searches by meaning instead). Returns { items: [fact], nextCursor }.',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    kind: z.enum(factKinds).describe('only semantic or only procedural').optional(),
    category: z.string().describe('only this category, e.g. preference').optional(),
    subject: z.string().describe('only facts about this subject').optional(),
    tag: z.string().describe('only facts with this tag').optional(),
    asOf: d.date('the facts that were valid at this moment').optional(),
    includeHistory: z.boolean().describe('also superseded and invalidated versions').optional(),
    limit: d.limit(1000, 50).optional(),
    cursor: d.cursor.optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.facts.list({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const factSupersede = defineTool({
  name: 'fact_supersede',
  title: 'Replace a fact',
  description:
    'Replace a current fact by a new version (the user changed their mind, a value changed): the old one stays in history with validTo set and points to the new one. ' +
    'Call it instead of facts_assert when the new knowledge contradicts or updates a known fact (find its id with recall or facts_list). Returns { old, new }.',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    id: d.uuid('the current fact to replace'),
    fact: z.strictObject(factFields).describe('the new version'),
  }),
  async run(ctx, { scope, ...rest }) {
    const s = toolScope(ctx, scope);
    return { data: toJson(await ctx.memory.facts.supersede({ ...rest, scope: s, by: author(s) })) };
  },
});

const factInvalidate = defineTool({
  name: 'fact_invalidate',
  title: 'Invalidate a fact',
  description:
    'Mark a current fact as no longer true, without a replacement (it stays in history). Returns the closed fact.',
  access: 'write',
  hints: { destructive: true },
  input: z.strictObject({
    scope: mcpScope,
    id: d.uuid('the fact that stopped being true'),
    reason: z.string().describe('why it is no longer true').optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const s = toolScope(ctx, scope);
    return { data: toJson(await ctx.memory.facts.invalidate({ ...rest, scope: s, by: author(s) })) };
  },
});

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
 * KNOWLEDGE_TOOLS.map((t) => t.name) // ['facts_assert', 'facts_list', 'fact_supersede', ...]
 */
export const KNOWLEDGE_TOOLS: McpTool[] = [
  factsAssert,
  factsList,
  factSupersede,
  factInvalidate,
  decisionRecord,
  decisionResolve,
  decisionsList,
];
