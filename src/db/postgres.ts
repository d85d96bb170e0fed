import pg from 'pg';
import { InvalidInputError, type MnemoError, UnavailableError } from '../errors.js';
import type { Db, PoolStats, QueryResult } from './db.js';
import { TransactionDb } from './tx.js';

/** Per-pool type parsers (never the global ones): the same row shapes as PGlite. */
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (v: string) => Number(v); // int8, numeric
    return pg.types.getTypeParser(oid, format);
  },
};

/** Options of the server driver. */
export interface PostgresOptions {
  /** Pool size; default 10. */
  max?: number;
  /** Connect timeout in ms; default 5000. */
  connectTimeoutMs?: number;
}

/** Says which part of a connection string is at fault, without echoing the password. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the given address';
  }
}

/** Turns a driver error on connect into a typed, helpful error. */
export function connectError(url: string, e: unknown): MnemoError {
  const err = e as { code?: string; message?: string };
  const where = describe(url);
  if (
    err.code === 'ECONNREFUSED' ||
    err.code === 'ENOTFOUND' ||
    err.code === 'EHOSTUNREACH' ||
    err.code === 'ETIMEDOUT'
  )
    return new UnavailableError(
      `cannot reach PostgreSQL at ${where} (${err.code}). Is the server running and is DATABASE_URL right?`,
      e,
    );
  if (err.code === '3D000')
    return new UnavailableError(`the database in ${where} does not exist: create it or fix DATABASE_URL`, e);
  if (err.code === '28P01' || err.code === '28000')
    return new UnavailableError(
      `PostgreSQL at ${where} refused the credentials: check user and password in DATABASE_URL`,
      e,
    );
  if (/timeout/i.test(err.message ?? ''))
    return new UnavailableError(
      `timed out connecting to PostgreSQL at ${where}. Is the server running and reachable?`,
      e,
    );
  return new UnavailableError(`cannot connect to PostgreSQL at ${where}: ${err.message ?? String(e)}`, e);
}

/**
 * Opens a pooled connection to a PostgreSQL server and checks it answers.
 *
 * @example
 * const db = await openPostgres('postgres://localhost:5432/mnemo');
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
  try {
    const u = new URL(url);
    if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error('protocol');
  } catch {
    throw new InvalidInputError(
      'the database URL is not valid: expected postgres://user:password@host:5432/database',
      'databaseUrl',
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    types: typeParsers,
    // Idle connections do not keep the process alive (a script that never closes still exits).
    allowExitOnIdle: true,
    // The same pgvector search settings as on PGlite (see SEARCH_SETTINGS there).
    options: '-c hnsw.iterative_scan=relaxed_order',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => {});
    throw connectError(url, e);
  }
  return new PostgresDb(pool, url);
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  private closed = false;
  private listener: pg.Client | null = null;
  private readonly handlers = new Map<string, Set<(payload: string) => void>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  poolStats(): PoolStats {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  private check(): void {
    if (this.closed) throw new UnavailableError('the store is closed; open it again with createMemory()');
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<QueryResult<T>> {
    this.check();
    const r = await this.pool.query(sql, params);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  }

  async exec(sql: string): Promise<void> {
    this.check();
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.check();
    const client = await this.pool.connect();
    const runner = {
      query: async (sql: string, params: unknown[] = []) => {
        const r = await client.query(sql, params);
        return { rows: r.rows as Record<string, unknown>[], rowCount: r.rowCount ?? r.rows.length };
      },
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    let broken = false;
    const tx = new TransactionDb('postgres', runner, this);
    try {
      await client.query('begin');
      const out = await fn(tx);
      tx.end();
      await client.query('commit');
      return out;
    } catch (e) {
      tx.end();
      try {
        await client.query('rollback');
      } catch {
        broken = true;
      }
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    this.check();
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel))
      throw new InvalidInputError('invalid channel name', 'channel');
    if (!this.listener) {
      const client = new pg.Client({ connectionString: this.url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (msg) => {
        for (const h of this.handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
      });
      this.listener = client;
    }
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      await this.listener.query(`listen ${channel}`);
    }
    set.add(onPayload);
    return async () => {
      const s = this.handlers.get(channel);
      if (!s) return;
      s.delete(onPayload);
      if (s.size === 0) {
        this.handlers.delete(channel);
        if (this.listener && !this.closed) await this.listener.query(`unlisten ${channel}`).catch(() => {});
      }
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.listener) await this.listener.end().catch(() => {});
    await this.pool.end();
  }
}
