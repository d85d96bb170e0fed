import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { hasScope } from '../server/auth-middleware.js';
import type { RouteRegistrar } from '../server/server-types.js';
import { createMcpServer } from './mcp-server.js';

/**
 * Where the MCP endpoint (streamable HTTP) is mounted on the HTTP server.
 *
 * @example
 * new StreamableHTTPClientTransport(new URL(`${server.url}${MCP_PATH}`));
 */
export const MCP_PATH = '/mcp';

function jsonRpcError(status: number, code: number, message: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * Mounts MCP over streamable HTTP at `/mcp`, stateless: each POST gets its own server
 * bound to the caller's tenant (from the API key, checked by the same auth, rate limit
 * and usage middleware as `/v1`) and running on the request's memory (its tenant's
 * transaction on PostgreSQL) and to the key's default user and agent (pinned keys
 * refuse others); write tools need the key's `write` scope. Any number
 * of server instances can serve it. GET and DELETE (server-initiated streams, sessions)
 * answer 405, as the spec allows for a stateless server.
 *
 * @example
 * createApp({ memory, config: { routes: [registerMcpRoutes] } }); // createApp mounts it already
 */
export const registerMcpRoutes: RouteRegistrar = (app, { config }) => {
  app.all(MCP_PATH, async (c) => {
    if (c.req.method !== 'POST')
      return jsonRpcError(405, -32000, 'this MCP server is stateless: send requests with POST', {
        allow: 'POST',
      });
    // The auth middleware may have read the body already (hono caches it): parse it here.
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return jsonRpcError(400, -32700, 'Parse error: the body must be a JSON-RPC message in JSON');
    }
    const auth = c.get('auth');
    const server = createMcpServer({
      // The request's memory: on PostgreSQL its areas run in the tenant's transaction.
      memory: c.get('memory'),
      // A key may carry the user and agent of its calls (stdio has --user/--agent for this).
      scope: {
        tenant: auth.tenant,
        ...(auth.key?.user ? { user: auth.key.user } : {}),
        ...(auth.key?.agent ? { agent: auth.key.agent } : {}),
      },
      canWrite: hasScope(auth, 'write'),
      pinned: auth.key?.pinned ?? false,
      logError: (message, detail) => config.logger.error(`MCP ${message}`, detail),
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      await server.close();
    }
  });
};
