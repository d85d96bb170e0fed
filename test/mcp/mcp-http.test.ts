import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MCP_PATH } from '../../src/mcp/mcp-http.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';
import { fails, ok } from './mcp-helpers.js';
import { mcpScenarios } from './mcp-scenarios.js';

async function connect(url: string, key?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}${MCP_PATH}`), {
    requestInit: key ? { headers: { authorization: `Bearer ${key}` } } : {},
  });
  const client = new Client({ name: 'mnemo-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

describeBackends('mcp over streamable HTTP (/mcp)', (ctx) => {
  let t: TestServer;
  let client: Client;
  let readOnly: Client;

  before(async () => {
    t = await startServer(ctx.db());
    client = await connect(t.server.url, await t.key({ tenant: 'acme', scopes: ['read', 'write'] }));
    readOnly = await connect(t.server.url, await t.key({ tenant: 'acme', scopes: ['read'] }));
  });
  after(async () => {
    await client?.close();
    await readOnly?.close();
    await t?.close();
  });

  mcpScenarios(() => client, '');

  it("acts in the key's tenant only", async () => {
    await ok(client, 'brain_set', { key: 'tenant.check', value: 'acme only' });
    const acme = await t.memory.brain.get({ scope: { tenant: 'acme' }, key: 'tenant.check' });
    assert.equal(acme?.value, 'acme only');
    assert.equal(await t.memory.brain.get({ key: 'tenant.check' }), null, 'nothing in the default tenant');
    const other = await connect(t.server.url, await t.key({ tenant: 'globex', scopes: ['read', 'write'] }));
    try {
      assert.deepEqual(await ok(other, 'brain_get', { key: 'tenant.check' }), { found: false, entry: null });
    } finally {
      await other.close();
    }
  });

  it('lists only the read tools to a read-only key and refuses writes with forbidden', async () => {
    const { tools } = await readOnly.listTools();
    const names = tools.map((x) => x.name);
    assert.ok(names.includes('brain_get') && names.includes('recall'));
    assert.ok(!names.includes('brain_set') && !names.includes('remember'));
    assert.ok(tools.every((x) => x.annotations?.readOnlyHint === true));
    const refused = await fails(readOnly, 'brain_set', { key: 'ro.key', value: 1 });
    assert.equal(refused.code, 'forbidden');
    assert.equal(await t.memory.brain.get({ scope: { tenant: 'acme' }, key: 'ro.key' }), null);
  });

  it('refuses a request without a valid key with 401, like /v1', async () => {
    await assert.rejects(connect(t.server.url), /401|API key/);
    await assert.rejects(connect(t.server.url, `mnemo_12345678_${'x'.repeat(43)}`), /401|unknown API key/);
    const r = await t.call(MCP_PATH, {
      method: 'POST',
      json: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
    });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
  });

  it('answers GET with 405 (stateless: no server-initiated stream) and a body that is not JSON with 400', async () => {
    const key = await t.key({ tenant: 'acme' });
    const get = await t.call(MCP_PATH, { key, headers: { accept: 'text/event-stream' } });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    const bad = await t.call(MCP_PATH, {
      key,
      method: 'POST',
      body: '{"jsonrpc": ',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual([bad.body.error.code, bad.body.error.field], ['invalid_input', 'body']);
    const notJson = await t.call(MCP_PATH, {
      key,
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
    });
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.code, -32700, 'a JSON-RPC parse error');
  });

  it('records usage events for /mcp requests', async () => {
    await ok(client, 'brain_list', {});
    await t.server.flushUsage();
    const { rows } = await ctx
      .db()
      .query<{ n: number }>(
        `select count(*)::int as n from usage_events where tenant_id = 'acme' and endpoint = '/mcp' and status = 200`,
      );
    assert.ok(rows[0].n > 0);
  });
});
