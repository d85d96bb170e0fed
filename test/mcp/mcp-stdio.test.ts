import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';
import { mcpScenarios } from './mcp-scenarios.js';

const root = new URL('../..', import.meta.url).pathname;

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (typeof v === 'string') env[k] = v;
  return { ...env, DATABASE_URL: '', MNEMO_DATA_DIR: '' };
}

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mcp over stdio (mnemo mcp) [${backend}]`, { skip }, () => {
    let client: Client;
    let transport: StdioClientTransport;
    let cleanup = async () => {};
    const stderr: string[] = [];

    before(async () => {
      const store = await cliStore(backend);
      cleanup = store.cleanup;
      transport = new StdioClientTransport({
        command: process.execPath,
        args: ['bin/mnemo.js', 'mcp', ...store.flags, '--agent', 'claude'],
        cwd: root,
        env: childEnv(),
        stderr: 'pipe',
      });
      transport.stderr?.on('data', (d: Buffer) => stderr.push(d.toString()));
      client = new Client({ name: 'mnemo-test', version: '1.0.0' });
      await client.connect(transport);
    });
    after(async () => {
      await client?.close();
      await cleanup();
    });

    it('introduces itself with instructions for the model, and logs only to stderr', () => {
      assert.equal(client.getServerVersion()?.name, 'mnemo');
      assert.match(client.getInstructions() ?? '', /remember/);
      assert.match(stderr.join(''), /serving MCP over stdio/);
    });

    mcpScenarios(() => client, 'claude');

    it('stops when the client hangs up', async () => {
      const closed = new Promise<void>((r) => {
        transport.onclose = () => r();
      });
      const pid = transport.pid;
      assert.ok(pid);
      await client.close();
      await closed;
      // The process is gone (signal 0 throws ESRCH once it exited).
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail('mnemo mcp kept running after the client closed stdin');
    });
  });
}
