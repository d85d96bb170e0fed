import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './db.js';

/**
 * The transaction of the request being served, when it runs in one tenant's
 * context. The PostgreSQL driver sends every query of that request through it, so
 * the row-level security policies (migration 0011) see `mnemo.tenant`.
 */
export const tenantTransaction = new AsyncLocalStorage<Db>();

/**
 * Transactions still open. A timer or promise started during a request keeps the
 * request's context after the transaction has ended: such late work must use the pool.
 */
const open = new WeakSet<Db>();

/** The open tenant transaction of the current request, if any. */
export function currentTenantTransaction(): Db | undefined {
  const tx = tenantTransaction.getStore();
  return tx && open.has(tx) ? tx : undefined;
}

/** Thrown inside a tenant transaction to roll it back without an error of its own. */
export class Rollback extends Error {}

/**
 * Runs `fn` with row-level security scoped to `tenant`: on a PostgreSQL server, in one
 * transaction with `mnemo.tenant` set and, when the connecting role would bypass the
 * policies (superuser, BYPASSRLS), as the role `mnemo_app`. On PGlite it just runs `fn`
 * (one embedded process: every query already filters by tenant).
 *
 * @example
 * await runInTenant(db, 'acme', () => db.query('select count(*) from episodes')); // acme's rows only
 */
export async function runInTenant<T>(db: Db, tenant: string, fn: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres' || currentTenantTransaction()) return fn();
  const switchRole = await needsRole(db);
  return db.transaction(async (tx) => {
    await tx.query("select set_config('mnemo.tenant', $1, true)", [tenant]);
    if (switchRole) await tx.exec('set local role mnemo_app');
    open.add(tx);
    try {
      return await tenantTransaction.run(tx, fn);
    } finally {
      open.delete(tx);
    }
  });
}

const roleCheck = new WeakMap<Db, Promise<boolean>>();

/** True when the connecting role skips row-level security and mnemo_app exists to switch to. */
function needsRole(db: Db): Promise<boolean> {
  let p = roleCheck.get(db);
  if (!p) {
    p = db
      .query<{ bypass: boolean; app: boolean }>(
        `select (r.rolsuper or r.rolbypassrls) as bypass,
           exists (select 1 from pg_roles where rolname = 'mnemo_app') and
           (r.rolsuper or pg_has_role(current_user, 'mnemo_app', 'member')) as app
         from pg_roles r where r.rolname = current_user`,
      )
      .then(({ rows }) => Boolean(rows[0]?.bypass && rows[0]?.app));
    roleCheck.set(db, p);
  }
  return p;
}
