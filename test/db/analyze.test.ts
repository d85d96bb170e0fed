/**
 * Planner statistics where nothing else gathers them: PGlite has no autovacuum, and a
 * PostgreSQL server may have it off (this project's CI server does). Without them the
 * planner estimates one row per scope and recall's plans degrade (src/db/analyzer.ts).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { LocalMemory } from '../../src/api.js';
import { createMemory } from '../../src/memory.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

async function lastAnalyze(mem: LocalMemory): Promise<Date | null> {
  const { rows } = await mem.db.query<{ last_analyze: Date | null }>(
    "select last_analyze from pg_stat_user_tables where relname = 'episodes'",
  );
  return rows[0]?.last_analyze ?? null;
}

async function waitForAnalyze(mem: LocalMemory): Promise<Date | null> {
  let at: Date | null = null;
  for (let i = 0; i < 100 && !at; i++) {
    await new Promise((r) => setTimeout(r, 50));
    at = await lastAnalyze(mem);
  }
  return at;
}

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ content: `row ${i}` }));

it('the embedded store gathers planner statistics as it grows (PGlite has no autovacuum)', async () => {
  const mem = await createMemory({ dataDir: ':memory:', embedder: null });
  try {
    await mem.episodes.appendMany({ episodes: rows(100) });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await lastAnalyze(mem), null, 'a few rows do not trigger it');
    await mem.episodes.appendMany({ episodes: rows(2500) });
    assert.ok(await waitForAnalyze(mem), 'ANALYZE ran after 2,000 rows');
  } finally {
    await mem.close();
  }
});

it('on a server, mnemo runs ANALYZE itself exactly when autovacuum is off', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
}, async () => {
  const t = await createTestDatabase();
  const mem = await createMemory({ databaseUrl: t.url, embedder: null });
  try {
    const { rows: s } = await mem.db.query<{ on: string }>("select current_setting('autovacuum') as on");
    const autovacuum = s[0].on === 'on';
    await mem.episodes.appendMany({ episodes: rows(100) });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await lastAnalyze(mem), null, 'a few rows do not trigger it');
    await mem.episodes.appendMany({ episodes: rows(2500) });
    if (autovacuum) {
      // Left to autovacuum (whose runs show as last_autoanalyze, not last_analyze).
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await lastAnalyze(mem), null, 'autovacuum is on: mnemo leaves ANALYZE to it');
    } else {
      assert.ok(await waitForAnalyze(mem), 'autovacuum is off: mnemo ran ANALYZE after 2,000 rows');
    }
  } finally {
    await mem.close();
    await t.drop();
  }
});
