import type { MiddlewareHandler } from 'hono';
import { Rollback, runInTenant } from '../db/tenant-context.js';
import { type LocalMemory, memoryOver, type TransactionMemory } from '../memory.js';
import type { LlmCallReport } from '../observer.js';
import type { AppEnv } from './server-types.js';

/** Long-lived responses keep no transaction open: they rely on the query filters alone. */
const STREAMS = new Set(['/v1/observations/stream']);

/**
 * Sets the memory a request's operations run on (`c.get('memory')`). On PostgreSQL an
 * authenticated request runs in its tenant's row-level security context: the
 * middleware opens one transaction per request and the memory's areas run on it
 * (`memoryOver(memory, tx)`), committed when the handler succeeds and rolled back when
 * it fails, so a refused request changes nothing. On PGlite it runs on the store's one
 * connection. Either way the request's memory counts the tokens and cost of its LLM
 * calls into its usage event (`usageTokens`, `usageCost`). Streams use the store's
 * memory (the pool) as it is.
 *
 * @example
 * app.use('/v1/*', authMiddleware({ keys }), tenantContext(memory));
 * app.get('/v1/x', async (c) => c.json(await c.get('memory').brain.list({}))); // in the tenant's transaction
 */
export function tenantContext(memory: LocalMemory): MiddlewareHandler<AppEnv> {
  const { db } = memory;
  return async (c, next) => {
    c.set('memory', memory);
    const auth = c.get('auth');
    if (!auth || STREAMS.has(c.req.path)) return next();
    // The tokens and cost of the LLM calls this request makes, for its usage event.
    let tokens = 0;
    let cost = 0;
    const onLlmCall = (call: LlmCallReport) => {
      tokens += call.promptTokens + call.completionTokens;
      cost += call.cost;
    };
    try {
      if (db.dialect !== 'postgres') {
        // One connection, no row-level security: the store's own connection, as it is.
        const over = memoryOver(memory, db, { onLlmCall });
        c.set('memory', over.memory);
        try {
          await next();
        } finally {
          over.committed();
        }
        return;
      }
      let done: TransactionMemory | undefined;
      try {
        done = await runInTenant(db, auth.tenant, async (tx) => {
          const over = memoryOver(memory, tx, { onLlmCall });
          c.set('memory', over.memory);
          await next();
          if (c.error || c.res.status >= 400) throw new Rollback();
          return over;
        });
      } catch (e) {
        if (!(e instanceof Rollback)) throw e;
      }
      // Only now are the request's rows visible to the indexer (on the pool).
      done?.committed();
    } finally {
      c.set('usageTokens', (c.get('usageTokens') ?? 0) + tokens);
      c.set('usageCost', (c.get('usageCost') ?? 0) + cost);
    }
  };
}
