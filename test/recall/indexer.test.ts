import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openStore } from '../../src/db/open.js';
import { DimensionMismatchError, InvalidInputError, UnavailableError } from '../../src/errors.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { toVectorLiteral } from '../../src/recall/embedders/embedder.js';
import { createFunctionEmbedder } from '../../src/recall/embedders/function-embedder.js';
import { readBinding } from '../../src/recall/embedding-binding.js';
import { countPending, createIndexer, embedPending } from '../../src/recall/embedding-indexer.js';
import { describeBackends } from '../support/backends.js';
import {
  countingEmbedder,
  embeddingState,
  insertBrain,
  insertDecision,
  insertEpisode,
  insertFact,
} from './indexer-helpers.js';

describeBackends('embedding indexer', (ctx) => {
  const counting = countingEmbedder(16);

  it('refuses bad options with typed errors, store unchanged', async () => {
    const db = ctx.db();
    await assert.rejects(embedPending({ db, embedder: counting.embedder, batchSize: 0 }), (e: unknown) => {
      return e instanceof InvalidInputError && e.field === 'batchSize';
    });
    await assert.rejects(embedPending({ db, embedder: null as never }), InvalidInputError);
    assert.throws(() => createIndexer({ db, embedder: counting.embedder, intervalMs: 0 }), InvalidInputError);
    assert.equal(await readBinding(db), null);
  });

  it('embeds every kind of row in the background, archived ones too, with the right text', async () => {
    const db = ctx.db();
    await insertEpisode(db, 'pushed the fix to production', { subject: 'deploy' });
    await insertEpisode(db, 'an old archived turn', { archived: true });
    await insertFact(db, 'user.food', 'likes pasta');
    await insertDecision(db, 'which host', 'Vercel', 'fast previews');
    await insertBrain(db, 'identity.name', 'Ada', 'the agent name');
    await insertBrain(db, 'session.active_work', { task: 'migration' });
    assert.equal((await countPending(db)).total, 6);

    const indexer = createIndexer({ db, embedder: counting.embedder, intervalMs: 60_000 });
    try {
      await indexer.flush();
      assert.equal(indexer.lastError, null);
    } finally {
      await indexer.close();
    }
    assert.deepEqual(await embeddingState(db), { pending: 0, dims: [16] });
    assert.deepEqual(await countPending(db), { episodes: 0, facts: 0, decisions: 0, brain: 0, total: 0 });
    assert.deepEqual(await readBinding(db), { model: 'test:counting', dimension: 16, index: 'hnsw' });
    assert.deepEqual(counting.seen.slice().sort(), [
      'an old archived turn',
      'deploy\npushed the fix to production',
      'identity name\nthe agent name\nAda',
      'session active_work\n{"task": "migration"}',
      'user.food\nlikes pasta',
      'which host\nVercel\nfast previews',
    ]);
  });

  it('picks up new rows after notify(), and flush() waits for them', async () => {
    const db = ctx.db();
    const indexer = createIndexer({ db, embedder: counting.embedder, intervalMs: 60_000, debounceMs: 0 });
    try {
      await indexer.flush();
      const before = counting.seen.length;
      for (let i = 0; i < 40; i++) await insertEpisode(db, `turn number ${i}`);
      indexer.notify();
      await indexer.flush();
      assert.equal(counting.seen.length, before + 40);
      assert.equal((await embeddingState(db)).pending, 0);
    } finally {
      await indexer.close();
    }
    await assert.rejects(indexer.flush(), UnavailableError);
  });

  it('refuses to embed with another model', async () => {
    const db = ctx.db();
    await insertEpisode(db, 'pending one');
    const other = countingEmbedder(16, { id: 'test:other' });
    await assert.rejects(embedPending({ db, embedder: other.embedder }), DimensionMismatchError);
    assert.equal(other.calls, 0);
    assert.equal(await embedPending({ db, embedder: counting.embedder, limit: 10 }), 1);
  });

  it('keeps rows pending when the model fails, reports it, and catches up later', async () => {
    const db = ctx.db();
    await insertFact(db, 'x', 'will fail first');
    let fail = true;
    const flaky = createFunctionEmbedder({
      id: 'test:counting',
      dimension: 16,
      embed: async (texts) => {
        if (fail) throw new UnavailableError('model down');
        return texts.map(() => new Array(16).fill(0.25));
      },
    });
    const errors: unknown[] = [];
    const indexer = createIndexer({
      db,
      embedder: flaky,
      intervalMs: 60_000,
      onError: (e) => errors.push(e),
    });
    try {
      await assert.rejects(indexer.flush(), /model down/);
      assert.ok(indexer.lastError instanceof UnavailableError);
      assert.equal((await embeddingState(db)).pending, 1);
      fail = false;
      await indexer.flush();
      assert.equal(indexer.lastError, null);
      assert.equal((await embeddingState(db)).pending, 0);
      assert.ok(errors.length >= 1);
    } finally {
      await indexer.close();
    }
  });
});

describeBackends('embedding indexer: concurrent workers', (ctx) => {
  it('never embeds a row twice when several embedPending calls run at once', async () => {
    const a = ctx.db();
    const b = ctx.backend === 'postgres' ? await openStore(ctx.location()) : a;
    try {
      const rows = 120;
      await a.query(
        `insert into episodes (tenant_id, role, content) select 't1', 'user', 'episode ' || g from generate_series(1, $1) g`,
        [rows],
      );
      const counting = countingEmbedder(8, { delayMs: 5, maxBatch: 8 });
      const results = await Promise.all([
        embedPending({ db: a, embedder: counting.embedder, batchSize: 8 }),
        embedPending({ db: b, embedder: counting.embedder, batchSize: 8 }),
        embedPending({ db: a, embedder: counting.embedder, batchSize: 8 }),
      ]);
      assert.equal(
        results.reduce((s, n) => s + n, 0),
        rows,
      );
      assert.equal(counting.seen.length, rows, 'each row embedded exactly once');
      assert.equal(new Set(counting.seen).size, rows);
      assert.deepEqual(await embeddingState(a), { pending: 0, dims: [8] });
    } finally {
      if (b !== a) await b.close();
    }
  });
});

describeBackends('embedding indexer with the built-in model', (ctx) => {
  it('finds a deploy for "deployment" by meaning, through pgvector', async () => {
    const db = ctx.db();
    await insertEpisode(db, 'I had pasta for dinner');
    await insertEpisode(db, 'pushed code to Vercel');
    await insertEpisode(db, 'the cat sleeps on the sofa');
    const embedder = createBuiltinEmbedder();
    assert.equal(await embedPending({ db, embedder }), 3);
    const [q] = await embedder.embed(['deployment']);
    const { rows } = await db.query<{ content: string }>(
      'select content from episodes order by embedding <=> $1::vector limit 1',
      [toVectorLiteral(q)],
    );
    assert.equal(rows[0].content, 'pushed code to Vercel');
  });
});
