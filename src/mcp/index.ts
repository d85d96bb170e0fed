/**
 * `mnemo/mcp`: a memory as a Model Context Protocol server, over stdio or mounted on
 * the HTTP server (`createApp` mounts it at `/mcp` already).
 *
 * @example
 * import { createMemory } from 'mnemo';
 * import { serveMcpStdio } from 'mnemo/mcp';
 * await serveMcpStdio({ memory: await createMemory(), scope: { user: 'alice' } });
 */
export { MCP_PATH, registerMcpRoutes } from './mcp-http.js';
export { createMcpServer, MCP_TOOLS, type McpServerOptions } from './mcp-server.js';
export { type McpStdioOptions, type McpStdioServer, serveMcpStdio } from './mcp-stdio.js';
export type { McpTool, McpToolContext, McpToolOutput } from './mcp-tool.js';
