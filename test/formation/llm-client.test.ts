import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { z } from 'zod';
import { MnemoError, UnavailableError } from '../../src/errors.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import {
  apiError,
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

const factsSchema = z.object({
  facts: z.array(z.object({ subject: z.string(), content: z.string() })),
});
const good = { facts: [{ subject: 'home', content: 'lives in Lyon' }] };
const ask = {
  system: 'Extract the facts.',
  messages: [{ role: 'user' as const, content: 'SECRET-PROMPT-TEXT I moved to Lyon.' }],
  schema: factsSchema,
  schemaName: 'facts',
};

function isCode(code: string, text?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof MnemoError, `expected a MnemoError, got ${e}`);
    assert.equal(e.code, code);
    if (text) assert.match(e.message, text);
    return true;
  };
}

describe('llm client', () => {
  let server: FakeOpenAiServer;
  const client = (extra: Record<string, unknown> = {}) =>
    createLlmClient({ baseUrl: server.baseUrl, model: 'test-model', retryBaseDelayMs: 1, ...extra });

  before(async () => {
    server = await startFakeOpenAiServer();
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  it('returns validated structured output and sends the schema as response_format', async () => {
    server.enqueue('chat', chatCompletion(good, { model: 'test-model-2024' }));
    const r = await client({ apiKey: 'sk-test' }).completeJson(ask);
    assert.deepEqual(r.data, good);
    assert.equal(r.attempts, 1);
    assert.equal(r.model, 'test-model-2024');
    const [req] = server.requests('chat');
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test');
    assert.equal(req.body.model, 'test-model');
    assert.equal(req.body.temperature, 0);
    assert.deepEqual(req.body.messages[0], { role: 'system', content: 'Extract the facts.' });
    assert.equal(req.body.messages[1].role, 'user');
    assert.equal(req.body.response_format.type, 'json_schema');
    assert.equal(req.body.response_format.json_schema.name, 'facts');
    assert.equal(req.body.response_format.json_schema.strict, true);
    assert.deepEqual(req.body.response_format.json_schema.schema.required, ['facts']);
    assert.equal(req.body.response_format.json_schema.schema.$schema, undefined);
  });

  it('strips ```json fences and surrounding prose', async () => {
    server.enqueue(
      'chat',
      chatCompletion(`Here you go:\n\`\`\`json\n${JSON.stringify(good)}\n\`\`\`\nAnything else?`),
    );
    const r = await client().completeJson(ask);
    assert.deepEqual(r.data, good);
    assert.equal(r.attempts, 1);
  });

  it('retries an answer that is not JSON, telling the model what was wrong', async () => {
    server.enqueue('chat', chatCompletion('{"facts": [ oops'), chatCompletion(good));
    const r = await client().completeJson(ask);
    assert.deepEqual(r.data, good);
    assert.equal(r.attempts, 2);
    const second = server.requests('chat')[1].body.messages;
    assert.equal(second.at(-2).role, 'assistant');
    assert.equal(second.at(-2).content, '{"facts": [ oops');
    assert.match(second.at(-1).content, /not valid JSON/);
  });

  it('fails with llm_error after retries when the answer never matches the schema', async () => {
    const bad = chatCompletion({ facts: [{ content: 'no subject' }] });
    server.enqueue('chat', bad, bad, bad);
    await assert.rejects(client({ maxRetries: 2 }).completeJson(ask), (e: unknown) => {
      isCode('llm_error', /facts\.0\.subject/)(e);
      assert.match((e as Error).message, /3 attempt/);
      assert.doesNotMatch((e as Error).message, /SECRET-PROMPT-TEXT/);
      return true;
    });
    assert.equal(server.count('chat'), 3);
  });

  it('retries a 500 and then succeeds', async () => {
    server.enqueue('chat', apiError(500, 'upstream exploded'), chatCompletion(good));
    const r = await client().completeJson(ask);
    assert.deepEqual(r.data, good);
    assert.equal(r.attempts, 2);
  });

  it('retries a dropped connection', async () => {
    server.enqueue('chat', { destroy: true }, chatCompletion(good));
    const r = await client().completeJson(ask);
    assert.equal(r.attempts, 2);
  });

  it('honours 429 Retry-After and then succeeds', async () => {
    server.enqueue('chat', apiError(429, 'slow down', { 'retry-after': '1' }), chatCompletion(good));
    const r = await client().completeJson(ask);
    assert.deepEqual(r.data, good);
    assert.equal(r.attempts, 2);
  });

  it('gives up at once, visibly, when Retry-After is longer than maxRetryDelayMs', async () => {
    server.enqueue('chat', apiError(429, 'quota exhausted', { 'retry-after': '120' }), chatCompletion(good));
    await assert.rejects(client({ maxRetryDelayMs: 5000 }).completeJson(ask), (e: unknown) => {
      assert.ok(e instanceof UnavailableError);
      assert.match(e.message, /wait 120 s/);
      assert.match(e.message, /quota exhausted/);
      return true;
    });
    assert.equal(server.count('chat'), 1);
  });

  it('fails unavailable after retries when every answer is a 5xx', async () => {
    server.enqueue('chat', apiError(503, 'overloaded'), apiError(503, 'overloaded'));
    await assert.rejects(
      client({ maxRetries: 1 }).completeJson(ask),
      isCode('unavailable', /2 attempt.*overloaded/),
    );
    assert.equal(server.count('chat'), 2);
  });

  it('reports a 400 as llm_error with the server message, without retrying', async () => {
    server.enqueue('chat', apiError(400, "Invalid schema for response_format 'facts'"));
    await assert.rejects(
      client().completeJson(ask),
      isCode('llm_error', /HTTP 400.*Invalid schema for response_format/),
    );
    assert.equal(server.count('chat'), 1);
  });

  it('reports a 401 with a hint about the API key', async () => {
    server.enqueue('chat', apiError(401, 'Incorrect API key provided'));
    await assert.rejects(
      client().completeJson(ask),
      isCode('llm_error', /Incorrect API key.*MNEMO_LLM_API_KEY/),
    );
  });

  it('times out a held request on every attempt, then fails unavailable', async () => {
    server.enqueue('chat', { hang: true }, { hang: true });
    await assert.rejects(
      client({ timeoutMs: 150, maxRetries: 1 }).completeJson(ask),
      isCode('unavailable', /no answer within 150 ms/),
    );
    assert.equal(server.count('chat'), 2);
  });

  it('stops at once when the caller aborts', async () => {
    server.enqueue('chat', { hang: true });
    const ctrl = new AbortController();
    const p = client({ timeoutMs: 60_000 }).completeJson({ ...ask, signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 50);
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    assert.equal(server.count('chat'), 1);
  });

  it('sums tokens and cost over attempts', async () => {
    server.enqueue(
      'chat',
      chatCompletion('not json', { promptTokens: 100, completionTokens: 20 }),
      chatCompletion(good, { promptTokens: 200, completionTokens: 30 }),
    );
    const r = await client({ pricing: { promptPerMTok: 1, completionPerMTok: 2 } }).completeJson(ask);
    assert.deepEqual({ p: r.usage.promptTokens, c: r.usage.completionTokens }, { p: 300, c: 50 });
    assert.ok(Math.abs(r.usage.cost - 0.0004) < 1e-12, `cost ${r.usage.cost}`);
    assert.ok(r.latencyMs >= 0);
  });

  it('costs nothing without pricing', async () => {
    server.enqueue('chat', chatCompletion(good, { promptTokens: 1000, completionTokens: 1000 }));
    const r = await client().completeJson(ask);
    assert.equal(r.usage.cost, 0);
    assert.equal(r.usage.promptTokens, 1000);
  });

  it('reports a refusal as llm_error without retrying', async () => {
    server.enqueue('chat', chatCompletion('', { refusal: 'I cannot help with that.' }));
    await assert.rejects(client().completeJson(ask), isCode('llm_error', /refused.*cannot help/));
    assert.equal(server.count('chat'), 1);
  });

  it('json_object mode puts the schema in the system prompt', async () => {
    server.enqueue('chat', chatCompletion(good));
    await client({ jsonMode: 'json_object' }).completeJson(ask);
    const body = server.requests('chat')[0].body;
    assert.deepEqual(body.response_format, { type: 'json_object' });
    assert.match(body.messages[0].content, /^Extract the facts\.\n\nAnswer with one JSON object.*"subject"/s);
  });

  it('marks a schema with optional fields as not strict', async () => {
    server.enqueue('chat', chatCompletion({ a: 'x' }));
    await client().completeJson({ ...ask, schema: z.object({ a: z.string(), b: z.string().optional() }) });
    assert.equal(server.requests('chat')[0].body.response_format.json_schema.strict, false);
  });

  it('keeps a query string in the base URL (Azure api-version) and sends extra headers', async () => {
    server.enqueue('chat', chatCompletion(good));
    await client({
      baseUrl: `${server.baseUrl}?api-version=2024-10-21`,
      headers: { 'api-key': 'az' },
    }).completeJson(ask);
    const [req] = server.requests('chat');
    assert.equal(req.path, '/v1/chat/completions?api-version=2024-10-21');
    assert.equal(req.headers['api-key'], 'az');
  });

  it('rejects bad options and bad requests with invalid_input naming the field', async () => {
    assert.throws(
      () => createLlmClient({ baseUrl: server.baseUrl } as never),
      (e: unknown) => isCode('invalid_input')(e) && (e as MnemoError).field === 'model',
    );
    assert.throws(
      () => createLlmClient({ baseUrl: 'localhost:11434', model: 'm' }),
      (e: unknown) => isCode('invalid_input', /http\(s\) URL/)(e) && (e as MnemoError).field === 'baseUrl',
    );
    assert.throws(
      () => createLlmClient({ baseUrl: server.baseUrl, model: 'm', timeoutMs: -1 }),
      (e: unknown) => (e as MnemoError).field === 'timeoutMs',
    );
    const c = client();
    await assert.rejects(
      c.completeJson({ ...ask, schema: { type: 'object' } as never }),
      (e: unknown) => isCode('invalid_input', /zod schema/)(e) && (e as MnemoError).field === 'schema',
    );
    await assert.rejects(
      c.completeJson({ ...ask, schemaName: 'has spaces' }),
      (e: unknown) => (e as MnemoError).field === 'schemaName',
    );
    await assert.rejects(c.completeJson({ ...ask, system: undefined, messages: [] }), (e: unknown) =>
      isCode('invalid_input', /at least one message/)(e),
    );
    await assert.rejects(
      c.completeJson({ ...ask, temperature: 3 }),
      (e: unknown) => (e as MnemoError).field === 'temperature',
    );
    assert.equal(server.count(), 0);
  });
});
