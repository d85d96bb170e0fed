import { z } from 'zod';
import { episodeRoles } from '../episodes/episodes-schema.js';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

// remember, recall and context are tools of the contract (src/contract/memory-operations.ts).

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
 * Tools over the episodic log: episodes_append, episodes_list.
 *
 * @example
 * MEMORY_TOOLS.map((t) => t.name) // ['episodes_append', 'episodes_list']
 */
export const MEMORY_TOOLS: McpTool[] = [episodesAppend, episodesList];
