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

const episodesAppend = defineTool({
  name: 'episodes_append',
  title: 'Log an episode',
  description:
    'Append to the episodic log what happened: a conversation turn, an event, a step taken, a result seen. ' +
    'Call it to keep a trace you or other agents can replay or search later (recall finds episodes by meaning and by words). ' +
    'The log is append-only; for knowledge that should hold as true use remember instead. Returns the stored episode (id, seq, occurredAt, ...).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    content: z.string().describe('what happened, in plain words (at most 100,000 characters)'),
    role: z
      .enum(episodeRoles)
      .describe(
        'who said or did it: user, assistant, system, tool, or event (something that happened); default user',
      )
      .optional(),
    subject: z.string().describe('what it is about, e.g. "payments-api" or "alice"').optional(),
    eventType: z.string().describe('kind of event, e.g. "deploy" or "bug.found"').optional(),
    importance: d.importance.optional(),
    tags: d.tags.optional(),
    metadata: d.metadata.optional(),
    occurredAt: d.date('when it happened (default: now)').optional(),
    idempotencyKey: z
      .string()
      .describe('a key unique to this episode: retrying with the same key stores it only once')
      .optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const e = await ctx.memory.episodes.append({ ...rest, scope: toolScope(ctx, scope) });
    return { data: toJson(e) };
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

const episodesList = defineTool({
  name: 'episodes_list',
  title: 'List episodes',
  description:
    'List the episodic log in time order, newest first, filtered by session, time, role, event type, tags or importance. ' +
    'Use it to replay what happened in a session or period (use recall to search by meaning instead). ' +
    'Returns { items: [episode], nextCursor } (pass nextCursor back as cursor for the next page).',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    session: z.string().describe('only this session').optional(),
    since: d.date('from this time on (inclusive)').optional(),
    until: d.date('before this time').optional(),
    role: z.enum(episodeRoles).describe('only this role').optional(),
    eventType: z.string().describe('only this event type').optional(),
    tags: d.tags.describe('only episodes carrying all of these tags').optional(),
    minImportance: z.number().int().min(1).max(10).describe('only at least this important').optional(),
    limit: d.limit(1000, 50).optional(),
    cursor: d.cursor.optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.episodes.list({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

/**
 * Tools over remembering and recall: remember, recall, context, episodes_append, episodes_list.
 *
 * @example
 * MEMORY_TOOLS.map((t) => t.name) // ['remember', 'recall', 'context', 'episodes_append', 'episodes_list']
 */
export const MEMORY_TOOLS: McpTool[] = [remember, recall, context, episodesAppend, episodesList];
