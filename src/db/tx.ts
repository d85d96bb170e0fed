import type { Db, Dialect, QueryResult } from './db.js';

/** Runs one statement on the connection a transaction holds. */
export type Runner = {
  query(sql: string, params?: unknown[]): Promise<QueryResult<Record<string, unknown>>>;
  exec(sql: string): Promise<void>;
};

let savepointSeq = 0;

/**
 * A {@link Db} bound to one open transaction. Nested `transaction` calls become
 * savepoints, so services can compose without knowing whether a caller already
 * opened a transaction.
 */
export class TransactionDb implements Db {
  constructor(
    readonly dialect: Dialect,
    private readonly runner: Runner,
    private readonly parent: Db,
  ) {}

  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    return (await this.runner.query(sql, params)) as QueryResult<T>;
  }

  exec(sql: string): Promise<void> {
    return this.runner.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const name = `mnemo_sp_${++savepointSeq}`;
    await this.runner.exec(`savepoint ${name}`);
    try {
      const out = await fn(this);
      await this.runner.exec(`release savepoint ${name}`);
      return out;
    } catch (e) {
      await this.runner.exec(`rollback to savepoint ${name}`);
      throw e;
    }
  }

  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>> {
    return this.parent.listen(channel, onPayload);
  }

  async close(): Promise<void> {
    // A transaction handle does not own the connection: closing is the parent's job.
  }
}
