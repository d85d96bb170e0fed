import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DimensionMismatchError, InvalidInputError, UnavailableError } from '../../../src/errors.js';
import { normalize, parseVectorLiteral, toVectorLiteral } from '../../../src/recall/embedders/embedder.js';
import { createFunctionEmbedder } from '../../../src/recall/embedders/function-embedder.js';
import { createHashEmbedder } from '../../../src/recall/embedders/hash-embedder.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('function embedder', () => {
  it('wraps a function, normalises its vectors and passes the signal', async () => {
    let gotSignal: AbortSignal | undefined;
    const e = createFunctionEmbedder({
      id: 'test:fn',
      dimension: 2,
      embed: async (texts, opts) => {
        gotSignal = opts?.signal;
        return texts.map((t) => [t.length, 0]);
      },
    });
    const ac = new AbortController();
    const [v] = await e.embed(['abc'], { signal: ac.signal });
    assert.deepEqual(Array.from(v), [1, 0]);
    assert.equal(gotSignal, ac.signal);
    assert.equal(e.maxBatch, 64);
  });

  it('rejects vectors of another dimension, a wrong count, or non-finite numbers', async () => {
    const wrongDim = createFunctionEmbedder({
      id: 'x',
      dimension: 3,
      embed: async (t) => t.map(() => [1, 2]),
    });
    await assert.rejects(wrongDim.embed(['a']), DimensionMismatchError);
    const wrongCount = createFunctionEmbedder({ id: 'x', dimension: 2, embed: async () => [[1, 2]] });
    await assert.rejects(wrongCount.embed(['a', 'b']), UnavailableError);
    const nan = createFunctionEmbedder({ id: 'x', dimension: 2, embed: async () => [[Number.NaN, 1]] });
    await assert.rejects(nan.embed(['a']), UnavailableError);
  });

  it('validates its options naming the field', () => {
    const embed = async () => [];
    const cases: Array<[unknown, string]> = [
      [{ id: '', dimension: 3, embed }, 'id'],
      [{ id: 'x', dimension: 1.5, embed }, 'dimension'],
      [{ id: 'x', dimension: 16_001, embed }, 'dimension'],
      [{ id: 'x', dimension: 3, embed: 'nope' }, 'embed'],
      [{ id: 'x', dimension: 3, embed, maxBatch: 0 }, 'maxBatch'],
    ];
    for (const [opts, field] of cases)
      assert.throws(
        () => createFunctionEmbedder(opts as never),
        (e: unknown) => e instanceof InvalidInputError && e.field === field,
      );
  });
});

describe('hash embedder', () => {
  it('is deterministic, normalised and of the asked dimension', async () => {
    const e = createHashEmbedder({ dimension: 64 });
    const [a, b] = await e.embed(['Deploy the API to prod', 'Deploy the API to prod']);
    assert.equal(a.length, 64);
    assert.deepEqual(a, b);
    assert.ok(Math.abs(dot(a, a) - 1) < 1e-5);
    assert.equal(createHashEmbedder().dimension, 256);
  });

  it('puts texts sharing words closer than unrelated texts', async () => {
    const e = createHashEmbedder({ dimension: 256 });
    const [q, near, far] = await e.embed([
      'deploy the api',
      'we deploy the api on fridays',
      'pasta for dinner',
    ]);
    assert.ok(dot(q, near) > dot(q, far) + 0.2);
  });

  it('gives empty text a unit vector and rejects a bad dimension', async () => {
    const [v] = await createHashEmbedder({ dimension: 8 }).embed(['']);
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-6);
    assert.throws(
      () => createHashEmbedder({ dimension: 0 }),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'dimension',
    );
  });
});

describe('vector helpers', () => {
  it('round-trips float32 through the pgvector literal', () => {
    const v = normalize(Float32Array.from([0.1, -2, 3e-8, 7]));
    assert.deepEqual(parseVectorLiteral(toVectorLiteral(v)), v);
  });
});
