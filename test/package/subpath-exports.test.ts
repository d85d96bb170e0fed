/**
 * The package's entry points (`exports` in package.json), loaded from the build as a
 * user's project would: `mnemo` is the memory API and loads neither Hono nor the MCP
 * SDK; the server, MCP and embedders are subpaths. `npm test` builds first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const hook = new URL('../support/module-log-hook.mjs', import.meta.url).href;

describe('package entry points', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mnemo-exports-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/mnemo'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a module in the consumer project; returns its stdout and the modules it loaded. */
  function run(code: string): { out: string; loaded: string[] } {
    writeFileSync(join(dir, 'main.js'), code);
    const r = spawnSync(process.execPath, ['--import', hook, 'main.js'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const loaded = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('mnemo-module-load '))
      .map((l) => l.slice('mnemo-module-load '.length));
    return { out: r.stdout.trim(), loaded };
  }

  it("import { createMemory } from 'mnemo' loads neither Hono nor the MCP SDK", () => {
    const { out, loaded } = run(
      "import { createMemory, createRemoteMemory, MnemoError } from 'mnemo';\n" +
        'console.log(typeof createMemory, typeof createRemoteMemory, typeof MnemoError);',
    );
    assert.equal(out, 'function function function');
    assert.ok(
      loaded.some((u) => u.endsWith('/dist/index.js')),
      'the hook saw the package entry load',
    );
    const adapters = loaded.filter((u) =>
      /\/node_modules\/(hono|@hono|@modelcontextprotocol|@langchain|ai|@ai-sdk)\//.test(u),
    );
    assert.deepEqual(adapters, [], 'modules of Hono, the MCP SDK, LangGraph or the AI SDK');
    const ours = loaded.filter((u) => /\/dist\/(server|mcp|cli|dashboard|langgraph|ai-sdk)\//.test(u));
    assert.deepEqual(ours, [], 'server, MCP, CLI, dashboard or framework adapter modules of mnemo');
  });

  it('the root export is the memory API: no area factories, schemas, server or MCP', () => {
    const { out } = run("import * as m from 'mnemo'; console.log(JSON.stringify(Object.keys(m)));");
    const names = JSON.parse(out) as string[];
    for (const name of ['createMemory', 'createRemoteMemory', 'MnemoError', 'NotFoundError', 'runWorker'])
      assert.ok(names.includes(name), `${name} is exported`);
    for (const name of [
      'createApp',
      'serve',
      'createMcpServer',
      'createBrain',
      'brainSetSchema',
      'openStore',
    ])
      assert.ok(!names.includes(name), `${name} is not exported from the root`);
    assert.ok(names.length < 60, `${names.length} runtime names: ${names.join(', ')}`);
  });

  it('mnemo/server, mnemo/mcp and mnemo/embedders hold the rest', () => {
    const { out } = run(
      "import { createApp, serve, createKeys } from 'mnemo/server';\n" +
        "import { createMcpServer, serveMcpStdio, MCP_PATH } from 'mnemo/mcp';\n" +
        "import { createHashEmbedder, createOpenAIEmbedder, createBuiltinEmbedder, reembed } from 'mnemo/embedders';\n" +
        'console.log([createApp, serve, createKeys, createMcpServer, serveMcpStdio, createHashEmbedder, ' +
        "createOpenAIEmbedder, createBuiltinEmbedder, reembed].map((f) => typeof f).join(' '), MCP_PATH);",
    );
    assert.equal(out, `${Array(9).fill('function').join(' ')} /mcp`);
  });

  it('mnemo/langgraph and mnemo/ai-sdk hold the framework adapters', () => {
    const { out, loaded } = run(
      "import { MnemoStore, MnemoCheckpointSaver } from 'mnemo/langgraph';\n" +
        "import { memoryTools, memorySystemPrompt, MEMORY_TOOL_NAMES } from 'mnemo/ai-sdk';\n" +
        "console.log([MnemoStore, MnemoCheckpointSaver, memoryTools, memorySystemPrompt].map((f) => typeof f).join(' '), MEMORY_TOOL_NAMES.length);",
    );
    assert.equal(out, 'function function function function 10');
    assert.ok(loaded.some((u) => /\/node_modules\/@langchain\/langgraph-checkpoint\//.test(u)));
    assert.ok(loaded.some((u) => /\/node_modules\/ai\//.test(u)));
    assert.deepEqual(
      loaded.filter((u) => /\/node_modules\/(hono|@hono|@modelcontextprotocol)\//.test(u)),
      [],
      'neither adapter loads Hono or the MCP SDK',
    );
  });
});
