import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.js';
import { BUILTIN_MODEL_ID, createBuiltinEmbedder } from '../../../src/recall/embedders/builtin-embedder.js';

const cosine = (a: Float32Array, b: Float32Array) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] * b[i];
  return d;
};
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a));

describe('built-in embedder (USE lite, offline)', () => {
  const embedder = createBuiltinEmbedder();
  const network: string[] = [];
  const saved = { fetch: globalThis.fetch, http: http.request, https: https.request };

  before(() => {
    // Any attempt to reach the network while the model loads and runs is recorded and refused.
    globalThis.fetch = (async (input: unknown) => {
      network.push(`fetch ${String(input)}`);
      throw new Error('network disabled in this test');
    }) as typeof fetch;
    const deny = (name: string) =>
      ((...args: unknown[]) => {
        network.push(`${name} ${JSON.stringify(args[0])}`);
        throw new Error('network disabled in this test');
      }) as unknown as typeof http.request;
    http.request = deny('http');
    https.request = deny('https');
  });
  after(() => {
    globalThis.fetch = saved.fetch;
    http.request = saved.http;
    https.request = saved.https;
  });

  it('loads from the package folder and embeds without touching the network', async () => {
    const [v] = await embedder.embed(['hello world']);
    assert.equal(embedder.id, BUILTIN_MODEL_ID);
    assert.equal(v.length, 512);
    assert.deepEqual(network, []);
  });

  it('returns unit vectors, one per text, in order', async () => {
    const texts = ['the cat sat on the mat', 'quarterly revenue grew', 'the cat sat on the mat'];
    const vs = await embedder.embed(texts);
    assert.equal(vs.length, 3);
    for (const v of vs) assert.ok(Math.abs(norm(v) - 1) < 1e-4);
    assert.ok(cosine(vs[0], vs[2]) > 0.9999, 'same text, same vector');
    assert.ok(cosine(vs[0], vs[1]) < 0.9);
  });

  it('puts "deployment" closer to a deploy than to dinner (meaning, not words)', async () => {
    const [q, deploy, pasta] = await embedder.embed([
      'deployment',
      'pushed code to Vercel',
      'I had pasta for dinner',
    ]);
    const near = cosine(q, deploy);
    const far = cosine(q, pasta);
    assert.ok(near > far + 0.1, `deploy ${near.toFixed(3)} should beat pasta ${far.toFixed(3)} clearly`);
  });

  it('gives a text the same vector alone and inside a batch', async () => {
    const [alone] = await embedder.embed(['the database migration failed at step 3']);
    const batch = await embedder.embed([
      'short',
      'the database migration failed at step 3',
      'a much longer sentence about something else entirely, with many more tokens in it',
    ]);
    assert.ok(cosine(alone, batch[1]) > 0.9999);
  });

  it('embeds empty, unicode and very long texts', async () => {
    const vs = await embedder.embed(['', '   ', 'café 東京 🚀', 'word '.repeat(20_000)]);
    assert.equal(vs.length, 4);
    for (const v of vs) {
      assert.equal(v.length, 512);
      assert.ok(Math.abs(norm(v) - 1) < 1e-4);
    }
    assert.deepEqual(await embedder.embed([]), []);
  });

  it('serves concurrent calls, each its own answer', async () => {
    const [a, b] = await Promise.all([embedder.embed(['alpha release']), embedder.embed(['beta release'])]);
    const [a2, b2] = await embedder.embed(['alpha release', 'beta release']);
    assert.ok(cosine(a[0], a2) > 0.9999);
    assert.ok(cosine(b[0], b2) > 0.9999);
  });

  it('rejects bad input with a typed error naming the field', async () => {
    await assert.rejects(embedder.embed('not an array' as unknown as string[]), (e: unknown) => {
      return e instanceof InvalidInputError && e.field === 'texts';
    });
    await assert.rejects(embedder.embed(['ok', 42 as unknown as string]), (e: unknown) => {
      return e instanceof InvalidInputError && e.field === 'texts.1';
    });
    assert.throws(
      () => createBuiltinEmbedder({ backend: 'gpu' as 'wasm' }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'backend',
    );
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(embedder.embed(['x'], { signal: ac.signal }));
  });
});
