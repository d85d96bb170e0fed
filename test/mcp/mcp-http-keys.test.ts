/**
 * MCP over streamable HTTP with what an API key carries: a default user and agent
 * (stdio has --user/--agent), pinning, and instructions that name only the tools
 * the key may call. A real SDK client over a real socket.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MCP_PATH } from '../../src/mcp/mcp-http.js';
import { MCP_TOOLS } from '../../src/mcp/mcp-server.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';
import { fails, ok } from './mcp-helpers.js';

const ACME = { tenant: 'acme' };
const WRITE_TOOLS = MCP_TOOLS.filter((t) => t.access === 'write').map((t) => t.name);

describeBackends('mcp over HTTP: key defaults, pinning, instructions', (ctx) => {
  let t: TestServer;
  const clients: Client[] = [];
  const connect = async (key: string) => {
    const transport = new StreamableHTTPClientTransport(new URL(`${t.server.url}${MCP_PATH}`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    const client = new Client({ name: 'mnemo-test', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  };

  before(async () => {
    t = await startServer(ctx.db());
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });

  it('remember without a scope stores under the key\'s user and agent, not user ""', async () => {
    const c = await connect(await t.key({ tenant: 'acme', user: 'alice', agent: 'claude' }));
    const r = await ok(c, 'remember', { text: 'Alice takes her coffee black' });
    assert.equal(r.fact.user, 'alice');
    assert.equal(r.fact.agent, 'claude');
    const stored = await t.memory.facts.list({ scope: { ...ACME, user: 'alice' } });
    assert.ok(stored.items.some((f) => f.content === 'Alice takes her coffee black'));
    // Not pinned: a call may still name another user.
    const bob = await ok(c, 'remember', { text: 'Bob drinks tea', scope: { user: 'bob' } });
    assert.equal(bob.fact.user, 'bob');
    assert.equal(bob.fact.agent, 'claude');
    const info = c.getInstructions() ?? '';
    assert.match(info, /Calls default to user "alice" and agent "claude"/);
  });

  it('a pinned key refuses another user or agent with forbidden naming the field, and stores nothing', async () => {
    const c = await connect(await t.key({ tenant: 'acme', user: 'carol', agent: 'bot', pinned: true }));
    const user = await fails(c, 'remember', { text: 'as someone else', scope: { user: 'mallory' } });
    assert.equal(user.code, 'forbidden');
    assert.equal(user.field, 'scope.user');
    assert.match(user.message, /pinned to user "carol"/);
    const agent = await fails(c, 'brain_set', { key: 'x.y', value: 1, scope: { agent: 'other' } });
    assert.equal(agent.field, 'scope.agent');
    await ok(c, 'task_create', { queue: 'q', payload: {} });
    const claim = await fails(c, 'task_claim', { queue: 'q', agent: 'other' });
    assert.equal(claim.field, 'agent');
    const mallory = await t.memory.facts.list({ scope: { ...ACME, user: 'mallory' } });
    assert.equal(mallory.items.length, 0);
    assert.equal(await t.memory.brain.get({ scope: { ...ACME, agent: 'other' }, key: 'x.y' }), null);
    // Its own values pass, and leaving them out uses them.
    const same = await ok(c, 'remember', { text: 'Carol ships on Fridays', scope: { user: 'carol' } });
    assert.deepEqual([same.fact.user, same.fact.agent], ['carol', 'bot']);
    assert.equal((await ok(c, 'task_claim', { queue: 'q' })).task.claimedBy, 'bot');
    assert.match(
      c.getInstructions() ?? '',
      /You act as user "carol" and agent "bot", fixed by this connection/,
    );
  });

  it('instructions name only the tools the key may call', async () => {
    const ro = await connect(await t.key({ tenant: 'acme', scopes: ['read'] }));
    const info = ro.getInstructions() ?? '';
    assert.match(info, /read-only/);
    assert.match(info, /`context`/);
    for (const name of WRITE_TOOLS) assert.ok(!new RegExp(`\\b${name}\\b`).test(info), `${name} in: ${info}`);
    const listed = (await ro.listTools()).tools.map((x) => x.name);
    assert.match(info, new RegExp(`Tools: ${listed.join(', ')}\\.`));
    const rw = await connect(await t.key({ tenant: 'acme', scopes: ['read', 'write'] }));
    const full = rw.getInstructions() ?? '';
    assert.match(full, /`remember`/);
    assert.match(full, /`task_claim`/);
    assert.doesNotMatch(full, /read-only/);
  });

  it('POST /v1/keys takes user, agent and pinned; pinned alone is invalid_input', async () => {
    const admin = await t.key({ tenant: 'acme', scopes: ['admin'] });
    const r = await t.call('/v1/keys', { key: admin, method: 'POST', json: { user: 'dan', pinned: true } });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.body.record.user, r.body.record.agent, r.body.record.pinned], ['dan', '', true]);
    const bad = await t.call('/v1/keys', { key: admin, method: 'POST', json: { pinned: true } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.error.field, 'pinned');
  });
});
