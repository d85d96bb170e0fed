import { z } from 'zod';
import { describe as d, defineTool, type McpTool, mcpScope, toJson, toolScope } from './mcp-tool.js';

const observe = defineTool({
  name: 'observe',
  title: 'Publish an observation',
  description:
    'Tell the other agents about something you saw or did (a deploy failed, a file changed, a result is ready): an event in the shared log that subscribers receive live and anyone can query later. ' +
    'Returns the observation with its seq (its position in the shared log).',
  access: 'write',
  input: z.strictObject({
    scope: mcpScope,
    subject: z.string().describe('what it is about, e.g. "payments-api"'),
    type: z.string().describe('what kind of observation, e.g. "deploy_failed" or "finding"'),
    payload: d.metadata.describe('details as a JSON object, e.g. { "region": "eu" }').optional(),
    content: z
      .string()
      .describe('a sentence for people and search (default: built from type, subject and payload)')
      .optional(),
    importance: d.importance.optional(),
    tags: d.tags.optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    return { data: toJson(await ctx.memory.observations.observe({ ...rest, scope: toolScope(ctx, scope) })) };
  },
});

const observationsQuery = defineTool({
  name: 'observations_query',
  title: 'Query observations',
  description:
    'Read what agents observed, newest first, by subject, type, agent, time range or words. ' +
    'Call it to catch up on what others found or did. Returns { items: [{ seq, subject, type, payload, content, agent, occurredAt, ... }] }.',
  access: 'read',
  input: z.strictObject({
    scope: mcpScope,
    subject: z.string().describe('only about this subject').optional(),
    type: z.string().describe('only this type').optional(),
    agent: z.string().describe('only from this agent').optional(),
    since: d.date('from this time on').optional(),
    until: d.date('before this time').optional(),
    text: z.string().describe('words to search for').optional(),
    limit: d.limit(1000, 50).optional(),
  }),
  async run(ctx, { scope, ...rest }) {
    const items = await ctx.memory.observations.query({ ...rest, scope: toolScope(ctx, scope) });
    return { data: { items: items.map(toJson) } };
  },
});

/**
 * Tools for multi-agent coordination: observations (the task tools derive from the contract).
 *
 * @example
 * COORDINATION_TOOLS.map((t) => t.name) // ['observe', 'observations_query']
 */
export const COORDINATION_TOOLS: McpTool[] = [observe, observationsQuery];
