/**
 * Import on each backend: tenant remap, export filters, embeddings of another model
 * left to the indexer, and refusals: a damaged line (named, target unchanged after a
 * dry run), a foreign file, an unknown format version, a newer schema, a file cut
 * short; a bad line in batch 3 leaves whole batches only and a rerun completes it.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { StoreLocation } from '../../src/db/db.js';
import { MnemoError } from '../../src/errors.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { exportStore } from '../../src/transfer/export-service.js';
import { importStore } from '../../src/transfer/import-service.js';
import { TRANSFER_TABLES } from '../../src/transfer/transfer-tables.js';
import { describeBackends, freshLocation } from '../support/backends.js';
import { counts, digests, exportLines, recallStats, seedStore } from './transfer-helpers.js';

async function open(loc: StoreLocation, dimension = 16): Promise<LocalMemory> {
  return createMemory({
    ...(loc.kind === 'postgres' ? { databaseUrl: loc.url } : { dataDir: ':memory:' }),
    embedder: createHashEmbedder({ dimension }),
    indexer: false,
  });
}

async function refused(p: Promise<unknown>): Promise<MnemoError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MnemoError, `a MnemoError, got ${e}`);
    return e;
  }
  assert.fail('the import was not refused');
}

describeBackends('import', (ctx) => {
  let source: LocalMemory;
  let lines: string[];
  const cleanups: (() => Promise<void>)[] = [];
  /** A fresh, empty store of this backend. */
  const fresh = async (dimension = 16) => {
    const f = await freshLocation(ctx.backend);
    const mem = await open(f.loc, dimension);
    cleanups.push(async () => {
      await mem.close();
      await f.cleanup();
    });
    return mem;
  };
  before(async () => {
    source = await createMemory({
      db: ctx.db(),
      embedder: createHashEmbedder({ dimension: 16 }),
      indexer: false,
    });
    await seedStore(source, 'acme');
    await source.flush();
    lines = await exportLines(source, { tenant: 'acme', include: ['keys', 'usage'] });
  });
  after(async () => {
    await source?.close();
    for (const c of cleanups) await c();
  });

  it('covers every column of every table but the derived ones (a new migration must extend the registry)', async () => {
    const { rows } = await ctx.db().query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and column_name <> 'tsv'`,
    );
    const stored = new Map<string, Set<string>>();
    for (const r of rows)
      stored.set(r.table_name, (stored.get(r.table_name) ?? new Set()).add(r.column_name));
    const derived = ['recall_stats', 'recall_stats_delta', 'meta', 'schema_migrations'];
    const exported = new Map<string, Set<string>>();
    for (const t of TRANSFER_TABLES)
      exported.set(t.source, new Set([...(exported.get(t.source) ?? []), ...t.columns.map((c) => c.name)]));
    assert.deepEqual(
      [...stored.keys()].filter((t) => !derived.includes(t)).sort(),
      [...exported.keys()].sort(),
    );
    for (const [t, columns] of exported)
      assert.deepEqual([...columns].sort(), [...(stored.get(t) ?? [])].sort(), t);
  });

  it('remaps the tenant and nothing else', async () => {
    const target = await fresh();
    const r = await importStore(target, lines, { tenantRemap: { acme: 'initech' } });
    assert.equal(r.embeddings, 'kept');
    assert.deepEqual(await digests(target.db, 'initech'), await digests(source.db, 'acme', 'initech'));
    const other = await target.db.query<{ n: number }>(
      `select count(*)::int as n from facts where tenant_id <> 'initech'`,
    );
    assert.equal(other.rows[0].n, 0);
    const stats = await recallStats(target.db);
    assert.deepEqual(stats.stored, stats.exact);
  });

  it('refuses to copy a tenant within its own store (ids are kept), writing nothing', async () => {
    for (const dryRun of [true, false]) {
      const e = await refused(importStore(source, lines, { tenantRemap: { acme: 'clone' }, dryRun }));
      assert.equal(e.code, 'conflict');
      assert.match(e.message, /^lines \d+-\d+: 6 episodes ids are held by another tenant in this store/);
    }
    const { rows } = await source.db.query<{ n: number }>(
      `select (select count(*) from brain where tenant_id = 'clone') + (select count(*) from sessions where tenant_id = 'clone') as n`,
    );
    assert.equal(Number(rows[0].n), 0);
  });

  it('exports only what the filters select', async () => {
    const alice = (await exportLines(source, { tenant: 'acme', user: 'alice' })).slice(1, -1);
    const tables = new Set(alice.map((l) => JSON.parse(l).table));
    for (const l of alice) assert.equal(JSON.parse(l).row.user_id ?? 'alice', 'alice', l);
    assert.ok(tables.has('episodes') && tables.has('facts') && tables.has('brain_history'));
    assert.ok(!tables.has('purge_audit'), 'a table without users is left out of a user filter');
    const s1 = (await exportLines(source, { tenant: 'acme', session: 's1' }))
      .slice(1, -1)
      .map((l) => JSON.parse(l));
    assert.ok(s1.length > 0 && !s1.some((l) => l.table === 'brain'), 'brain keys have no session');
    for (const l of s1) assert.equal(l.row.session_id ?? l.row.id, 's1');
    const late = await exportLines(source, { tenant: 'acme', since: '2100-01-01' });
    assert.equal(late.length, 2, 'header and end line only');
    assert.deepEqual(JSON.parse(late[0]).filters, { tenant: 'acme', since: '2100-01-01T00:00:00.000Z' });
    const keys = (await exportLines(source, { tenant: 'acme', include: ['keys'] })).map((l) => JSON.parse(l));
    assert.ok(keys.some((l) => l.table === 'api_keys') && !keys.some((l) => l.table === 'usage_events'));
    assert.ok(!keys.some((l) => l.table === 'api_keys' && 'key' in l.row), 'only the hash travels');
  });

  it('releases the store when an export is stopped early', async () => {
    let n = 0;
    for await (const _ of exportStore(source, { pageSize: 2 })) if (++n === 3) break;
    const { rows } = await source.db.query<{ n: number }>('select count(*)::int as n from episodes');
    assert.ok(rows[0].n > 0, 'the store answers after the export ended');
    assert.throws(() => exportStore(source, { since: 'yesterday' }), /"since": /);
  });

  it('leaves embeddings of another model to the background indexer', async () => {
    const target = await fresh(8);
    const r = await importStore(target, lines);
    assert.equal(r.embeddings, 'dropped');
    const { rows } = await target.db.query<{ n: number }>(
      'select count(*)::int as n from episodes where embedding is not null',
    );
    assert.equal(rows[0].n, 0);
    await target.flush();
    const after = await target.db.query<{ n: number }>(
      'select count(*)::int as n from episodes where embedding is null',
    );
    assert.equal(after.rows[0].n, 0, 'the indexer embedded every imported row');
  });

  it('refuses a damaged line with its number and, after a dry run, writes nothing', async () => {
    const target = await fresh();
    const bad = [...lines];
    bad[5] = bad[5].slice(0, 40);
    const e = await refused(importStore(target, bad, { dryRun: true }));
    assert.equal(e.code, 'invalid_input');
    assert.match(e.message, /^line 6: is not valid JSON/);
    const wrongType = [...lines];
    wrongType[3] = wrongType[3]
      .replace(/"importance": \d+/, '"importance": "high"')
      .replace(/"version": \d+/, '"version": "x"');
    const e2 = await refused(importStore(target, wrongType, { dryRun: true }));
    assert.match(e2.message, /^line 4: \w+ "row\.\w+": /);
    const total = Object.values(await counts(target.db)).reduce((a, b) => a + b, 0);
    assert.equal(total, 0, 'nothing written');
  });

  it('refuses a foreign file, an unknown format version and a newer schema before writing', async () => {
    const target = await fresh();
    const foreign = await refused(importStore(target, ['{"hello":"world"}', ...lines.slice(1)]));
    assert.match(foreign.message, /^line 1: is not a mnemo export header/);
    const v2 = await refused(
      importStore(target, [lines[0].replace('"version":1', '"version":2'), ...lines.slice(1)]),
    );
    assert.equal(v2.code, 'invalid_input');
    assert.match(v2.message, /^line 1: format version 2 is not one this mnemo reads/);
    const newer = await refused(
      importStore(target, [
        lines[0].replace(/"schemaVersion":\d+/, '"schemaVersion":999'),
        ...lines.slice(1),
      ]),
    );
    assert.equal(newer.code, 'schema_too_new');
    const unknown = await refused(
      importStore(target, [lines[0], '{"table":"secrets","row":{}}', ...lines.slice(1)]),
    );
    assert.match(unknown.message, /^line 2: unknown table "secrets"/);
    const total = Object.values(await counts(target.db)).reduce((a, b) => a + b, 0);
    assert.equal(total, 0, 'nothing written');
  });

  it('refuses a file cut short, naming how far it got', async () => {
    const target = await fresh();
    const e = await refused(importStore(target, lines.slice(0, -1), { batchSize: 5 }));
    assert.match(e.message, /ends without its end line: it was cut short/);
    assert.equal(e.details?.committedLine, 1 + Math.floor((lines.length - 2) / 5) * 5);
  });

  it('keeps whole batches when batch 3 holds a bad line, and a rerun completes the import', async () => {
    const target = await fresh();
    const bad = [...lines];
    bad[12] = bad[12].replace('"tenant_id"', '"tenant"');
    const e = await refused(importStore(target, bad, { batchSize: 5 }));
    assert.match(e.message, /^line 13: /);
    assert.equal(e.details?.committedLine, 11, 'header and two batches of 5');
    const written = Object.values(await counts(target.db)).reduce((a, b) => a + b, 0);
    const linked = lines.slice(1, 11).filter((l) => l.startsWith('{"table":"fact_links"')).length;
    assert.equal(written, 10 - linked, 'exactly the rows of the committed lines');
    let stats = await recallStats(target.db);
    assert.deepEqual(stats.stored, stats.exact);
    // A row the store refuses (a check constraint zod does not know) is named too; its batch rolls back.
    const refusedRow = [...lines];
    // The first user turn (ids are random, so which episode comes first is not fixed).
    const i = refusedRow.findIndex(
      (l) => l.startsWith('{"table":"episodes"') && l.includes('"role": "user"'),
    );
    assert.ok(i > 0, 'the export holds a user turn');
    refusedRow[i] = refusedRow[i].replace('"role": "user"', '"role": "robot"');
    const e2 = await refused(importStore(target, refusedRow, { batchSize: 5 }));
    assert.match(e2.message, new RegExp(`^line ${i + 1}: the store refused this episodes row`));
    const r = await importStore(target, lines, { batchSize: 5 });
    assert.equal(r.committedLine, lines.length);
    assert.deepEqual(await digests(target.db, 'acme'), await digests(source.db, 'acme'));
    stats = await recallStats(target.db);
    assert.deepEqual(stats.stored, stats.exact);
  });
});
