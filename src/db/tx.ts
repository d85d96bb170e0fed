import { UnavailableError } from '../errors.js';
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
 * opened a transaction. Once the transaction has ended (committed or rolled back) the
 * handle refuses every statement: late work (a timer, a promise nobody awaited) must not
 * run on a connection that went back to the pool, maybe into someone else's transaction.
 */
export class TransactionDb implements Db {
  private ended = false;

  constructor(
    readonly dialect: Dialect,
    private readonly runner: Runner,
    private readonly parent: Db,
  ) {}

  /** Called by the driver when the transaction commits or rolls back. */
  end(): void {
    this.ended = true;
  }

  private check(): void {
    if (this.ended)
      throw new UnavailableError(
        'this transaction has ended: run later work on the store (db), not on the transaction',
      );
  }

  async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    this.check();
    return (await this.runner.query(sql, params)) as QueryResult<T>;
  }

  async exec(sql: string): Promise<void> {
    this.check();
    return this.runner.exec(sql);
  }

  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    this.check();
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
