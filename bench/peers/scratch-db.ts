/**
 * Scratch PostgreSQL databases for the peer benchmark: one per system and run, named
 * `peers_<system>_<time>`, created on the server of the admin URL and dropped at the
 * end (`--keep-db` keeps them and prints their names).
 *
 *   const db = await createScratchDb('postgres://postgres@127.0.0.1:5432/postgres', 'mem0');
 *   // ... db.url is postgres://postgres@127.0.0.1:5432/peers_mem0_<time>
 *   await db.drop();
 */
import pg from 'pg';

/** One scratch database: its name, its URL, and how to drop it. */
export interface ScratchDb {
  name: string;
  url: string;
  /** Runs ANALYZE on every table (after a bulk load, as autovacuum would later). */
  analyze(): Promise<void>;
  drop(): Promise<void>;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates `peers_<system>_<time>` on the server of `adminUrl` (any database there that
 * the user may connect to) and returns it. With `keep`, `drop` only says where it is.
 *
 * @example
 * const db = await createScratchDb(adminUrl, 'langgraph');
 */
export async function createScratchDb(adminUrl: string, system: string, keep = false): Promise<ScratchDb> {
  const name = `peers_${system.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${Date.now().toString(36)}`;
  await withClient(adminUrl, (c) => c.query(`create database ${name}`));
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    name,
    url,
    analyze: () => withClient(url, (c) => c.query('analyze')).then(() => {}),
    async drop() {
      if (keep) {
        console.error(`kept database ${name}`);
        return;
      }
      await withClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}
