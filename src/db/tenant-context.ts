import type { Db } from './db.js';

/**
 * Thrown inside a tenant transaction to roll it back without an error of its own.
 *
 * @example
 * await runInTenant(db, 'acme', async (tx) => { await write(tx); if (refused) throw new Rollback(); });
 */
export class Rollback extends Error {}

/**
 * Runs `fn` with row-level security scoped to `tenant`: on a PostgreSQL server, in one
 * transaction with `mnemo.tenant` set and, when the connecting role would bypass the
 * policies (superuser, BYPASSRLS), as the role `mnemo_app`; `fn` gets that transaction
 * and every query it sends through it sees that tenant's rows only (migration 0011).
 * Queries on `db` itself run on the pool, outside it. On PGlite `fn` gets `db`
 * (one embedded process: every query already filters by tenant).
 *
 * @example
 * await runInTenant(db, 'acme', (tx) => tx.query('select count(*) from episodes')); // acme's rows only
 */
export async function runInTenant<T>(db: Db, tenant: string, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn(db);
  const switchRole = await needsRole(db);
  return db.transaction(async (tx) => {
    await tx.query("select set_config('mnemo.tenant', $1, true)", [tenant]);
    if (switchRole) await tx.exec('set local role mnemo_app');
    return fn(tx);
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
