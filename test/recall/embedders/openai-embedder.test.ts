import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DimensionMismatchError, InvalidInputError, UnavailableError } from '../../../src/errors.js';
import { createOpenAIEmbedder } from '../../../src/recall/embedders/openai-embedder.js';

interface Seen {
  path: string;
  auth?: string;
  body: { model: string; input: string[] };
}

/** Scripted answer for the next request; default: a vector per input. */
type Script = (req: Seen, res: http.ServerResponse) => void;

/** A deterministic unnormalised vector for a text, so tests can check order and normalisation. */
function vectorFor(text: string, dim: number): number[] {
  const v = new Array(dim).fill(0);
  for (let i = 0; i < text.length; i++) v[(text.charCodeAt(i) + i) % dim] += 3;
  return v;
}

describe('OpenAI-compatible embedder (local server over a real socket)', () => {
  let server: http.Server;
  let baseUrl = '';
  let seen: Seen[] = [];
  let scripts: Script[] = [];
  let dim = 8;
  const hanging = new Set<http.ServerResponse>();

  const ok: Script = (req, res) => {
    const data = req.body.input.map((t, index) => ({
      object: 'embedding',
      index,
      embedding: vectorFor(t, dim),
    }));
    // Out of order on purpose: clients must sort by index.
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data: data.reverse(), model: req.body.model }));
  };

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const s: Seen = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) };
        seen.push(s);
        (scripts.shift() ?? ok)(s, res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    seen = [];
    scripts = [];
    dim = 8;
  });

  it('probes the dimension, batches requests, keeps order and normalises', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'test-embed', apiKey: 'sk-test', batchSize: 3 });
    assert.equal(e.dimension, 8);
    assert.equal(e.id, 'openai:test-embed');
    assert.equal(seen.length, 1, 'one probe call');
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee', 'ffffff', 'g'];
    const vs = await e.embed(texts);
    assert.equal(seen.length, 1 + 3, '7 texts in batches of 3 = 3 requests');
    assert.deepEqual(
      seen.slice(1).map((s) => s.body.input.length),
      [3, 3, 1],
    );
    assert.equal(seen[1].path, '/v1/embeddings');
    assert.equal(seen[1].auth, 'Bearer sk-test');
    assert.equal(seen[1].body.model, 'test-embed');
    for (let i = 0; i < texts.length; i++) {
      const want = vectorFor(texts[i], 8);
      const n = Math.hypot(...want);
      assert.ok(
        want.every((x, j) => Math.abs(x / n - vs[i][j]) < 1e-6),
        `vector ${i} in order, normalised`,
      );
    }
  });

  it('retries a 500 and succeeds', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 8, backoffMs: 1 });
    scripts.push((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'overloaded' } }));
    });
    const [v] = await e.embed(['hello']);
    assert.equal(v.length, 8);
    assert.equal(seen.length, 2);
  });

  it('waits as told by Retry-After on a 429, then succeeds', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 8, backoffMs: 60_000 });
    // backoffMs is a minute: the test finishes only because Retry-After (0 s) wins.
    scripts.push((_req, res) => {
      res.writeHead(429, { 'retry-after': '0', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'rate limited' } }));
    });
    const vs = await e.embed(['x', 'y']);
    assert.equal(vs.length, 2);
    assert.equal(seen.length, 2);
  });

  it('gives up after maxRetries with UnavailableError', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 8, backoffMs: 1, maxRetries: 2 });
    const fail: Script = (_req, res) => {
      res.writeHead(503);
      res.end('down for maintenance');
    };
    scripts.push(fail, fail, fail, fail);
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      return err instanceof UnavailableError && /3 attempts/.test(err.message) && /503/.test(err.message);
    });
    assert.equal(seen.length, 3);
  });

  it('turns a 400 into InvalidInputError with the server message, without retrying', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 8, backoffMs: 1 });
    scripts.push((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "This model's maximum context length is 8192 tokens" } }));
    });
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      return err instanceof InvalidInputError && /maximum context length/.test(err.message);
    });
    assert.equal(seen.length, 1);
  });

  it('says to check the key on a 401', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 8 });
    scripts.push((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided' } }));
    });
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      return err instanceof InvalidInputError && err.field === 'apiKey' && /API key/.test(err.message);
    });
  });

  it('bounds a server that never answers by timeoutMs, retries, then UnavailableError', async () => {
    const e = await createOpenAIEmbedder({
      baseUrl,
      model: 'm',
      dimension: 8,
      timeoutMs: 100,
      maxRetries: 1,
      backoffMs: 1,
    });
    const never: Script = (_req, res) => {
      hanging.add(res);
    };
    scripts.push(never, never);
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      return err instanceof UnavailableError && /within 100 ms/.test(err.message);
    });
    assert.equal(seen.length, 2);
  });

  it('fails with UnavailableError when nothing listens', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const e = await createOpenAIEmbedder({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      model: 'm',
      dimension: 8,
      maxRetries: 1,
      backoffMs: 1,
    });
    await assert.rejects(
      e.embed(['x']),
      (err: unknown) => err instanceof UnavailableError && /cannot reach/.test(err.message),
    );
  });

  it('rejects vectors of the wrong dimension with DimensionMismatchError', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 16 });
    await assert.rejects(e.embed(['x']), (err: unknown) => {
      return err instanceof DimensionMismatchError && /dimension 8, expected 16/.test(err.message);
    });
  });

  it('accepts base64 vectors', async () => {
    const e = await createOpenAIEmbedder({ baseUrl, model: 'm', dimension: 4 });
    scripts.push((req, res) => {
      const b = Buffer.from(new Float32Array([0, 3, 0, 4]).buffer);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: req.body.input.map((_t, index) => ({ index, embedding: b.toString('base64') })),
        }),
      );
    });
    const [v] = await e.embed(['x']);
    assert.deepEqual(Array.from(v), [0, 0.6000000238418579, 0, 0.800000011920929]);
  });

  it('validates its options with typed errors naming the field', async () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ baseUrl: 'not a url', model: 'm' }, 'baseUrl'],
      [{ baseUrl: 'ftp://x/v1', model: 'm' }, 'baseUrl'],
      [{ baseUrl, model: '' }, 'model'],
      [{ baseUrl, model: 'm', dimension: 0 }, 'dimension'],
      [{ baseUrl, model: 'm', dimension: 8, batchSize: 0 }, 'batchSize'],
      [{ baseUrl, model: 'm', dimension: 8, timeoutMs: -1 }, 'timeoutMs'],
    ];
    for (const [opts, field] of bad)
      await assert.rejects(
        createOpenAIEmbedder(opts as never),
        (err: unknown) => err instanceof InvalidInputError && err.field === field,
        field,
      );
    assert.equal(seen.length, 0, 'bad options never reach the server');
  });
});
