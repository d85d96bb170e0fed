/**
 * An import into a store whose disk fills up: a real, small tmpfs (PGlite's folder on
 * it; on PostgreSQL, a tablespace on it holding the store's database, on a server of the
 * test's own: a full tablespace makes the server's checkpoints fail, which must not
 * reach the tests sharing the CI server). The import stops
 * with `unavailable` naming the last committed line; the store holds exactly the lines
 * up to it (whole batches); once the volume is grown, the same import completes and
 * the store's content is the source's, digest for digest.
 *
 * Mounting needs root (CI runs as root on this machine); elsewhere the block is skipped
 * and says why.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isMnemoError, type MnemoError } from '../../src/errors.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { importStore } from '../../src/transfer/import-service.js';
import type { BackendName } from '../support/backends.js';
import {
  cannotStartScratchPostgres,
  type ScratchPostgres,
  startScratchPostgres,
} from '../support/scratch-postgres.js';
import { digests, exportLines } from './transfer-helpers.js';

/** Why tmpfs cannot be mounted here, or null when it can. */
function cannotMount(): string | null {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'pipe' });
    execFileSync('umount', [dir]);
    return null;
  } catch (e) {
    return `cannot mount a tmpfs here: ${(e as Error).message}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MOUNT = cannotMount();
const MB = 1024 * 1024;

/** Bytes used on the file system at `dir`. */
function usedBytes(dir: string): number {
  const out = execFileSync('df', ['-B1', '--output=used', dir]).toString().trim().split('\n');
  return Number(out[out.length - 1]);
}

/** Episode text of ordinary words, so that it neither compresses away nor bloats the indexes. */
const WORDS = Array.from({ length: 2000 }, (_, i) => `w${((i * 7919) % 99991).toString(36)}`);
function text(): string {
  const b = randomBytes(200);
  return Array.from(b, (x, i) => WORDS[(x * 8 + i) % WORDS.length]).join(' ');
}

const EPISODES = 1600;
let made: Promise<{ source: LocalMemory; lines: string[] }> | undefined;
/** One source store for both blocks, exported once. */
function sourceStore(): Promise<{ source: LocalMemory; lines: string[] }> {
  made ??= (async () => {
    const source = await createMemory({ dataDir: ':memory:', embedder: null, indexer: false });
    for (let b = 0; b < EPISODES / 400; b++)
      await source.episodes.appendMany({
        scope: { tenant: 'default', user: 'ada', session: `s${b}` },
        episodes: Array.from({ length: 400 }, () => ({ content: text() })),
      });
    return { source, lines: await exportLines(source) };
  })();
  return made;
}
after(async () => (await made)?.source.close());

for (const backend of ['pglite', 'postgres'] as BackendName[]) {
  const skip = MOUNT ?? (backend === 'postgres' ? cannotStartScratchPostgres() : null) ?? false;
  describe(`import onto a full disk [${backend}]`, { skip }, () => {
    let server: ScratchPostgres | undefined;
    let mount = '';
    let source: LocalMemory;
    let target: LocalMemory | undefined;
    let lines: string[];

    function open(): Promise<LocalMemory> {
      if (!server) return createMemory({ dataDir: join(mount, 'store'), embedder: null, indexer: false });
      return createMemory({ databaseUrl: server.urlOf('full_disk'), embedder: null, indexer: false });
    }

    before(async () => {
      ({ source, lines } = await sourceStore());
      if (backend === 'postgres') {
        server = await startScratchPostgres();
        mount = join(server.folder, 'tablespace');
      } else mount = mkdtempSync(join(tmpdir(), 'mnemo-full-'));
      mkdirSync(mount, { recursive: true });
      const owner = server ? `,uid=${server.uid},gid=${server.gid},mode=0700` : '';
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=160m${owner}`, 'tmpfs', mount]);
      if (server) {
        await server.sql(`create tablespace full_disk location '${mount}'`);
        await server.sql('create database full_disk tablespace full_disk');
      }
      target = await open();
      // Room for about one batch more than the migrated, empty store holds.
      const room = usedBytes(mount) + 2 * MB;
      execFileSync('mount', ['-o', `remount,size=${room}`, 'tmpfs', mount]);
    });
    after(async () => {
      await target?.close().catch(() => {});
      server?.stop();
      if (mount)
        try {
          execFileSync('umount', [mount]);
        } catch {}
      server?.destroy();
      if (!server && mount) rmSync(mount, { recursive: true, force: true });
    });

    it('stops with unavailable and a resumable position; grown, the same import completes', async () => {
      const err = await importStore(target as LocalMemory, lines, { batchSize: 200 }).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(isMnemoError(err), `expected a typed error, got ${String(err)}`);
      const e = err as MnemoError;
      assert.equal(e.code, 'unavailable', e.message);
      assert.match(e.message, /out of disk space/);
      const committedLine = e.details?.committedLine as number;
      assert.ok(
        Number.isInteger(committedLine) && committedLine < lines.length,
        `committedLine ${committedLine}`,
      );
      assert.match(e.message, /run the same import again|nothing was imported/);

      // Whole batches only: the header line, then 200 episodes a batch.
      await (target as LocalMemory).close();
      execFileSync('mount', ['-o', 'remount,size=160m', 'tmpfs', mount]);
      target = await open();
      const { rows } = await target.db.query<{ n: number }>('select count(*)::int as n from episodes');
      assert.equal(rows[0].n, Math.max(0, committedLine - 1));
      assert.equal((committedLine - 1) % 200, 0);

      const r = await importStore(target, lines, { batchSize: 200 });
      assert.equal(r.tables.episodes.added, EPISODES - rows[0].n);
      assert.deepEqual(await digests(target.db), await digests(source.db));
    });
  });
}
