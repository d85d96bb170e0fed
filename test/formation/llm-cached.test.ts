import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { z } from 'zod';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { createLlmCache } from '../../src/formation/cache-service.js';
import { cachedCompleteJson } from '../../src/formation/llm-cached.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import { describeBackends } from '../support/backends.js';
import {
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

const schema = z.object({ facts: z.array(z.string()) });
const request = {
  system: 'Extract the facts.',
  messages: [{ role: 'user' as const, content: 'I moved to Lyon.' }],
  schema,
  schemaName: 'facts',
};

describeBackends('llm through the cache', (ctx) => {
  let server: FakeOpenAiServer;
  before(async () => {
    server = await startFakeOpenAiServer();
  });
  after(() => server.close());

  it('asks the model once, then answers from the cache at no cost', async () => {
    const llm = createLlmClient({
      baseUrl: server.baseUrl,
      model: 'm1',
      pricing: { promptPerMTok: 1, completionPerMTok: 1 },
      retryBaseDelayMs: 1,
    });
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock() });
    const scope = { tenant: 'cached-1' };
    server.enqueue(
      'chat',
      chatCompletion({ facts: ['lives in Lyon'] }, { promptTokens: 600_000, completionTokens: 400_000 }),
    );
    const a = await cachedCompleteJson({ llm, cache, scope, promptVersion: 'v1', request });
    const b = await cachedCompleteJson({ llm, cache, scope, promptVersion: 'v1', request });
    assert.deepEqual([a.hit, b.hit], [false, true]);
    assert.deepEqual(b.data, { facts: ['lives in Lyon'] });
    assert.equal(a.usage.cost, 1);
    assert.deepEqual({ cost: b.usage.cost, attempts: b.attempts }, { cost: 0, attempts: 0 });
    assert.equal(server.count('chat'), 1);
    const s = await cache.stats({ scope });
    assert.deepEqual(
      { costSaved: s.costSaved, tokensSaved: s.tokensSaved },
      { costSaved: 1, tokensSaved: 1_000_000 },
    );

    server.enqueue('chat', chatCompletion({ facts: [] }), chatCompletion({ facts: [] }));
    assert.equal((await cachedCompleteJson({ llm, cache, scope, promptVersion: 'v2', request })).hit, false);
    assert.equal(
      (
        await cachedCompleteJson({
          llm,
          cache,
          scope,
          promptVersion: 'v1',
          request: { ...request, temperature: 0.7 },
        })
      ).hit,
      false,
    );
    assert.equal(server.count('chat'), 3);
  });

  it('stores nothing when the model fails, and rejects a bad request before any lookup', async () => {
    const llm = createLlmClient({ baseUrl: server.baseUrl, model: 'm2', maxRetries: 0 });
    const cache = createLlmCache({ db: ctx.db(), clock: fixedClock() });
    const scope = { tenant: 'cached-2' };
    server.enqueue('chat', chatCompletion('no json here'));
    await assert.rejects(
      cachedCompleteJson({ llm, cache, scope, promptVersion: 'v1', request }),
      (e: unknown) => e instanceof MnemoError && e.code === 'llm_error',
    );
    await assert.rejects(
      cachedCompleteJson({ llm, cache, scope, promptVersion: 'v1', request: { ...request, schemaName: '' } }),
      (e: unknown) => e instanceof MnemoError && e.field === 'schemaName',
    );
    assert.equal((await cache.stats({ scope })).entries, 0);
  });
});
