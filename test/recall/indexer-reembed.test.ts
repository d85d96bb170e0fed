import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DimensionMismatchError, InvalidInputError, UnavailableError } from '../../src/errors.js';
import { createFunctionEmbedder } from '../../src/recall/embedders/function-embedder.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { bindEmbedder, readBinding } from '../../src/recall/embedding-binding.js';
import { embedPending } from '../../src/recall/embedding-indexer.js';
import { type ReembedProgress, reembed } from '../../src/recall/reembed.js';
import { describeBackends } from '../support/backends.js';
import {
  columnTypes,
  countingEmbedder,
  embeddingState,
  hnswIndexes,
  insertBrain,
  insertDecision,
  insertEpisode,
  insertFact,
} from './indexer-helpers.js';

describeBackends('reembed', (ctx) => {
  const first = createHashEmbedder({ dimension: 16 });

  it('starts from a store embedded with one model', async () => {
    const db = ctx.db();
    for (let i = 0; i < 25; i++) await insertEpisode(db, `episode ${i}`);
    await insertFact(db, 'f', 'a fact');
    await insertDecision(db, 'ctx', 'chosen', 'why');
    await insertBrain(db, 'directive.tone', 'friendly');
    assert.equal(await embedPending({ db, embedder: first }), 28);
    assert.deepEqual(await embeddingState(db), { pending: 0, dims: [16] });
  });

  it('leaves the store unchanged when the new model fails before anything is touched', async () => {
    const db = ctx.db();
    const down = createFunctionEmbedder({
      id: 'test:down',
      dimension: 24,
      embed: async () => {
        throw new UnavailableError('cannot reach the model');
      },
    });
    await assert.rejects(reembed({ db, embedder: down }), UnavailableError);
    await assert.rejects(reembed({ db, embedder: first, onProgress: 'x' as never }), InvalidInputError);
    assert.deepEqual(await readBinding(db), { model: 'hash:ngram-v1', dimension: 16, index: 'hnsw' });
    assert.deepEqual(await embeddingState(db), { pending: 0, dims: [16] });
  });

  it('moves the store to a new model and dimension, with progress', async () => {
    const db = ctx.db();
    const next = countingEmbedder(24, { id: 'test:next', maxBatch: 8 });
    const progress: ReembedProgress[] = [];
    const r = await reembed({
      db,
      embedder: next.embedder,
      batchSize: 8,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(r, {
      model: 'test:next',
      dimension: 24,
      previous: { model: 'hash:ngram-v1', dimension: 16, index: 'hnsw' },
      embedded: 28,
    });
    assert.deepEqual(progress[0], { done: 0, total: 28 });
    assert.deepEqual(progress[progress.length - 1], { done: 28, total: 28 });
    assert.ok(progress.length >= 5, 'one report per batch of 8');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].done > progress[i - 1].done);
    assert.deepEqual(await embeddingState(db), { pending: 0, dims: [24] });
    assert.equal((await columnTypes(db)).episodes, 'vector(24)');
    assert.equal((await hnswIndexes(db)).length, 4);
    assert.deepEqual(await readBinding(db), { model: 'test:next', dimension: 24, index: 'hnsw' });
    // 28 rows + the probe call.
    assert.equal(next.seen.length, 29);
  });

  it('then refuses the old model, and accepts the new one', async () => {
    const db = ctx.db();
    await assert.rejects(bindEmbedder(db, first), DimensionMismatchError);
    const again = countingEmbedder(24, { id: 'test:next' });
    assert.equal((await bindEmbedder(db, again.embedder)).created, false);
  });
});
