import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Db } from '../../src/db/db.js';
import { UnavailableError } from '../../src/errors.js';
import { countPending, createIndexer } from '../../src/recall/embedding-indexer.js';
import {
  createProgressTracker,
  type EmbeddingProgress,
  formatEmbeddingProgress,
} from '../../src/recall/embedding-progress.js';
import { describeBackends } from '../support/backends.js';
import { countingEmbedder, embeddingState } from './indexer-helpers.js';

/** `n` fresh episodes waiting for an embedding (one statement), after emptying the table. */
async function backlog(db: Db, n: number): Promise<void> {
  await db.query('delete from episodes');
  await db.query(
    `insert into episodes (tenant_id, role, content)
     select 't1', 'user', 'turn ' || g || ' of the backlog' from generate_series(1, $1::int) g`,
    [n],
  );
}

describe('embedding progress tracker and its log line', () => {
  it('reports a backlog, progress at most every everyMs with rate and time left, then cleared', () => {
    let t = 0;
    const seen: EmbeddingProgress[] = [];
    const tracker = createProgressTracker({
      onProgress: (p) => seen.push(p),
      threshold: 100,
      everyMs: 10_000,
      now: () => t,
    });
    tracker.counted(99);
    assert.equal(tracker.reporting, false, 'below the threshold: nothing to say');
    tracker.counted(1000);
    assert.equal(tracker.reporting, true);
    t = 4000;
    tracker.embedded(200); // not yet 10 s since the last report
    t = 10_000;
    tracker.embedded(300);
    t = 12_000;
    tracker.embedded(100);
    t = 20_000;
    tracker.finished(0);
    assert.deepEqual(seen, [
      { state: 'backlog', pending: 1000, embedded: 0, elapsedSeconds: 0, rowsPerSecond: 0, etaSeconds: null },
      {
        state: 'progress',
        pending: 500,
        embedded: 500,
        elapsedSeconds: 10,
        rowsPerSecond: 50,
        etaSeconds: 10,
      },
      { state: 'cleared', pending: 0, embedded: 600, elapsedSeconds: 20, rowsPerSecond: 30, etaSeconds: 0 },
    ]);
    assert.equal(tracker.reporting, false);
  });

  it('says stopped with the rows left when the run ends with rows pending', () => {
    const seen: EmbeddingProgress[] = [];
    const tracker = createProgressTracker({ onProgress: (p) => seen.push(p), now: () => 1000 });
    tracker.counted(800);
    tracker.embedded(16);
    tracker.finished(undefined); // could not count: the estimate is used
    assert.equal(seen.at(-1)?.state, 'stopped');
    assert.equal(seen.at(-1)?.pending, 784);
  });

  it('formats each report as one line', () => {
    const base = { pending: 1200, embedded: 800, elapsedSeconds: 95, rowsPerSecond: 8.4, etaSeconds: 4000 };
    assert.equal(
      formatEmbeddingProgress({ ...base, state: 'progress' }),
      'embedding backlog: 1200 rows left, 8.4 rows/s, about 1 h 7 min to go (800 embedded in 1 min 35 s)',
    );
    assert.match(
      formatEmbeddingProgress({ ...base, state: 'backlog' }),
      /^embedding backlog: 1200 rows wait/,
    );
    assert.match(
      formatEmbeddingProgress({ ...base, state: 'cleared' }),
      /^embedding backlog cleared: 800 rows/,
    );
    assert.match(
      formatEmbeddingProgress({ ...base, state: 'stopped' }),
      /^embedding stopped with 1200 rows left .*next start$/,
    );
    assert.match(
      formatEmbeddingProgress({ ...base, state: 'progress', etaSeconds: null }),
      /time left unknown/,
    );
  });
});

describeBackends('embedding indexer progress and shutdown', (ctx) => {
  const counting = countingEmbedder(16, { maxBatch: 16 });

  it('reports a backlog through onProgress until it is cleared, and nothing for a few rows', async () => {
    const db = ctx.db();
    await backlog(db, 600);
    const seen: EmbeddingProgress[] = [];
    const indexer = createIndexer({
      db,
      embedder: counting.embedder,
      intervalMs: 60_000,
      onProgress: (p) => seen.push(p),
      progressEveryMs: 1,
    });
    try {
      await indexer.flush();
    } finally {
      await indexer.close();
    }
    assert.equal(seen[0].state, 'backlog');
    assert.equal(seen[0].pending, 600);
    const progress = seen.filter((p) => p.state === 'progress');
    assert.ok(progress.length > 0, JSON.stringify(seen));
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].pending < progress[i - 1].pending);
    const last = seen.at(-1) as EmbeddingProgress;
    assert.deepEqual([last.state, last.pending, last.embedded], ['cleared', 0, 600]);
    assert.equal((await countPending(db)).total, 0);

    await backlog(db, 10);
    seen.length = 0;
    const quiet = createIndexer({
      db,
      embedder: counting.embedder,
      intervalMs: 60_000,
      onProgress: (p) => seen.push(p),
    });
    await quiet.flush();
    await quiet.close();
    assert.deepEqual(seen, [], 'ten rows are no backlog');
    assert.equal((await countPending(db)).total, 0);
  });

  it('close() stops a backlog after the current batch: embedded rows keep their vectors, the rest stay pending', async () => {
    const db = ctx.db();
    await backlog(db, 2000);
    const seen: EmbeddingProgress[] = [];
    let calls = 0;
    let closing: Promise<void> | undefined;
    let indexer: ReturnType<typeof createIndexer> | undefined;
    const embedder = {
      ...counting.embedder,
      async embed(texts: string[]) {
        calls++;
        // Closed while the third batch is being embedded.
        if (calls === 3) closing = indexer?.close();
        return counting.embedder.embed(texts);
      },
    };
    indexer = createIndexer({ db, embedder, intervalMs: 60_000, onProgress: (p) => seen.push(p) });
    const flushing = indexer.flush();
    await assert.rejects(flushing, (e: unknown) => e instanceof UnavailableError && /closed/.test(e.message));
    await closing;
    assert.equal(calls, 3, 'no batch is started once close() is called');
    // The batch in flight is written: 3 batches of 16.
    assert.deepEqual(await embeddingState(db), { pending: 2000 - 48, dims: [16] });
    const last = seen.at(-1) as EmbeddingProgress;
    assert.deepEqual([last.state, last.pending, last.embedded], ['stopped', 2000 - 48, 48]);
    await assert.rejects(indexer.flush(), UnavailableError);

    // Nothing is lost: the next indexer embeds the rest.
    const next = createIndexer({ db, embedder: counting.embedder, intervalMs: 60_000 });
    await next.flush();
    await next.close();
    assert.deepEqual(await embeddingState(db), { pending: 0, dims: [16] });
  });
});
