import { z } from 'zod';
import { episodeRoles } from '../episodes/episodes-schema.js';
import { factKinds } from '../facts/facts-schema.js';
import { RECALL_KINDS } from '../recall/recall-kinds.js';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const remember = defineTool({
  name: 'remember',
  title: 'Remember a fact',
  description:
    'Keep something you decided is worth knowing later, stated in plain words: a fact about the user or the world, a preference, a goal, a rule. ' +
    'It is stored at once as a current fact (category "fact" unless given) that recall and context will bring back in later turns and sessions. ' +
    'If it updates something already known, use fact_supersede on the old fact instead; to log what happened (a turn, an event) use episodes_append. ' +
    'Returns { kind: "fact", fact } with the stored fact (keep its id to supersede it later).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    text: z
      .string()
      .describe('what to remember, one self-contained statement, e.g. "Alice is allergic to peanuts"'),
    subject: z.string().describe('what or who it is about, e.g. "alice.allergy"').optional(),
    category: z
      .string()
      .describe('fact, preference, goal, struggle, directive, ... (default fact)')
      .optional(),
    kind: z
      .enum(factKinds)
      .describe('semantic (true about the world or the user, default) or procedural (a rule or how-to)')
      .optional(),
    confidence: z.number().min(0).max(1).describe('0 to 1, how sure (default 1)').optional(),
    tags: d.tags.optional(),
    metadata: d.metadata.optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.remember({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const recall = defineTool({
  name: 'recall',
  title: 'Recall memories',
  description:
    'Search everything remembered (episodes, facts, brain keys, decisions) by meaning and by words, ranked by relevance, recency and importance. ' +
    'Call it before answering or acting whenever past context may matter: what the user said before, what was decided, what failed last time. ' +
    'Returns { items: [{ kind, id, content, subject, score, occurredAt, session, category?, metadata }] }, best first; explain: true adds the score parts.',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    query: z
      .string()
      .describe('what to look for, in natural language, e.g. "what database does the user prefer"'),
    k: z.number().int().min(1).max(100).describe('how many results (default 10, at most 100)').optional(),
    kinds: z.array(z.enum(RECALL_KINDS)).describe('only these kinds of memory (default all)').optional(),
    filters: z
      .strictObject({
        categories: z.array(z.string()).describe('fact categories, e.g. ["preference", "goal"]').optional(),
        tags: d.tags.optional(),
        since: d.date('only memories from this time on').optional(),
        until: d.date('only memories before this time').optional(),
        minImportance: z.number().int().min(1).max(10).describe('only at least this important').optional(),
        session: z.string().describe('only this session').optional(),
        agent: z.string().describe('only memories of this agent').optional(),
        roles: z.array(z.enum(episodeRoles)).describe('only episodes with these roles').optional(),
        includeArchived: z.boolean().describe('also consolidated (archived) episodes').optional(),
      })
      .describe('narrow the search')
      .optional(),
    minScore: z.number().describe('drop results scoring below this').optional(),
    diversity: z
      .number()
      .min(0)
      .max(1)
      .describe('0..1: higher trades relevance for variety (fewer near-duplicates)')
      .optional(),
    neighbors: z
      .number()
      .int()
      .min(0)
      .max(5)
      .describe('also include this many conversation turns around each episode found (0 to 5)')
      .optional(),
    explain: z.boolean().describe('include the parts of each score (text, vector, recency, ...)').optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const result = await ctx.memory.recall({ ...rest, scope: toolScope(ctx, scope) });
    return { data: toJson(result) };
  },
});

const context = defineTool({
  name: 'context',
  title: 'Build context for this turn',
  description:
    'Build the block of memory to read at the start of a turn: directives, the most relevant facts, recent and relevant episodes, and the identity/session brain keys, within a token budget. ' +
    'Call it once at the start of a conversation or task (with the user message or task as query). ' +
    'Returns the block as text; the structured result also lists which memories went in ({ text, tokens, items }).',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    query: z.string().describe('what the turn is about (the user message or the task)').optional(),
    tokenBudget: z
      .number()
      .int()
      .min(1)
      .describe('largest size of the block in tokens (default 2000)')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const result = await ctx.memory.context({ ...rest, scope: toolScope(ctx, scope) });
    return { data: toJson(result), text: result.text };
  },
});

/**
 * Tools over remembering and recall: remember, recall, context (the episode tools derive from the contract).
 *
 * @example
 * MEMORY_TOOLS.map((t) => t.name) // ['remember', 'recall', 'context']
 */
export const MEMORY_TOOLS: McpTool[] = [remember, recall, context];
