/**
 * The dialect loop: every contract test runs on embedded PGlite and, when
 * MNEMO_TEST_DATABASE_URL is set (CI always sets it), on a PostgreSQL server,
 * each in a fresh database of its own.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { Db, StoreLocation } from '../../src/db/db.js';
import { openStore } from '../../src/db/open.js';

export type BackendName = 'pglite' | 'postgres';

/** Server URL for the PostgreSQL suite; unset locally means that suite is skipped (and says so). */
export const PG_URL = process.env.MNEMO_TEST_DATABASE_URL;

/** Creates a fresh, empty database on the test server and returns its URL and a dropper. */
export async function createTestDatabase(
  prefix = 'mnemo_t',
): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('MNEMO_TEST_DATABASE_URL is not set');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * The migrated PGlite store `npm test` makes once per run (scripts/run-tests.mjs); unset
 * when a test file runs by itself, and each block then makes its store from nothing.
 */
const PGLITE_TEMPLATE = process.env.MNEMO_TEST_PGLITE_TEMPLATE;

/**
 * Fills `dir` with a copy of the run's migrated template; false (and `dir` left alone)
 * when there is none.
 *
 * @example
 * copyPgliteTemplate(mkdtempSync(join(tmpdir(), 'mnemo-cli-')));
 */
export function copyPgliteTemplate(dir: string): boolean {
  if (!PGLITE_TEMPLATE) return false;
  cpSync(PGLITE_TEMPLATE, dir, { recursive: true });
  return true;
}

/**
 * A fresh embedded store: a copy of the run's migrated template in a folder of its own
 * (removed by the cleanup), else an in-memory store made from nothing.
 */
function freshPglite(): { loc: StoreLocation; cleanup(): Promise<void> } {
  if (!PGLITE_TEMPLATE) return { loc: { kind: 'pglite', dataDir: null }, cleanup: async () => {} };
  // Inside the template's folder, which the run removes at its end whatever a test left.
  const root = mkdtempSync(join(dirname(PGLITE_TEMPLATE), 'copy-'));
  const dataDir = join(root, 'store');
  copyPgliteTemplate(dataDir);
  return {
    loc: { kind: 'pglite', dataDir },
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A fresh store on one backend: its location (to open more connections) and a cleanup. */
export async function freshLocation(
  backend: BackendName,
): Promise<{ loc: StoreLocation; cleanup(): Promise<void> }> {
  if (backend === 'pglite') return freshPglite();
  const t = await createTestDatabase();
  return { loc: { kind: 'postgres', url: t.url }, cleanup: t.drop };
}

/** What a contract test gets from the loop. */
export interface BackendContext {
  backend: BackendName;
  /** The migrated store of this describe block (valid inside tests). */
  db(): Db;
  /** Where it lives (a PGlite in-memory store cannot be opened twice). */
  location(): StoreLocation;
}

/**
 * Runs `fn` once per backend inside `describe(`${title} [backend]`)`, with a fresh,
 * migrated store shared by the tests of that block.
 *
 * @example
 * describeBackends('brain', (ctx) => { it('sets', async () => { await ctx.db().query('select 1') }) });
 */
export function describeBackends(title: string, fn: (ctx: BackendContext) => void): void {
  for (const backend of ['pglite', 'postgres'] as const) {
    const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
    describe(`${title} [${backend}]`, { skip }, () => {
      let db: Db | undefined;
      let loc: StoreLocation | undefined;
      let cleanup = async () => {};
      before(async () => {
        const f = await freshLocation(backend);
        loc = f.loc;
        cleanup = f.cleanup;
        db = await openStore(loc);
      });
      fn({
        backend,
        db: () => {
          if (!db) throw new Error('store not open yet');
          return db;
        },
        location: () => {
          if (!loc) throw new Error('store not open yet');
          return loc;
        },
      });
      // Registered after fn's hooks so that it runs after them (node:test runs a block's
      // after hooks in order, and stops at the first that throws): the block's servers
      // and memories close before their store does, and a failed drop cannot leave a
      // server open that would keep the test process from ever exiting.
      after(async () => {
        await db?.close();
        await cleanup();
      });
    });
  }
}
