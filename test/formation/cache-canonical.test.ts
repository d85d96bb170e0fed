import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { canonicalJson, contentHash } from '../../src/formation/canonical-json.js';

function rejectsAt(field: string) {
  return (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && e.field === field;
}

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, adds no whitespace', () => {
    assert.equal(
      canonicalJson({ b: [3, { y: 1, x: 2 }], a: 'é "q"', c: null, d: true }),
      '{"a":"é \\"q\\"","b":[3,{"x":2,"y":1}],"c":null,"d":true}',
    );
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('formats numbers stably', () => {
    assert.equal(
      canonicalJson([1.0, 0.1, -0, 1e21, 1e-7, 123456789012]),
      '[1,0.1,0,1e+21,1e-7,123456789012]',
    );
  });

  it('rejects what JSON cannot hold, naming the path', () => {
    assert.throws(() => canonicalJson({ a: undefined }), rejectsAt('value.a'));
    assert.throws(() => canonicalJson({ a: [1, () => 1] }), rejectsAt('value.a.1'));
    assert.throws(() => canonicalJson({ n: Number.NaN }), rejectsAt('value.n'));
    assert.throws(() => canonicalJson({ n: Number.POSITIVE_INFINITY }), rejectsAt('value.n'));
    assert.throws(() => canonicalJson({ d: new Date(0) }), rejectsAt('value.d'));
    assert.throws(() => canonicalJson({ m: new Map() }), rejectsAt('value.m'));
    assert.throws(() => canonicalJson(10n), rejectsAt('value'));
    assert.throws(() => canonicalJson(undefined, 'input'), rejectsAt('input'));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), rejectsAt('value.self'));
  });

  it('accepts a shared (non-cyclic) sub-object twice', () => {
    const shared = { k: 1 };
    assert.equal(canonicalJson({ a: shared, b: shared }), '{"a":{"k":1},"b":{"k":1}}');
  });

  it('hashes equal work equally and different work differently', () => {
    const h = contentHash({
      model: 'm',
      promptVersion: 'v1',
      input: { x: 1, y: [1, 2] },
      params: { t: 0, n: 1 },
    });
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(
      h,
      contentHash({ params: { n: 1, t: 0 }, input: { y: [1, 2], x: 1 }, promptVersion: 'v1', model: 'm' }),
    );
    assert.notEqual(
      h,
      contentHash({ model: 'm', promptVersion: 'v2', input: { x: 1, y: [1, 2] }, params: { t: 0, n: 1 } }),
    );
    assert.notEqual(
      h,
      contentHash({ model: 'm2', promptVersion: 'v1', input: { x: 1, y: [1, 2] }, params: { t: 0, n: 1 } }),
    );
    assert.notEqual(
      h,
      contentHash({ model: 'm', promptVersion: 'v1', input: { x: 1, y: [1, 2] }, params: { t: 1, n: 1 } }),
    );
    assert.equal(
      contentHash({ model: 'm', promptVersion: 1, input: 'x' }),
      contentHash({ model: 'm', promptVersion: 1, input: 'x', params: {} }),
    );
    assert.notEqual(
      contentHash({ model: 'm', promptVersion: 1, input: 'x' }),
      contentHash({ model: 'm', promptVersion: '1', input: 'x' }),
    );
  });
});
