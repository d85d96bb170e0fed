import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import type { AppEnv, ServerLogger } from './server-types.js';

/**
 * One request, as recorded in `usage_events`.
 *
 * @example
 * usage.record({ tenant: 'acme', keyId, endpoint: '/v1/whoami', method: 'GET', status: 200, latencyMs: 3, tokens: 0, cost: 0, at: new Date() });
 */
export interface UsageEvent {
  tenant: string;
  keyId: string | null;
  /** The route pattern (`/v1/keys/:id`), not the concrete path. */
  endpoint: string;
  method: string;
  status: number;
  latencyMs: number;
  tokens: number;
  cost: number;
  at: Date;
}

/**
 * Collects usage events and writes them in batches, after the responses went out.
 * A failed write is logged and dropped: usage never fails a request.
 *
 * @example
 * const usage = createUsageRecorder({ db, logger, flushMs: 1000, batchSize: 200 });
 * usage.record(event); await usage.close();
 */
export interface UsageRecorder {
  record(event: UsageEvent): void;
  /** Writes everything waiting now (also used before a quota is recounted). */
  flush(): Promise<void>;
  /** Events waiting to be written. */
  pending(): number;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
}

/**
 * Builds the batched usage writer.
 *
 * @example
 * const usage = createUsageRecorder({ db: mem.db, logger: console, flushMs: 1000, batchSize: 200 });
 */
export function createUsageRecorder(deps: {
  db: Db;
  logger: ServerLogger;
  flushMs: number;
  batchSize: number;
}): UsageRecorder {
  let queue: UsageEvent[] = [];
  let writing: Promise<void> = Promise.resolve();
  let closed = false;
  const timer = setInterval(() => void flush(), deps.flushMs);
  timer.unref();

  async function write(batch: UsageEvent[]): Promise<void> {
    const rows = batch.map((e) => ({
      tenant_id: e.tenant,
      key_id: e.keyId,
      endpoint: e.endpoint,
      method: e.method,
      status: e.status,
      latency_ms: e.latencyMs,
      tokens: e.tokens,
      cost: e.cost,
      created_at: e.at.toISOString(),
    }));
    try {
      // One statement per batch: the rows travel as one jsonb parameter.
      await deps.db.query(
        `insert into usage_events (tenant_id, key_id, endpoint, method, status, latency_ms, tokens, cost, created_at)
         select tenant_id, key_id, endpoint, method, status, latency_ms, tokens, cost, created_at
         from jsonb_to_recordset($1::jsonb) as x(tenant_id text, key_id uuid, endpoint text, method text,
           status integer, latency_ms double precision, tokens integer, cost double precision, created_at timestamptz)`,
        [JSON.stringify(rows)],
      );
    } catch (e) {
      deps.logger.error(`usage: could not record ${batch.length} event(s); they are dropped`, e);
    }
  }

  function flush(): Promise<void> {
    if (queue.length > 0) {
      const batch = queue;
      queue = [];
      writing = writing.then(() => write(batch));
    }
    return writing;
  }

  return {
    record(event) {
      if (closed) return;
      queue.push(event);
      if (queue.length >= deps.batchSize) void flush();
    },
    flush,
    pending: () => queue.length,
    async close() {
      clearInterval(timer);
      await flush();
      closed = true;
    },
  };
}

/**
 * Records one usage event per authenticated `/v1` request, after it is answered.
 * Handlers report spent tokens with `c.set('usageTokens', n)`.
 *
 * @example
 * app.use('/v1/*', usageMiddleware(usage, clock));
 */
export function usageMiddleware(usage: UsageRecorder, clock: Clock): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const auth = c.get('auth');
    if (!auth) return; // unauthenticated: no tenant to charge
    const pattern = routePath(c, -1);
    usage.record({
      tenant: auth.tenant,
      keyId: auth.keyId,
      endpoint: pattern.endsWith('*') ? '(no route)' : pattern,
      method: c.req.method,
      status: c.res.status,
      latencyMs: performance.now() - started,
      tokens: c.get('usageTokens') ?? 0,
      cost: c.get('usageCost') ?? 0,
      at: clock.now(),
    });
  };
}
