/**
 * Tokens an MCP client's model reads from mnemo: the `tools/list` answer (every tool's
 * name, description and input schema, read at the start of every conversation), and one
 * recall result item (its text content, and its structuredContent JSON).
 *
 *   npm run bench:mcp-tokens
 *   npm run bench:mcp-tokens -- --json    (the figures as one JSON line)
 *
 * A real MCP server (createMcpServer) over the SDK's in-memory transport, on an embedded
 * in-memory store seeded with a few episodes and facts, text-only recall (no embedder).
 * Tokens are counted with js-tiktoken's cl100k_base (what context budgets use).
 */
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { getEncoding } from 'js-tiktoken';
import { createMcpServer } from '../src/mcp/mcp-server.js';
import { createMemory } from '../src/memory.js';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const enc = getEncoding('cl100k_base');
const tokens = (s: string) => enc.encode(s).length;

const memory = await createMemory({ dataDir: ':memory:', embedder: null, llm: null, indexer: false });
const scope = { tenant: 'default', user: 'alice', agent: 'assistant', session: 's1' };
const turns = [
  ['user', 'I moved to Lyon last month and I am looking for a climbing gym'],
  ['assistant', 'Welcome to Lyon! Climb Up and Mur Mur are two popular gyms in the city.'],
  ['user', 'I prefer PostgreSQL over MySQL for every new service we build'],
  ['event', 'Deployed billing-api v2.3 to production'],
] as const;
for (const [role, content] of turns) await memory.episodes.append({ scope, role, content });
await memory.facts.assert({ scope, subject: 'alice.city', content: 'Alice lives in Lyon' });
await memory.facts.assert({
  scope,
  subject: 'alice.databases',
  category: 'preference',
  content: 'Alice prefers PostgreSQL over MySQL',
});
await memory.facts.assert({ scope, subject: 'alice.hobby', content: 'Alice climbs twice a week' });

const server = createMcpServer({ memory, scope });
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(a);
const client = new Client({ name: 'bench', version: '0' });
await client.connect(b);

const list = await client.listTools();
const perTool = Object.fromEntries(list.tools.map((t) => [t.name, tokens(JSON.stringify(t))]));
const mine = ['remember', 'recall', 'context'];

const r = await client.callTool({ name: 'recall', arguments: { query: 'Lyon', k: 5 } });
const text = (r.content as { type: string; text: string }[])[0]?.text ?? '';
const data = r.structuredContent as { items: unknown[] };
const n = Math.max(1, data.items.length);
const itemText = tokens(text) / n;
const itemJson = data.items.reduce<number>((s, it) => s + tokens(JSON.stringify(it)), 0) / n;
const content = data.items.reduce<number>((s, it) => s + tokens((it as { content: string }).content), 0) / n;

const figures = {
  toolsListTokens: tokens(JSON.stringify(list)),
  tools: list.tools.length,
  recallRememberContextTokens: mine.reduce((s, k) => s + (perTool[k] ?? 0), 0),
  perTool: Object.fromEntries(mine.map((k) => [k, perTool[k]])),
  recallItems: data.items.length,
  recallItemTextTokens: Math.round(itemText * 10) / 10,
  recallItemJsonTokens: Math.round(itemJson * 10) / 10,
  recallItemContentTokens: Math.round(content * 10) / 10,
};
if (values.json) console.log(JSON.stringify(figures));
else {
  console.log(`tools/list: ${figures.toolsListTokens} tokens (${figures.tools} tools)`);
  console.log(`  remember + recall + context: ${figures.recallRememberContextTokens}`, figures.perTool);
  console.log(
    `recall, per item over ${figures.recallItems} items (content alone: ${figures.recallItemContentTokens}):`,
  );
  console.log(`  text content: ${figures.recallItemTextTokens} tokens`);
  console.log(`  structuredContent JSON: ${figures.recallItemJsonTokens} tokens`);
  console.log('recall text, as the model reads it:');
  console.log(text.length > 1200 ? `${text.slice(0, 1200)}...` : text);
}
await client.close();
await memory.close();
