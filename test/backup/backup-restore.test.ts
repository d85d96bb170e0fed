/**
 * backupStore / restoreStore on each backend: a backup restores to the same content
 * (pg_dump and export format on PostgreSQL, export format on PGlite); --keep prunes only
 * mnemo backups, oldest first; bad folders, bad keep values, files that are not backups,
 * damaged or newer-schema backups and non-empty targets are refused with typed errors
 * and change nothing; one tenant restores into a live store and leaves the others alone.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { backupStore } from '../../src/backup/backup-service.js';
import { restoreStore } from '../../src/backup/restore-service.js';
import type { StoreLocation } from '../../src/db/db.js';
import { isMnemoError } from '../../src/errors.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { type BackendName, freshLocation, PG_URL } from '../support/backends.js';
import { canonicalRows, counts, DIGESTED, digests, seedStore } from '../transfer/transfer-helpers.js';

/** Identity numbers a live store may hand out afresh to restored rows (their own are taken). */
const RENUMBERED: Record<string, string> = { episodes: 'seq', brain_history: 'id', usage_events: 'id' };

/** One tenant's canonical rows per table, identity numbers left out. */
async function tenantRows(mem: LocalMemory, tenant: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of DIGESTED) {
    const drop = RENUMBERED[t];
    out[t] = (await canonicalRows(mem.db, t, tenant))
      .map((r) => {
        const o = JSON.parse(r) as Record<string, unknown>;
        if (drop) delete o[drop];
        return JSON.stringify(o);
      })
      .sort();
  }
  return out;
}

const embedder = createHashEmbedder({ dimension: 16 });

async function rejectsWith(p: Promise<unknown>, code: string, what: string): Promise<void> {
  await assert.rejects(p, (e) => isMnemoError(e) && e.code === code, what);
}

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  describe(`backup and restore [${backend}]`, {
    skip: backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-backup-'));
    const cleanups: (() => Promise<void>)[] = [];
    let source: LocalMemory;
    let sourceLoc: StoreLocation;
    let exportFile: string;
    let backups: string[] = [];
    /** The store the refusals are tried on, then the first backup restored into. */
    let target: { mem: LocalMemory; loc: StoreLocation };
    /** A fresh, migrated store on this backend (PGlite: in memory). */
    const fresh = async (): Promise<{ mem: LocalMemory; loc: StoreLocation }> => {
      const f = await freshLocation(backend);
      const loc = f.loc;
      const mem = await createMemory({
        ...(loc.kind === 'postgres' ? { databaseUrl: loc.url } : { dataDir: ':memory:' }),
        embedder,
        indexer: false,
      });
      cleanups.push(async () => {
        await mem.close();
        await f.cleanup();
      });
      return { mem, loc };
    };
    before(async () => {
      ({ mem: source, loc: sourceLoc } = await fresh());
      await seedStore(source, 'acme');
      await seedStore(source, 'globex');
      await source.flush();
    });
    after(async () => {
      for (const c of cleanups.reverse()) await c();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes a complete, timestamped file in the format the backend takes', async () => {
      const auto = await backupStore({ store: source, location: sourceLoc, dir });
      assert.equal(auto.format, backend === 'postgres' ? 'pg_dump' : 'export');
      assert.match(
        auto.file,
        backend === 'postgres' ? /mnemo-\d{8}T\d{6}Z\.dump$/ : /mnemo-\d{8}T\d{6}Z\.ndjson\.gz$/,
      );
      assert.ok(auto.bytes > 0);
      assert.deepEqual(auto.prunedFiles, []);
      const files = [auto.file];
      if (backend === 'postgres') {
        const exp = await backupStore({ store: source, location: sourceLoc, dir, format: 'export' });
        assert.equal(exp.format, 'export');
        files.push(exp.file);
        exportFile = exp.file;
      } else exportFile = auto.file;
      assert.equal(readdirSync(dir).filter((n) => n.endsWith('.partial')).length, 0, 'no partial file left');
      backups = files;
    });

    it('prunes only mnemo backups of the folder, oldest first, never the newest N', async () => {
      const d = join(dir, 'prune');
      mkdirSync(d);
      const others = [
        'notes.txt',
        'mnemo-latest.dump',
        'mnemo-20200105T000000Z.ndjson.gz.partial',
        'mnemo-20200101T000000Z.ndjson',
      ];
      for (const n of [
        ...others,
        'mnemo-20200101T000000Z.ndjson.gz',
        'mnemo-20200102T000000Z.dump',
        'mnemo-20200102T000000Z-1.ndjson.gz',
        'mnemo-20200103T000000Z.dump',
      ])
        writeFileSync(join(d, n), 'x');
      mkdirSync(join(d, 'mnemo-20200104T000000Z.dump'));
      const r = await backupStore({ store: source, location: sourceLoc, dir: d, keep: 2, format: 'export' });
      assert.deepEqual(r.prunedFiles, [
        'mnemo-20200101T000000Z.ndjson.gz',
        'mnemo-20200102T000000Z.dump',
        'mnemo-20200102T000000Z-1.ndjson.gz',
      ]);
      const left = readdirSync(d).sort();
      const newest = r.file.slice(d.length + 1);
      assert.deepEqual(
        left,
        [...others, 'mnemo-20200103T000000Z.dump', 'mnemo-20200104T000000Z.dump', newest].sort(),
      );
      const again = await backupStore({
        store: source,
        location: sourceLoc,
        dir: d,
        keep: 1,
        format: 'export',
      });
      assert.deepEqual(again.prunedFiles, ['mnemo-20200103T000000Z.dump', newest]);
      assert.ok(readdirSync(d).includes(again.file.slice(d.length + 1)));
    });

    it('refuses bad input with typed errors and changes nothing', async () => {
      const before = readdirSync(dir).sort();
      await rejectsWith(
        backupStore({ store: source, dir: join(dir, 'missing') }),
        'invalid_input',
        'missing dir',
      );
      await rejectsWith(backupStore({ store: source, dir: '/proc' }), 'invalid_input', 'unwritable dir');
      await rejectsWith(backupStore({ store: source, dir, keep: 0 }), 'invalid_input', 'keep 0');
      await rejectsWith(backupStore({ store: source, dir, keep: 1.5 }), 'invalid_input', 'keep 1.5');
      assert.deepEqual(readdirSync(dir).sort(), before, 'no file written or pruned');

      target = await fresh();
      const loc = target.loc;
      const empty = await counts(target.mem.db);
      const bad = join(dir, 'bad');
      mkdirSync(bad);
      const notBackup = join(bad, 'notes.txt');
      writeFileSync(notBackup, 'hello\n');
      const cut = join(bad, 'cut.ndjson.gz');
      const whole = readFileSync(exportFile);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      const text = gunzipSync(whole).toString('utf8');
      const future = join(bad, 'future.ndjson.gz');
      writeFileSync(future, gzipSync(text.replace(/"schemaVersion":\d+/, '"schemaVersion":999')));
      await rejectsWith(
        restoreStore({ store: target.mem, location: loc, file: notBackup }),
        'invalid_input',
        'not a backup',
      );
      await rejectsWith(
        restoreStore({ store: target.mem, location: loc, file: cut }),
        'invalid_input',
        'cut short',
      );
      await rejectsWith(
        restoreStore({ store: target.mem, location: loc, file: future }),
        'schema_too_new',
        'newer schema',
      );
      await rejectsWith(
        restoreStore({ store: target.mem, location: loc, file: join(bad, 'none') }),
        'invalid_input',
        'no file',
      );
      if (backend === 'postgres') {
        const dump = readFileSync(backups[0]);
        const cutDump = join(bad, 'cut.dump');
        writeFileSync(cutDump, dump.subarray(0, Math.floor(dump.length * 0.9)));
        await rejectsWith(
          restoreStore({ store: target.mem, location: loc, file: cutDump }),
          'invalid_input',
          'dump cut short',
        );
        // A dump of a newer mnemo: the source's schema_migrations says 999 while it is taken.
        await source.db.query(`insert into schema_migrations (version, name) values (999, 'future')`);
        let futureDump: string;
        try {
          futureDump = (
            await backupStore({ store: source, location: sourceLoc, dir: bad, format: 'pg_dump' })
          ).file;
        } finally {
          await source.db.query('delete from schema_migrations where version = 999');
        }
        await rejectsWith(
          restoreStore({ store: target.mem, location: loc, file: futureDump }),
          'schema_too_new',
          'newer dump',
        );
        await rejectsWith(
          restoreStore({ store: target.mem, location: loc, file: backups[0], tenant: 'acme' }),
          'invalid_input',
          'one tenant of a dump',
        );
      }
      assert.deepEqual(await counts(target.mem.db), empty, 'the target is unchanged');

      const want = await digests(source.db);
      await rejectsWith(
        restoreStore({ store: source, location: sourceLoc, file: exportFile }),
        'conflict',
        'not empty',
      );
      assert.deepEqual(await digests(source.db), want, 'a non-empty target is unchanged');
    });

    it('restores each backup to the same content, into a store that refused bad files before', async () => {
      const want = await digests(source.db);
      for (const [i, file] of backups.entries()) {
        const { mem, loc } = i === 0 ? target : await fresh();
        const r = await restoreStore({ store: mem, location: loc, file });
        assert.ok((r.tables.episodes?.rows ?? 0) > 0, `${file}: episodes restored`);
        assert.deepEqual(await digests(mem.db), want, `${file}: same content`);
      }
    });

    it('restores one tenant into a live store and leaves the other tenants alone', async () => {
      const { mem: live, loc } = await fresh();
      await seedStore(live, 'initech');
      const initech = await digests(live.db, 'initech');
      const r = await restoreStore({ store: live, location: loc, file: exportFile, tenant: 'acme' });
      assert.equal(r.tenant, 'acme');
      // Identity numbers (episode seq, history and usage ids) are kept when free; initech holds them here.
      assert.deepEqual(await tenantRows(live, 'acme'), await tenantRows(source, 'acme'));
      assert.deepEqual(await digests(live.db, 'initech'), initech, 'initech untouched');
      const globex = await digests(live.db, 'globex');
      for (const [t, d] of Object.entries(globex)) assert.match(d, /^0:/, `no globex ${t} restored`);
      const before = await counts(live.db);
      await rejectsWith(
        restoreStore({ store: live, location: loc, file: exportFile, tenant: 'nobody' }),
        'not_found',
        'absent tenant',
      );
      assert.deepEqual(await counts(live.db), before);
    });
  });
}
