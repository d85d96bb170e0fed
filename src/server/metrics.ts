/**
 * Prometheus metrics of one server, on a registry of its own (never prom-client's
 * global one): HTTP requests and latency by route pattern, recall latency, LLM calls,
 * tokens, cost and cache lookups, rows embedded, rate-limit refusals, and the
 * scrape-time gauges of the store (metrics-collect.ts) and of `stats` (metrics-stats.ts). Areas report through the
 * {@link MemoryObserver} they are given; nothing here is global.
 */
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type Clock, systemClock } from '../clock.js';
import type { MemoryObserver } from '../observer.js';
import { registerStoreGauges, type WatchedStore } from './metrics-collect.js';
import { ROW_COUNT_TTL_MS, registerStatsGauges } from './metrics-stats.js';
import type { ServerLogger } from './server-types.js';

export type { WatchedStore } from './metrics-collect.js';

/**
 * A server's metrics. `observer` goes to `createMemory`, `http` is the app's first
 * middleware, `rateLimited` goes to the rate limiter, `watch` names the store the
 * scrape-time gauges read, and `render` is what `GET /metrics` answers.
 *
 * @example
 * const metrics = createMetrics();
 * const memory = await createMemory({ observer: metrics.observer });
 * await serve({ memory, metrics });
 */
export interface Metrics {
  readonly registry: Registry;
  readonly observer: MemoryObserver;
  readonly http: MiddlewareHandler;
  rateLimited(limit: 'minute' | 'month'): void;
  watch(store: WatchedStore): void;
  render(): Promise<{ contentType: string; body: string }>;
}

/** Options of {@link createMetrics}. */
export interface MetricsDeps {
  /** Where failed scrape-time queries are reported. */
  logger?: ServerLogger;
  /**
   * Register prom-client's process and Node.js metrics (`process_*`, `nodejs_*`) too;
   * default true. Their event-loop monitor and GC observer last as long as the process:
   * make one such registry per server, not one per request or test.
   */
  processMetrics?: boolean;
  /** How long `mnemo_rows` serves its counts before reading them again (default 60 s). */
  rowCountTtlMs?: number;
  /** Default the system clock. */
  clock?: Clock;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The route pattern a request matched (`/v1/brain/{key}` style is hono's `/v1/brain/:key`), never its raw path. */
function routeOf(c: Parameters<MiddlewareHandler>[0], status: number): string {
  const routes = matchedRoutes(c);
  // Handlers carry their method; middleware (app.use) is registered for ALL.
  const handler = routes.filter((r) => r.method !== 'ALL').at(-1);
  if (handler) return handler.path;
  const last = routes.at(-1)?.path;
  return status === 404 || last === undefined || last.endsWith('*') ? 'unmatched' : last;
}

/**
 * Builds the metrics of one server on a fresh registry.
 *
 * @example
 * const metrics = createMetrics({ logger: stderrLogger });
 * metrics.observer.cacheLookup?.(true);
 * const { body } = await metrics.render(); // body contains 'mnemo_llm_cache_lookups_total{result="hit"} 1'
 */
export function createMetrics(deps: MetricsDeps = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (deps.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'mnemo_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: 'mnemo_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (until the response starts), by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const recall = new Histogram({
    name: 'mnemo_recall_duration_seconds',
    help: 'Time of one recall (also the recall of a context build), answered or failed.',
    registers,
  });
  const embedded = new Counter({
    name: 'mnemo_embedded_rows_total',
    help: 'Rows the background indexer of this process embedded.',
    registers,
  });
  const llmCalls = new Counter({
    name: 'mnemo_llm_calls_total',
    help: 'Calls to the LLM (each with its retries inside), by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  const tokens = new Counter({
    name: 'mnemo_llm_tokens_total',
    help: 'Tokens of successful LLM calls, by kind (prompt, completion).',
    labelNames: ['kind'],
    registers,
  });
  const cost = new Counter({
    name: 'mnemo_llm_cost_dollars_total',
    help: 'Cost of successful LLM calls in US dollars (0 without configured pricing).',
    registers,
  });
  const cache = new Counter({
    name: 'mnemo_llm_cache_lookups_total',
    help: 'LLM output cache lookups, by result (hit: no model was asked; miss).',
    labelNames: ['result'],
    registers,
  });
  const limited = new Counter({
    name: 'mnemo_rate_limited_total',
    help: 'Requests refused by the per-key rate limit (minute) or monthly quota (month).',
    labelNames: ['limit'],
    registers,
  });
  // Every known series starts at 0, so rate() and alerts see it before the first event.
  for (const outcome of ['ok', 'error']) llmCalls.inc({ outcome }, 0);
  for (const kind of ['prompt', 'completion']) tokens.inc({ kind }, 0);
  for (const result of ['hit', 'miss']) cache.inc({ result }, 0);
  for (const limit of ['minute', 'month']) limited.inc({ limit }, 0);

  let store: WatchedStore | undefined;
  registerStoreGauges(registry, () => store, deps.logger);
  registerStatsGauges(registry, () => store, {
    logger: deps.logger,
    clock: deps.clock ?? systemClock,
    rowCountTtlMs: deps.rowCountTtlMs ?? ROW_COUNT_TTL_MS,
  });

  const observer: MemoryObserver = {
    recall: (seconds) => recall.observe(seconds),
    embedded: (rows) => embedded.inc(rows),
    cacheLookup: (hit) => cache.inc({ result: hit ? 'hit' : 'miss' }),
    llmCall: (call) => {
      llmCalls.inc({ outcome: call.outcome });
      tokens.inc({ kind: 'prompt' }, call.promptTokens);
      tokens.inc({ kind: 'completion' }, call.completionTokens);
      cost.inc(call.cost);
    },
  };

  const http: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const status = String(c.res.status);
      const labels = {
        method: METHODS.has(c.req.method) ? c.req.method : 'OTHER',
        route: routeOf(c, c.res.status),
        status,
      };
      requests.inc(labels);
      duration.observe(labels, (performance.now() - started) / 1000);
    }
  };

  return {
    registry,
    observer,
    http,
    rateLimited: (limit) => limited.inc({ limit }),
    watch(s) {
      store = s;
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
