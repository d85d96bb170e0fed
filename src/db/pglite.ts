import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { UnavailableError } from '../errors.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import type { Db, QueryResult } from './db.js';
import { TransactionDb } from './tx.js';

/**
 * Parsers shared by both drivers so rows look the same on PGlite and on a server:
 * int8 and numeric come back as JS numbers (counts, sizes: all far below 2^53).
 */
const numberParsers = {
  [types.INT8]: (v: string) => Number(v),
  [types.NUMERIC]: (v: string) => Number(v),
};

/** How to open an embedded store (see {@link openPglite}). */
export interface PgliteOptions {
  /**
   * For a job that reads or writes each row once (export, import, backup, restore):
   * PostgreSQL's buffer cache shrinks from the engine's 128 MB to 16 MB, and a folder
   * that holds no store yet is made (initdb) in a child process, whose memory is
   * returned to the system when it exits. Resident memory of such a job drops from
   * 380-890 MB to about 160-230 MB (BENCHMARKS.md, "Export and import in constant memory").
   */
  onePass?: boolean;
}

/**
 * Opens embedded PostgreSQL (PGlite) with pgvector. `dataDir` null keeps it in memory.
 * A folder is locked for this process until `close()` (see data-dir-lock.ts): a folder
 * held by another live process fails with `locked`.
 *
 * @example
 * const db = await openPglite('./.mnemo');
 */
export async function openPglite(dataDir: string | null, opts: PgliteOptions = {}): Promise<Db> {
  let pg: PGlite;
  let lock: DataDirLock | null = null;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new UnavailableError(
      `cannot create the data folder "${dataDir}": ${(e as Error).message}. Check the path and its permissions.`,
      e,
    );
  }
  if (dataDir) lock = await acquireDataDirLock(dataDir);
  try {
    if (dataDir && opts.onePass && !existsSync(join(dataDir, 'PG_VERSION'))) await initdbInChild(dataDir);
    pg = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      extensions: { vector },
      parsers: numberParsers,
      ...(opts.onePass ? { startParams: [...PGlite.defaultStartParams, ...ONE_PASS_SETTINGS] } : {}),
    });
  } catch (e) {
    lock?.release();
    throw new UnavailableError(
      `cannot open the embedded store${dataDir ? ` in "${dataDir}"` : ''}: ${(e as Error).message}. ` +
        'Check that the folder is writable and holds a mnemo store.',
      e,
    );
  }
  try {
    await pg.exec(SEARCH_SETTINGS);
  } catch (e) {
    await pg.close().catch(() => {});
    lock?.release();
    throw e;
  }
  return new PgliteDb(pg, lock);
}

/**
 * PostgreSQL settings of a one-pass job. Why: PGlite's resident memory is mostly its
 * shared buffers (128 MB, all touched at start) and, on a new folder, initdb's second
 * engine instance with a copy of its heap (peak 790-870 MB, never given back to the
 * system by WASM). A job that reads each row once gains nothing from a large cache.
 * Given on the command line, for this process only: PGlite's `postgresqlconf` option
 * would overwrite the folder's postgresql.conf for good.
 */
const ONE_PASS_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * Makes a new PGlite store (initdb) in `dataDir` in a child Node.js process, so that the
 * peak memory of initdb is the child's and ends with it. The caller holds the folder's lock.
 */
async function initdbInChild(dataDir: string): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script =
    `const { PGlite } = await import(${JSON.stringify(pglite)});` +
    `const pg = await PGlite.create({ dataDir: ${JSON.stringify(dataDir)} }); await pg.close();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const code = await new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', res);
  });
  if (code !== 0) throw new Error(`initdb in a child process exited with ${code}: ${err.trim().slice(-500)}`);
}

/**
 * pgvector search settings for every connection: HNSW scans go on past `ef_search`
 * (40) until the query's limit is met and enough rows pass its filter (iterative scans,
 * pgvector 0.8); without it recall's 100 nearest neighbours would stop at 40.
 */
export const SEARCH_SETTINGS = "set hnsw.iterative_scan = 'relaxed_order'";

class PgliteDb implements Db {
  readonly dialect = 'pglite' as const;
  private closed = false;

  constructor(
    private readonly pg: PGlite,
    private readonly lock: DataDirLock | null,
  ) {}

  private check(): void {
    if (this.closed) throw new UnavailableError('the store is closed; open it again with createMemory()');
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    this.check();
    const r = await this.pg.query<T>(sql, params);
    return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
  }

  async exec(sql: string): Promise<void> {
    this.check();
    await this.pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.check();
    return this.pg.transaction(async (tx) => {
      const runner = {
        query: async (sql: string, params: unknown[] = []) => {
          const r = await tx.query<Record<string, unknown>>(sql, params);
          return { rows: r.rows, rowCount: r.affectedRows || r.rows.length };
        },
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      };
      const handle = new TransactionDb('pglite', runner, this);
      try {
        return await fn(handle);
      } finally {
        handle.end();
      }
    });
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    this.check();
    const unsub = await this.pg.listen(channel, onPayload);
    return async () => {
      if (!this.closed) await unsub();
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.pg.close();
    } finally {
      // Only once PGlite has written everything: the next owner opens a complete folder.
      this.lock?.release();
    }
  }
}
