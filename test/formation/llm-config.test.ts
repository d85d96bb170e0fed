import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { MnemoError } from '../../src/errors.js';
import { llmFromConfig } from '../../src/formation/llm-config.js';
import { backoffDelay, retryAfterMs } from '../../src/formation/llm-retry.js';
import {
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

function field(name: string) {
  return (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && e.field === name;
}

describe('llm configuration', () => {
  let server: FakeOpenAiServer;
  before(async () => {
    server = await startFakeOpenAiServer();
  });
  after(() => server.close());

  it('is null when no LLM is configured', () => {
    assert.equal(llmFromConfig({}, {}), null);
    assert.equal(llmFromConfig({}, { OPENAI_API_KEY: 'sk-x' }), null);
  });

  it('reads the environment, with OPENAI_API_KEY as a fallback key', async () => {
    const llm = llmFromConfig(
      {},
      { MNEMO_LLM_BASE_URL: server.baseUrl, MNEMO_LLM_MODEL: 'env-model', OPENAI_API_KEY: 'sk-fallback' },
    );
    assert.ok(llm);
    assert.equal(llm.model, 'env-model');
    server.enqueue('chat', chatCompletion({ ok: true }));
    await llm.completeJson({
      messages: [{ role: 'user', content: 'hi' }],
      schema: z.object({ ok: z.boolean() }),
      schemaName: 'ok',
    });
    const req = server.requests('chat').at(-1);
    assert.equal(req?.headers.authorization, 'Bearer sk-fallback');
    assert.equal(req?.body.model, 'env-model');
  });

  it('prefers MNEMO_LLM_API_KEY and lets options win over the environment', async () => {
    const llm = llmFromConfig(
      { model: 'opt-model', apiKey: 'sk-opt' },
      { MNEMO_LLM_BASE_URL: server.baseUrl, MNEMO_LLM_MODEL: 'env-model', MNEMO_LLM_API_KEY: 'sk-env' },
    );
    assert.equal(llm?.model, 'opt-model');
    server.enqueue('chat', chatCompletion({ ok: true }));
    await llm?.completeJson({
      messages: [{ role: 'user', content: 'hi' }],
      schema: z.object({ ok: z.boolean() }),
      schemaName: 'ok',
    });
    assert.equal(server.requests('chat').at(-1)?.headers.authorization, 'Bearer sk-opt');
  });

  it('says which variable to fix', () => {
    assert.throws(() => llmFromConfig({}, { MNEMO_LLM_BASE_URL: server.baseUrl }), field('MNEMO_LLM_MODEL'));
    assert.throws(() => llmFromConfig({}, { MNEMO_LLM_MODEL: 'm' }), field('MNEMO_LLM_BASE_URL'));
    assert.throws(
      () =>
        llmFromConfig(
          {},
          { MNEMO_LLM_BASE_URL: server.baseUrl, MNEMO_LLM_MODEL: 'm', MNEMO_LLM_TIMEOUT_MS: '5s' },
        ),
      field('MNEMO_LLM_TIMEOUT_MS'),
    );
    assert.throws(
      () => llmFromConfig({}, { MNEMO_LLM_BASE_URL: 'not a url', MNEMO_LLM_MODEL: 'm' }),
      field('baseUrl'),
    );
  });

  it('parses Retry-After as seconds, milliseconds or a date', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after-ms': '350', 'retry-after': '9' })), 350);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now), 5000);
    assert.equal(retryAfterMs(new Headers({})), undefined);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' })), undefined);
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(
      backoffDelay(1, 500, 30_000, () => 0),
      250,
    );
    assert.equal(
      backoffDelay(3, 500, 30_000, () => 0.999999),
      2000,
    );
    assert.equal(
      backoffDelay(20, 500, 30_000, () => 0.999999),
      30_000,
    );
  });
});
