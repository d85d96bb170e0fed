import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openStore } from '../../src/db/open.js';
import { DimensionMismatchError, InvalidInputError } from '../../src/errors.js';
import { createFunctionEmbedder } from '../../src/recall/embedders/function-embedder.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { bindEmbedder, readBinding, rebindEmbedder } from '../../src/recall/embedding-binding.js';
import { describeBackends } from '../support/backends.js';
import { columnTypes, hnswIndexes } from './indexer-helpers.js';

const fnEmbedder = (id: string, dimension: number) =>
  createFunctionEmbedder({ id, dimension, embed: async (t) => t.map(() => new Array(dimension).fill(1)) });

describeBackends('embedding binding', (ctx) => {
  it('refuses a bad embedder with a typed error, store unchanged', async () => {
    const db = ctx.db();
    await assert.rejects(
      bindEmbedder(db, {} as never),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'embedder',
    );
    const bad = { id: 'x', dimension: 0, maxBatch: 1, embed: async () => [] };
    await assert.rejects(
      bindEmbedder(db, bad),
      (e: unknown) => e instanceof InvalidInputError && e.field === 'embedder.dimension',
    );
    const huge = { id: 'x', dimension: 16_001, maxBatch: 1, embed: async () => [] };
    await assert.rejects(bindEmbedder(db, huge), (e: unknown) => e instanceof InvalidInputError);
    assert.equal(await readBinding(db), null);
    assert.deepEqual(await hnswIndexes(db), []);
  });

  it('binds a new store: records the model, types the columns, builds HNSW indexes', async () => {
    const db = ctx.db();
    const b = await bindEmbedder(db, createHashEmbedder({ dimension: 16 }));
    assert.deepEqual(b, { model: 'hash:ngram-v1', dimension: 16, index: 'hnsw', created: true });
    assert.deepEqual(await readBinding(db), { model: 'hash:ngram-v1', dimension: 16, index: 'hnsw' });
    assert.deepEqual(await columnTypes(db), {
      brain: 'vector(16)',
      decisions: 'vector(16)',
      episodes: 'vector(16)',
      facts: 'vector(16)',
    });
    assert.deepEqual(await hnswIndexes(db), [
      'brain_embedding_hnsw',
      'decisions_embedding_hnsw',
      'episodes_embedding_hnsw',
      'facts_embedding_hnsw',
    ]);
    const { rows } = await db.query<{ indexdef: string }>(
      "select indexdef from pg_indexes where indexname = 'episodes_embedding_hnsw'",
    );
    assert.match(rows[0].indexdef, /hnsw \(embedding vector_cosine_ops\)/);
  });

  it('opens again with the same model without change', async () => {
    const b = await bindEmbedder(ctx.db(), createHashEmbedder({ dimension: 16 }));
    assert.equal(b.created, false);
  });

  it('refuses another dimension or another model, naming both and how to fix it', async () => {
    const db = ctx.db();
    await assert.rejects(bindEmbedder(db, createHashEmbedder({ dimension: 32 })), (e: unknown) => {
      assert.ok(e instanceof DimensionMismatchError);
      assert.match(e.message, /"hash:ngram-v1" \(dimension 16\)/);
      assert.match(e.message, /"hash:ngram-v1" \(dimension 32\)/);
      assert.match(e.message, /mnemo reembed/);
      assert.equal(e.code, 'dimension_mismatch');
      return true;
    });
    await assert.rejects(bindEmbedder(db, fnEmbedder('other:model', 16)), (e: unknown) => {
      return e instanceof DimensionMismatchError && /"other:model" \(dimension 16\)/.test(e.message);
    });
    assert.deepEqual(await readBinding(db), { model: 'hash:ngram-v1', dimension: 16, index: 'hnsw' });
    assert.equal((await columnTypes(db)).episodes, 'vector(16)');
  });

  it('refuses a vector of the wrong dimension at the column', async () => {
    const db = ctx.db();
    await assert.rejects(
      db.query(`insert into facts (tenant_id, content, embedding) values ('t1', 'x', $1::vector)`, [
        '[1,2,3]',
      ]),
    );
  });
});

describeBackends('embedding binding: concurrent openers, re-binding', (ctx) => {
  it('two openers binding at once agree on one model', async () => {
    const a = ctx.db();
    const b = ctx.backend === 'postgres' ? await openStore(ctx.location()) : a;
    try {
      const e = createHashEmbedder({ dimension: 24 });
      const [r1, r2] = await Promise.all([bindEmbedder(a, e), bindEmbedder(b, e)]);
      assert.deepEqual([r1.created, r2.created].sort(), [false, true]);
      await assert.rejects(bindEmbedder(b, createHashEmbedder({ dimension: 8 })), DimensionMismatchError);
    } finally {
      if (b !== a) await b.close();
    }
  });

  it('re-binding to a model above 2000 dimensions types the columns but skips HNSW', async () => {
    const db = ctx.db();
    const previous = await rebindEmbedder(db, fnEmbedder('wide:model', 3072));
    assert.equal(previous?.dimension, 24);
    assert.deepEqual(await readBinding(db), { model: 'wide:model', dimension: 3072, index: 'none' });
    assert.equal((await columnTypes(db)).facts, 'vector(3072)');
    assert.deepEqual(await hnswIndexes(db), []);
  });
});
