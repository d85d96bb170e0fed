import type { MiddlewareHandler } from 'hono';
import { Rollback, runInTenant } from '../db/tenant-context.js';
import type { LocalMemory } from '../memory.js';
import type { AppEnv } from './server-types.js';

/** Long-lived responses keep no transaction open: they rely on the query filters alone. */
const STREAMS = new Set(['/v1/observations/stream']);

/**
 * Runs the rest of an authenticated request in its tenant's row-level security
 * context (PostgreSQL only): one transaction per request, committed when the handler
 * succeeds and rolled back when it fails, so a refused request changes nothing.
 *
 * @example
 * app.use('/v1/*', authMiddleware({ keys }), tenantContext(memory));
 */
export function tenantContext(memory: LocalMemory): MiddlewareHandler<AppEnv> {
  const { db } = memory;
  return async (c, next) => {
    c.set('memory', memory);
    const auth = c.get('auth');
    if (!auth || db.dialect !== 'postgres' || STREAMS.has(c.req.path)) return next();
    try {
      await runInTenant(db, auth.tenant, async () => {
        await next();
        if (c.error || c.res.status >= 400) throw new Rollback();
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
  };
}
