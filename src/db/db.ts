/**
 * The database seam: everything mnemo does to PostgreSQL goes through this small
 * interface, implemented once for embedded PGlite and once for a server (`pg`).
 * Both run the very same SQL: there is no second dialect.
 */

/** Result of a query: the rows, typed by the caller, and how many rows were affected. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

/** Which engine is behind a {@link Db}. */
export type Dialect = 'pglite' | 'postgres';

/**
 * A connection to the store. `query` takes values only as parameters ($1, $2, ...);
 * identifiers never come from input (see `ident` in `sql.ts`).
 *
 * @example
 * const { rows } = await db.query<{ n: number }>('select $1::int as n', [42]);
 * await db.transaction(async (tx) => { await tx.query('insert ...', [..]); });
 */
export interface Db {
  readonly dialect: Dialect;
  /** One statement with parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: committed when it resolves, rolled back when it throws.
   * Inside a transaction, a nested call uses a savepoint.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel; returns a function that stops listening. Payloads arrive
   * only for notifications committed after the listen started.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the connection(s). Further calls fail with `unavailable`. */
  close(): Promise<void>;
  /** The connection pool's figures now (a PostgreSQL server's store only; absent on PGlite and in transactions). */
  poolStats?(): PoolStats;
}

/**
 * Connections of a store's pool: open ones, idle ones, and callers waiting for one.
 *
 * @example
 * db.poolStats?.() // => { total: 4, idle: 3, waiting: 0 }
 */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** Where a store lives, parsed from options or `DATABASE_URL` / `MNEMO_DATA_DIR`. */
export type StoreLocation =
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */ }
  | { kind: 'postgres'; url: string };
