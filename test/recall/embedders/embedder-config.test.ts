import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.js';
import { BUILTIN_MODEL_ID } from '../../../src/recall/embedders/builtin-embedder.js';
import { embedderFromConfig } from '../../../src/recall/embedders/embedder-config.js';

describe('embedderFromConfig', () => {
  let server: http.Server;
  let baseUrl = '';
  const seen: { auth?: string; model: string }[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ auth: req.headers.authorization, model: body.model });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ data: body.input.map((_t, index) => ({ index, embedding: [1, 2, 3, 4, 5] })) }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
  });

  it('defaults to the built-in model, and none means no embedder', async () => {
    assert.equal((await embedderFromConfig({}, {}))?.id, BUILTIN_MODEL_ID);
    assert.equal(await embedderFromConfig({}, { MNEMO_EMBEDDER: 'none' }), null);
    assert.equal(await embedderFromConfig({ model: 'none' }, { MNEMO_EMBEDDER: 'builtin' }), null);
  });

  it('reads the OpenAI-compatible endpoint from the environment, probing the dimension', async () => {
    const e = await embedderFromConfig(
      {},
      {
        MNEMO_EMBEDDER: 'openai',
        MNEMO_EMBEDDING_BASE_URL: baseUrl,
        MNEMO_EMBEDDING_MODEL: 'nomic-embed-text',
        OPENAI_API_KEY: 'sk-env',
      },
    );
    assert.equal(e?.id, 'openai:nomic-embed-text');
    assert.equal(e?.dimension, 5);
    assert.deepEqual(seen.at(-1), { auth: 'Bearer sk-env', model: 'nomic-embed-text' });
  });

  it('lets options win over the environment, and a given dimension skips the probe', async () => {
    const before = seen.length;
    const e = await embedderFromConfig(
      { model: 'openai', baseUrl, embeddingModel: 'from-option', apiKey: 'sk-opt', dimension: 5 },
      { MNEMO_EMBEDDER: 'builtin', MNEMO_EMBEDDING_MODEL: 'from-env', MNEMO_EMBEDDING_DIMENSION: '7' },
    );
    assert.equal(e?.id, 'openai:from-option');
    assert.equal(seen.length, before, 'no probe call');
    await e?.embed(['x']);
    assert.deepEqual(seen.at(-1), { auth: 'Bearer sk-opt', model: 'from-option' });
  });

  it('says what to fix for bad settings', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ MNEMO_EMBEDDER: 'bert' }, 'MNEMO_EMBEDDER'],
      [
        { MNEMO_EMBEDDER: 'openai', MNEMO_EMBEDDING_BASE_URL: baseUrl, MNEMO_EMBEDDING_DIMENSION: 'abc' },
        'MNEMO_EMBEDDING_DIMENSION',
      ],
      [{ MNEMO_EMBEDDER: 'openai' }, 'apiKey'],
      [{ MNEMO_EMBEDDER: 'openai', MNEMO_EMBEDDING_BASE_URL: 'nope' }, 'baseUrl'],
    ];
    for (const [env, field] of cases)
      await assert.rejects(
        embedderFromConfig({}, env),
        (e: unknown) => e instanceof InvalidInputError && e.field === field,
        field,
      );
    await assert.rejects(
      embedderFromConfig({ model: 'bert' as never }, {}),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'model',
    );
  });
});
