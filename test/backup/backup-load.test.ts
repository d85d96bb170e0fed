/**
 * The done-when of backups: a backup taken under write load restores to a store holding
 * every write acknowledged before the backup began, and no write in part. A writer
 * appends batches of episodes (each batch one transaction) and reports each
 * acknowledgement with its time; a backup is taken while it runs; the backup is restored
 * into a fresh store and checked batch by batch.
 *
 * On PostgreSQL the writer is a separate process (test/backup/write-child.ts) and the
 * backup is taken through another connection, in each format. On PGlite only one process
 * can open a store, so the writer runs in this process on the same open store, as the
 * requests of `mnemo serve` run beside its scheduled backup.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { type BackupResult, backupStore } from '../../src/backup/backup-service.js';
import { restoreStore } from '../../src/backup/restore-service.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { type BackendName, freshLocation, PG_URL } from '../support/backends.js';
import { BATCH, LOAD_TENANT, writeLoop } from './write-loop.js';

const child = join(import.meta.dirname, 'write-child.ts');

/** Acknowledged batches: batch number -> ack time (ms). */
type Acks = Map<number, number>;

const waitFor = async (cond: () => boolean, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/** Restores `backup` into a fresh store of `backend` and checks it against the acknowledgements. */
async function checkRestored(backend: BackendName, backup: BackupResult, acks: Acks): Promise<void> {
  const f = await freshLocation(backend);
  const mem = await createMemory({
    ...(f.loc.kind === 'postgres' ? { databaseUrl: f.loc.url } : { dataDir: ':memory:' }),
    embedder: null,
    indexer: false,
  });
  try {
    await restoreStore({ store: mem, location: f.loc, file: backup.file });
    const { rows } = await mem.db.query<{ session_id: string; n: number; parts: string[] }>(
      `select session_id, count(*)::int as n, array_agg(content order by content) as parts
         from episodes where tenant_id = $1 group by session_id`,
      [LOAD_TENANT],
    );
    const restored = new Map(rows.map((r) => [Number(r.session_id.slice(1)), r]));
    for (const [i, r] of restored) {
      assert.equal(r.n, BATCH, `batch ${i} is whole (${r.n} of ${BATCH} episodes)`);
      assert.deepEqual(
        r.parts,
        Array.from({ length: BATCH }, (_, k) => `batch ${i} part ${k}`),
      );
    }
    const began = backup.startedAt.getTime();
    const before = [...acks].filter(([, at]) => at < began).map(([i]) => i);
    assert.ok(before.length >= 10, `writes were acknowledged before the backup (${before.length})`);
    const missing = before.filter((i) => !restored.has(i));
    assert.deepEqual(
      missing,
      [],
      `${backup.format}: every batch acknowledged before the backup began is restored`,
    );
  } finally {
    await mem.close();
    await f.cleanup();
  }
}

describe('backup under write load [postgres]', {
  skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-backup-load-'));
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every write acknowledged before the backup began, whole, in each format', async () => {
    const f = await freshLocation('postgres');
    cleanups.push(f.cleanup);
    const url = (f.loc as { url: string }).url;
    const mem = await createMemory({ databaseUrl: url, embedder: null, indexer: false });
    cleanups.push(() => mem.close());
    const writer = spawn(process.execPath, ['--import', 'tsx', child, url], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => writer.once('exit', r));
    const acks: Acks = new Map();
    createInterface({ input: writer.stdout }).on('line', (l) => {
      const m = /^ack (\d+) (\d+)$/.exec(l);
      if (m) acks.set(Number(m[1]), Number(m[2]));
    });
    try {
      const backups: BackupResult[] = [];
      for (const format of ['pg_dump', 'export'] as const) {
        await waitFor(() => acks.size >= 10 * (backups.length + 1), 'the writer');
        const seen = acks.size;
        backups.push(await backupStore({ store: mem, location: f.loc, dir, format }));
        await waitFor(() => acks.size >= seen + 3, 'writes after the backup');
      }
      writer.stdin.end();
      await exited;
      for (const b of backups) await checkRestored('postgres', b, acks);
    } finally {
      writer.kill();
    }
  });
});

describe('backup under write load [pglite]', () => {
  it('restores every write acknowledged before the backup began, whole (writer in this process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-backup-load-'));
    const mem: LocalMemory = await createMemory({ dataDir: ':memory:', embedder: null, indexer: false });
    const acks: Acks = new Map();
    let stop = false;
    const writing = writeLoop(
      mem,
      (i, at) => acks.set(i, at),
      () => stop,
    );
    try {
      await waitFor(() => acks.size >= 10, 'the writer');
      const seen = acks.size;
      const backup = await backupStore({ store: mem, dir });
      await waitFor(() => acks.size >= seen + 3, 'writes after the backup');
      stop = true;
      await writing;
      await checkRestored('pglite', backup, acks);
    } finally {
      stop = true;
      await writing.catch(() => {});
      await mem.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
