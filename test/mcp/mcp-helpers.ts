/** Helpers for driving mnemo's MCP server with the official SDK client. */
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';

/** What a tool call returned: the error flag, the text content and the structured result. */
export interface ToolCall {
  isError: boolean;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect results loosely
  data: any;
}

/** Calls a tool and returns its result; the text content must be the JSON of the structured result (or text). */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<ToolCall> {
  const r = await client.callTool({ name, arguments: args });
  const content = r.content as { type: string; text: string }[];
  assert.equal(content[0]?.type, 'text');
  return { isError: r.isError === true, text: content[0].text, data: r.structuredContent };
}

/** Calls a tool that must succeed. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect results loosely
export async function ok(client: Client, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const r = await callTool(client, name, args);
  assert.equal(r.isError, false, `${name} failed: ${r.text}`);
  return r.data;
}

/** Calls a tool that must fail, and returns its `{ code, message, field }`. */
export async function fails(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ code: string; message: string; field?: string }> {
  const r = await callTool(client, name, args);
  assert.equal(r.isError, true, `${name} should have failed: ${r.text}`);
  assert.deepEqual(JSON.parse(r.text), r.data, 'the text is the JSON of the structured error');
  assert.doesNotMatch(r.text, /\n\s+at /, 'no stack trace');
  return r.data.error;
}

/** The tools every mnemo MCP server lists. */
export const CORE_TOOLS = [
  'remember',
  'recall',
  'context',
  'episodes_append',
  'episodes_list',
  'brain_get',
  'brain_set',
  'brain_list',
  'brain_delete',
  'brain_history',
  'facts_assert',
  'facts_list',
  'fact_supersede',
  'fact_invalidate',
  'decision_record',
  'decision_resolve',
  'decisions_list',
  'lessons_list',
  'observe',
  'observations_query',
  'task_create',
  'task_claim',
  'task_complete',
  'task_fail',
];
