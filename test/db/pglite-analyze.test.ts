import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createMemory } from '../../src/memory.js';

it('the embedded store gathers planner statistics as it grows (PGlite has no autovacuum)', async () => {
  const mem = await createMemory({ dataDir: ':memory:', embedder: null });
  try {
    const analyzed = async () =>
      (
        await mem.db.query<{ last_analyze: Date | null }>(
          "select last_analyze from pg_stat_user_tables where relname = 'episodes'",
        )
      ).rows[0]?.last_analyze ?? null;
    await mem.episodes.appendMany({
      episodes: Array.from({ length: 100 }, (_, i) => ({ content: `row ${i}` })),
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await analyzed(), null, 'a few rows do not trigger it');
    await mem.episodes.appendMany({
      episodes: Array.from({ length: 2500 }, (_, i) => ({ content: `row ${i}` })),
    });
    let at: Date | null = null;
    for (let i = 0; i < 100 && !at; i++) {
      await new Promise((r) => setTimeout(r, 50));
      at = await analyzed();
    }
    assert.ok(at, 'ANALYZE ran after 2,000 rows');
  } finally {
    await mem.close();
  }
});
