/**
 * The public types of every public call import type-only from the built package entry
 * (`dist/index.d.ts` through the package's `exports`), as a user's project would.
 * `npm test` builds first; this compiles a small consumer with the repo's tsc.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { compileAsConsumer } from '../support/consumer-tsc.js';

const root = resolve(import.meta.dirname, '../..');

/** Every input and output type of Memory's calls, area by area. */
const TYPES = [
  'Memory',
  'LocalMemory',
  'RemoteMemory',
  'MemoryOptions',
  'RemoteMemoryOptions',
  // recall, context
  'RecallResult',
  'RecallItem',
  'RecallInput',
  'RecallScores',
  'RecallKind',
  'ContextInput',
  'ContextResult',
  'ContextSection',
  // remember, ingest, consolidate
  'RememberInput',
  'Remembered',
  'IngestInput',
  'IngestResult',
  'ConsolidateInput',
  'ConsolidationResult',
  // brain
  'BrainSetInput',
  'BrainGetInput',
  'BrainListInput',
  'BrainDeleteInput',
  'BrainHistoryInput',
  'BrainEntry',
  'BrainHistoryEntry',
  // episodes
  'AppendEpisodeInput',
  'AppendManyInput',
  'GetEpisodeInput',
  'ListEpisodesInput',
  'Episode',
  'Page<Episode>',
  // facts
  'AssertFactInput',
  'SupersedeFactInput',
  'InvalidateFactInput',
  'FactIdInput',
  'ListFactsInput',
  'Fact',
  // decisions
  'DecisionRecordInput',
  'DecisionResolveInput',
  'DecisionGetInput',
  'DecisionListInput',
  'DecisionLessonsInput',
  'Decision',
  // sessions
  'SessionStartInput',
  'SessionEndInput',
  'SessionGetInput',
  'SessionListInput',
  'Session',
  // tasks
  'CreateTaskInput',
  'ClaimTaskInput',
  'HeartbeatTaskInput',
  'CompleteTaskInput',
  'ClaimBatchInput',
  'FailTaskInput',
  'ReleaseTaskInput',
  'CancelTaskInput',
  'GetTaskInput',
  'ListTasksInput',
  'Task',
  // observations, conflicts
  'ObserveInput',
  'QueryObservationsInput',
  'SubscribeInput',
  'Subscription',
  'Observation',
  'ListConflictsInput',
  'ResolveConflictInput',
  'Conflict',
  // cache, purge
  'CacheStats',
  'PurgeInput',
  'PurgeResult',
  'Scope',
  // what createMemory takes
  'Embedder',
  'EmbedderConfig',
  'LlmClient',
  'Clock',
  'Db',
];

/** The types of the subpath entries: the server (with API keys), MCP, the embedders. */
const SUBPATH_TYPES: Record<string, string[]> = {
  'mnemo/server': [
    'AppDeps',
    'ServeOptions',
    'RunningServer',
    'ServerConfig',
    'RouteRegistrar',
    'MnemoApp',
    'AuthInfo',
    'Keys',
    'CreateKeyInput',
    'CreatedKey',
    'ApiKeyRecord',
    'ListKeysInput',
    'KeyIdInput',
  ],
  'mnemo/mcp': ['McpServerOptions', 'McpStdioOptions', 'McpStdioServer', 'McpTool'],
  'mnemo/embedders': [
    'Embedder',
    'BuiltinEmbedderOptions',
    'OpenAIEmbedderOptions',
    'FunctionEmbedderOptions',
    'HashEmbedderOptions',
    'EmbedderConfig',
    'ReembedOptions',
    'ReembedResult',
  ],
};

describe('package entries: public types', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-types-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('every public call’s input and output type imports type-only from "mnemo", the rest from its subpath', () => {
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/mnemo'), 'dir');
    const uses = TYPES.map((t, i) => `export type U${i} = ${t};`).join('\n');
    const subpaths = Object.entries(SUBPATH_TYPES)
      .map(
        ([entry, types], e) =>
          `import type { ${types.map((t) => `${t} as S${e}${t}`).join(', ')} } from '${entry}';\n` +
          types.map((t) => `export type S${e}_${t} = S${e}${t};`).join('\n'),
      )
      .join('\n');
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import type { ${TYPES.map((t) => t.replace(/<.*/, '')).join(', ')} } from 'mnemo';\n${uses}\n${subpaths}\n` +
        // a use that must type-check against the shared interface
        `export async function top(m: Memory, q: RecallInput): Promise<RecallItem | undefined> {\n` +
        `  const r: RecallResult = await m.recall(q);\n  return r.items[0];\n}\n`,
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const r = compileAsConsumer(dir, ['consumer.ts'], { skipLibCheck: true });
    assert.equal(r.status, 0, `tsc failed:\n${r.output}`);
  });
});
