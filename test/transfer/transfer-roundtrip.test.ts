/**
 * The done-when of export/import: a store filled on PGlite, exported, imported into
 * PostgreSQL and exported again gives the same content (per-table digests of canonical
 * rows, embeddings included), and the same the other way round. Importing twice adds
 * nothing; recall's statistics stay exact; new writes after an import do not collide
 * with imported identity values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreLocation } from '../../src/db/db.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { importStore } from '../../src/transfer/import-service.js';
import { type BackendName, freshLocation, PG_URL } from '../support/backends.js';
import { counts, digests, exportLines, recallStats, seedStore, withoutTime } from './transfer-helpers.js';

const embedder = createHashEmbedder({ dimension: 16 });

async function open(loc: StoreLocation): Promise<LocalMemory> {
  return createMemory({
    ...(loc.kind === 'postgres' ? { databaseUrl: loc.url } : { dataDir: ':memory:' }),
    embedder,
    indexer: false,
  });
}

for (const [from, to] of [
  ['pglite', 'postgres'],
  ['postgres', 'pglite'],
] as [BackendName, BackendName][]) {
  describe(`export ${from} -> import ${to} -> export again`, {
    skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
  }, () => {
    let source: LocalMemory;
    let target: LocalMemory;
    const cleanups: (() => Promise<void>)[] = [];
    before(async () => {
      const a = await freshLocation(from);
      const b = await freshLocation(to);
      cleanups.push(a.cleanup, b.cleanup);
      source = await open(a.loc);
      target = await open(b.loc);
      await seedStore(source, 'acme');
      await seedStore(source, 'globex');
      await source.flush();
    });
    after(async () => {
      await source?.close();
      await target?.close();
      for (const c of cleanups) await c();
    });

    it('gives the same content, embeddings included, and the same file', async () => {
      const first = await exportLines(source, { include: ['keys', 'usage'] });
      const embedded = await source.db.query<{ n: number }>(
        'select count(*)::int as n from episodes where embedding is not null',
      );
      assert.ok(embedded.rows[0].n > 0, 'the source has embeddings to carry');
      const r = await importStore(target, first);
      assert.equal(r.embeddings, 'kept');
      assert.equal(r.committedLine, first.length);
      assert.deepEqual(await digests(target.db), await digests(source.db));
      const second = await exportLines(target, { include: ['keys', 'usage'] });
      assert.deepEqual(withoutTime(second), withoutTime(first));
      const stats = await recallStats(target.db);
      assert.ok(stats.exact.length > 0);
      assert.deepEqual(stats.stored, stats.exact, 'recall statistics exact after the import');
    });

    it('adds nothing when the same file is imported again', async () => {
      const lines = await exportLines(source, { include: ['keys', 'usage'] });
      const before = await counts(target.db);
      const r = await importStore(target, lines);
      for (const [t, c] of Object.entries(r.tables)) assert.equal(c.added, 0, `${t} added nothing`);
      assert.deepEqual(await counts(target.db), before);
      assert.deepEqual(await digests(target.db), await digests(source.db));
      const stats = await recallStats(target.db);
      assert.deepEqual(stats.stored, stats.exact);
    });

    it('lets new writes follow the imported ones (identity sequences moved past them)', async () => {
      const max = await target.db.query<{ seq: number }>('select max(seq)::int as seq from episodes');
      const e = await target.episodes.append({ scope: { tenant: 'acme' }, content: 'after the import' });
      const row = await target.db.query<{ seq: number }>('select seq::int from episodes where id = $1', [
        e.id,
      ]);
      assert.ok(row.rows[0].seq > max.rows[0].seq);
      const top = await target.db.query<{ id: number }>('select max(id)::int as id from brain_history');
      await target.brain.set({
        scope: { tenant: 'acme', user: 'alice' },
        key: 'identity.note',
        value: 'new',
      });
      const h = await target.db.query<{ id: number }>(
        `select max(id)::int as id from brain_history where tenant_id = 'acme' and key = 'identity.note'`,
      );
      assert.ok(h.rows[0].id > top.rows[0].id, 'history ids follow the imported ones');
    });
  });
}
