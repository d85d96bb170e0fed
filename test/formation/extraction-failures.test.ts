// Failures of extraction are visible on the task and never written as facts: malformed
// answers, timeouts and 500s are retried by the client, then the task fails and is
// retried by the queue up to its max attempts.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import type { Task } from '../../src/coordination/tasks-schema.js';
import type { FormationDeps } from '../../src/formation/extraction-schema.js';
import { startFormationWorker } from '../../src/formation/formation-worker.js';
import { createIngest } from '../../src/formation/ingest-service.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { waitFor } from '../coordination/wait.js';
import { describeBackends } from '../support/backends.js';
import {
  apiError,
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

const turns = [
  { role: 'user' as const, content: 'I switched from Python to Rust for my side projects.' },
  { role: 'assistant' as const, content: 'Rust is a great fit for that.' },
];
const valid = {
  candidates: [
    {
      kind: 'semantic',
      category: 'preference',
      subject: 'user.language',
      content: 'The user uses Rust for side projects.',
      confidence: 0.9,
      sourceTurns: [0],
    },
  ],
};

describeBackends('extraction failures', (ctx) => {
  let server: FakeOpenAiServer;
  let mem: LocalMemory;
  let deps: FormationDeps;

  before(async () => {
    server = await startFakeOpenAiServer();
    const llm = createLlmClient({
      baseUrl: server.baseUrl,
      model: 'fake-model',
      timeoutMs: 1500,
      maxRetries: 1,
      retryBaseDelayMs: 1,
      maxRetryDelayMs: 5,
    });
    mem = await createMemory({ db: ctx.db(), llm, embedder: null, indexer: false });
    deps = { ...mem, clock: systemClock, llm };
  });
  after(async () => {
    await mem.close();
    await server.close();
  });

  /** Ingests with tasks of `maxAttempts`, runs the worker until `done(task)`, returns the task. */
  async function run(tenant: string, maxAttempts: number, done: (t: Task) => boolean): Promise<Task> {
    const r = await createIngest(deps, { extractMaxAttempts: maxAttempts })({
      scope: { tenant, user: 'dana' },
      messages: turns,
    });
    if (r.extraction.status !== 'queued') throw new Error('extraction was not queued');
    const id = r.extraction.taskId;
    const w = startFormationWorker(deps, { pollIntervalMs: 20, onError: () => {} });
    let t: Task | undefined;
    try {
      await waitFor(
        async () => {
          t = (await mem.tasks.get({ scope: { tenant }, id })) ?? undefined;
          return t !== undefined && done(t);
        },
        20_000,
        `task ${id}`,
      );
    } finally {
      await w.close();
    }
    return t as Task;
  }
  const finished = (t: Task) => t.status === 'done' || t.status === 'failed';
  const factCount = async (tenant: string) => (await mem.facts.list({ scope: { tenant } })).items.length;

  it('an answer still malformed after the retries fails the task visibly and writes nothing', async () => {
    const before = server.count('chat');
    server.enqueue(
      'chat',
      chatCompletion({ candidates: [{ content: 'missing every other field' }] }),
      chatCompletion({ candidates: [{ ...valid.candidates[0], sourceTurns: [9] }] }),
    );
    const t = await run('f1', 1, finished);
    assert.equal(t.status, 'failed');
    assert.match(t.error ?? '', /no valid answer for "extracted_memories" in 2 attempt/);
    assert.match(t.error ?? '', /sourceTurns/, 'the last reason names the hallucinated turn');
    assert.equal(t.attempts, 1);
    assert.equal(server.count('chat') - before, 2);
    assert.equal(await factCount('f1'), 0);
    assert.equal((await mem.cache.stats({ scope: { tenant: 'f1' } })).entries, 0, 'nothing cached');
  });

  it('a timeout then a 500 fail the task with the transport error', async () => {
    server.enqueue('chat', { hang: true }, apiError(500, 'upstream exploded'));
    const t = await run('f2', 1, finished);
    assert.equal(t.status, 'failed');
    assert.match(t.error ?? '', /failed 2 attempt\(s\)/);
    assert.match(t.error ?? '', /HTTP 500: upstream exploded/);
    assert.equal(await factCount('f2'), 0);
  });

  it('a 500 then a good answer is retried by the client and succeeds', async () => {
    server.enqueue('chat', apiError(500, 'flaky'), chatCompletion(valid));
    const t = await run('f3', 1, finished);
    assert.equal(t.status, 'done', t.error ?? '');
    assert.equal((t.result as { llmRequests: number }).llmRequests, 2);
    assert.equal(await factCount('f3'), 1);
  });

  it('a failed attempt is recorded on the task and retried by the queue until it succeeds', async () => {
    server.enqueue('chat', apiError(503, 'overloaded'), { hang: true });
    let firstError = '';
    const t = await run('f4', 2, (t) => {
      if (t.status === 'open' && t.error && !firstError) {
        // The first attempt failed and the queue will retry it: script the good answer now.
        firstError = t.error;
        assert.equal(t.attempts, 1);
        server.enqueue('chat', chatCompletion(valid));
      }
      return finished(t);
    });
    assert.match(firstError, /failed 2 attempt\(s\); last: no answer within 1500 ms/);
    assert.equal(t.status, 'done', t.error ?? '');
    assert.equal(t.attempts, 2);
    assert.equal(await factCount('f4'), 1);
  });
});
