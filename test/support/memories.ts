/**
 * The memory loop: an area's contract tests run over the in-process memory and over the
 * remote client of a live server (a real socket on 127.0.0.1), each on embedded PGlite
 * and on a PostgreSQL server, so one test proves the library and the served API alike.
 *
 * The remote client authenticates with the server's local admin token, which acts in the
 * tenant a request names: the tests keep their own tenants (`scope: { tenant: 'f1' }`).
 */
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { createRemoteMemory } from '../../src/client/remote-memory.js';
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import type { LlmClient, LlmClientOptions } from '../../src/formation/llm-schema.js';
import { createMemory, type LocalMemory, type Memory } from '../../src/memory.js';
import type { Embedder } from '../../src/recall/embedders/embedder.js';
import { type RunningServer, serve } from '../../src/server/serve.js';
import { type BackendContext, describeBackends } from './backends.js';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './fake-openai-server.js';

export type MemoryMode = 'local' | 'remote';

/**
 * What the memory of a block is built with, made afresh per block (before its store opens):
 * an embedder (default none), an LLM client (default none; a local fake server speaking
 * the OpenAI API is what tests pass), and anything else the block's tests need, such as
 * that fake server. `close` runs after the block.
 */
export interface MemoryDeps {
  embedder?: Embedder | null;
  llm?: LlmClient | null;
  close?(): Promise<void>;
}

/** What a contract test of the memory loop gets. */
export interface MemoryContext<D extends MemoryDeps = MemoryDeps> extends BackendContext {
  mode: MemoryMode;
  /** The memory under test: in process, or the remote client of a server over the same store. */
  memory(): Memory;
  /** The in-process memory over the block's store (to look at what a call wrote). */
  local(): LocalMemory;
  /** The clock of the store (and of the server): tests move it. */
  clock: ReturnType<typeof fixedClock>;
  /** What `opts.deps` made for this block (valid inside tests). */
  deps(): D;
}

/**
 * Runs `fn` four times: {local, remote} x {pglite, postgres}, each inside its own describe
 * block titled `${title} (local|remote) [backend]`, with a fresh store per block.
 *
 * @example
 * describeMemories('facts', (ctx) => { it('asserts', async () => { await ctx.memory().facts.assert({ content: 'x' }) }) });
 */
export function describeMemories<D extends MemoryDeps = MemoryDeps>(
  title: string,
  fn: (ctx: MemoryContext<D>) => void,
  opts: { start?: Date; modes?: readonly MemoryMode[]; deps?: () => D | Promise<D> } = {},
): void {
  for (const mode of opts.modes ?? (['local', 'remote'] as const)) {
    describeBackends(`${title} (${mode})`, (backend) => {
      const clock = fixedClock(opts.start ?? new Date('2026-03-01T00:00:00Z'));
      let local: LocalMemory | undefined;
      let remote: Memory | undefined;
      let server: RunningServer | undefined;
      let deps: D | undefined;
      before(async () => {
        deps = (await opts.deps?.()) ?? ({} as D);
        local = await createMemory({
          db: backend.db(),
          clock,
          embedder: deps.embedder ?? null,
          llm: deps.llm ?? null,
          indexer: false,
        });
        if (mode === 'remote') {
          const localToken = `mnemo_local_${randomBytes(16).toString('hex')}`;
          server = await serve({
            memory: local,
            host: '127.0.0.1',
            port: 0,
            handleSignals: false,
            log: () => {},
            config: { clock, localToken, usageFlushMs: 60_000, logger: { error() {}, info() {} } },
          });
          remote = createRemoteMemory({ url: server.url, apiKey: localToken });
        }
      });
      after(async () => {
        await remote?.close();
        await server?.close();
        await local?.close();
        await deps?.close?.();
      });
      fn({
        ...backend,
        mode,
        clock,
        memory: () => {
          const m = mode === 'remote' ? remote : local;
          if (!m) throw new Error('memory not open yet');
          return m;
        },
        local: () => {
          if (!local) throw new Error('memory not open yet');
          return local;
        },
        deps: () => {
          if (!deps) throw new Error('memory not open yet');
          return deps;
        },
      });
    });
  }
}

/** The store of a context, for a direct look at rows. */
export const dbOf = (ctx: MemoryContext): Db => ctx.db();

/** The deps of a block whose LLM is a local fake server speaking the OpenAI API. */
export type FakeLlmDeps = MemoryDeps & { server: FakeOpenAiServer };

/**
 * Deps for `describeMemories`: a fresh fake LLM server per block (tests queue its answers
 * with `ctx.deps().server.enqueue`), the memory's LLM client on it, closed after the block.
 *
 * @example
 * describeMemories<FakeLlmDeps>('ingest', (ctx) => { ... }, { deps: () => fakeLlmDeps() });
 */
export async function fakeLlmDeps(options: Partial<LlmClientOptions> = {}): Promise<FakeLlmDeps> {
  const server = await startFakeOpenAiServer();
  return {
    server,
    llm: createLlmClient({ baseUrl: server.baseUrl, model: 'fake-model', ...options }),
    close: () => server.close(),
  };
}
