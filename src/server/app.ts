import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { systemClock } from '../clock.js';
import { OPERATIONS } from '../contract/operations.js';
import { registerDashboard } from '../dashboard/dashboard-routes.js';
import { MnemoError } from '../errors.js';
import { createKeys, type Keys } from '../keys/keys-service.js';
import { MCP_PATH, registerMcpRoutes } from '../mcp/mcp-http.js';
import type { LocalMemory } from '../memory.js';
import { authMiddleware, methodScope } from './auth-middleware.js';
import { errorHandler, markEmptyJsonBody, notFoundHandler, validationHook } from './error-handler.js';
import { type Lifecycle, registerHealthRoutes } from './health-routes.js';
import { registerKeysRoutes } from './keys-routes.js';
import { createMetrics, type Metrics } from './metrics.js';
import { registerOpenApiRoutes } from './openapi.js';
import { createRateLimiter } from './rate-limit.js';
import { mountOperations, readOnlyRequests } from './routes/contract-mount.js';
import { registerObservationsRoutes } from './routes/observations-routes.js';
import { DEFAULT_BODY_LIMIT } from './serve-defaults.js';
import type {
  AppEnv,
  MnemoApp,
  ResolvedServerConfig,
  RouteRegistrar,
  ServerConfig,
  ServerLogger,
} from './server-types.js';
import { tenantContext } from './tenant-middleware.js';
import { createUsageRecorder, type UsageRecorder, usageMiddleware } from './usage.js';
import { registerWhoamiRoutes } from './whoami-routes.js';

export { DEFAULT_BODY_LIMIT } from './serve-defaults.js';

/**
 * The route modules of the API, one per area. Adding an area is one file
 * exporting a {@link RouteRegistrar} and one line here.
 *
 * @example
 * export const AREA_ROUTES = [registerWhoamiRoutes, registerKeysRoutes, registerEpisodesRoutes];
 */
export const AREA_ROUTES: RouteRegistrar[] = [
  registerWhoamiRoutes,
  registerKeysRoutes,
  registerObservationsRoutes,
];

/**
 * Logs to stderr; internal errors with their stack (for operators, never for callers).
 *
 * @example
 * createApp({ memory, config: { logger: stderrLogger } });
 */
export const stderrLogger: ServerLogger = {
  error(message, detail) {
    const d =
      detail instanceof Error ? (detail.stack ?? detail.message) : detail === undefined ? '' : String(detail);
    process.stderr.write(`[mnemo] ${message}${d ? `\n${d}` : ''}\n`);
  },
  info(message) {
    process.stderr.write(`[mnemo] ${message}\n`);
  },
};

/**
 * Fills in every default of a {@link ServerConfig}.
 *
 * @example
 * resolveServerConfig({}).bodyLimit // => 1048576
 */
export function resolveServerConfig(config: ServerConfig = {}): ResolvedServerConfig {
  const limit = config.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new MnemoError('invalid_input', 'bodyLimit must be a whole number of bytes, at least 1', {
      field: 'bodyLimit',
    });
  return {
    bodyLimit: limit,
    openMode: config.openMode ?? false,
    clock: config.clock ?? systemClock,
    logger: config.logger ?? stderrLogger,
    usageFlushMs: config.usageFlushMs ?? 1000,
    usageBatchSize: config.usageBatchSize ?? 200,
    quotaRefreshMs: config.quotaRefreshMs ?? 60_000,
    localToken: config.localToken ?? '',
    routes: config.routes ?? [],
  };
}

/**
 * What {@link createApp} needs.
 *
 * @example
 * createApp({ memory, config: { openMode: true } } satisfies AppDeps);
 */
export interface AppDeps {
  memory: LocalMemory;
  /** API keys (default: the keys of `memory`'s store). */
  keys?: Keys;
  config?: ServerConfig;
  /** Usage writer; `serve` passes its own to flush it on shutdown. */
  usage?: UsageRecorder;
  /** Shared shutdown state; `serve` passes its own. */
  lifecycle?: Lifecycle;
  /** Prometheus metrics (default: new ones without process metrics); pass the ones whose `observer` the memory was made with. */
  metrics?: Metrics;
}

/**
 * Builds the HTTP app: `/healthz`, `/readyz`, `/metrics` (Prometheus, admin), and under `/v1` JSON routes behind
 * body limit, API key auth, rate limit and quota, usage recording and one error
 * handler; `/v1/openapi.json` and `/v1/docs` describe it.
 *
 * @example
 * const app = createApp({ memory, config: { openMode: true } });
 * const res = await app.request('/v1/whoami');
 */
export function createApp(deps: AppDeps): MnemoApp {
  const config = resolveServerConfig(deps.config);
  const { memory } = deps;
  const keys = deps.keys ?? createKeys({ db: memory.db, clock: config.clock });
  // Without process metrics: their event-loop monitor and GC observer cannot be stopped,
  // and an app made per test or per embedder call would pile them up. `serve` adds them.
  const metrics = deps.metrics ?? createMetrics({ logger: config.logger, processMetrics: false });
  metrics.watch({ db: memory.db, embeds: memory.embedder !== null });
  const usage =
    deps.usage ??
    createUsageRecorder({
      db: memory.db,
      logger: config.logger,
      flushMs: config.usageFlushMs,
      batchSize: config.usageBatchSize,
    });
  const limiter = createRateLimiter({
    db: memory.db,
    clock: config.clock,
    usage,
    quotaRefreshMs: config.quotaRefreshMs,
    onRefused: (limit) => metrics.rateLimited(limit),
  });

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(errorHandler(config.logger));
  app.notFound(notFoundHandler(() => app.routes));
  app.use('*', metrics.http);

  registerHealthRoutes(app, { memory, lifecycle: deps.lifecycle ?? { draining: false } });

  app.use('/v1/*', usageMiddleware(usage, config.clock));
  const limitBody = bodyLimit({
    maxSize: config.bodyLimit,
    onError: () => {
      throw new MnemoError(
        'payload_too_large',
        `request body is larger than ${config.bodyLimit} bytes: send less per request (split batches), or start the server with a larger --body-limit`,
      );
    },
  });
  app.use('/v1/*', limitBody);
  // An empty JSON body is checked as {}, so the schema names what is required
  // (`"value": is required`) rather than calling it malformed JSON; routeHook refuses it
  // where {} would pass (an empty body never does something by accident).
  app.use('/v1/*', async (c, next) => {
    const len = c.req.header('content-length');
    const empty = len === '0' || (len === undefined && c.req.header('transfer-encoding') === undefined);
    if (empty && /json/i.test(c.req.header('content-type') ?? '')) {
      c.req.bodyCache.json = Promise.resolve({});
      markEmptyJsonBody(c.req.raw);
    }
    await next();
  });
  const localToken = config.localToken;
  const readOnly = readOnlyRequests(OPERATIONS);
  app.use(
    '/v1/*',
    authMiddleware({
      keys,
      openMode: config.openMode,
      localToken,
      scopeFor: (c) => (readOnly(c.req.method, c.req.path) ? 'read' : methodScope(c.req.method)),
    }),
  );
  app.use('/v1/*', limiter.middleware);
  app.use('/v1/*', tenantContext(memory));
  // MCP (streamable HTTP) behind the same usage, body limit, key auth and rate limit; its tools check write per call.
  app.use(MCP_PATH, usageMiddleware(usage, config.clock), limitBody);
  app.use(MCP_PATH, authMiddleware({ keys, openMode: config.openMode, localToken, scopeFor: () => 'read' }));
  app.use(MCP_PATH, limiter.middleware);
  app.use(MCP_PATH, tenantContext(memory));

  // Prometheus text exposition: an admin key, the local admin token, or open loopback mode.
  app.get(
    '/metrics',
    authMiddleware({ keys, openMode: config.openMode, localToken, scopeFor: () => 'admin' }),
    async (c) => {
      const { contentType, body } = await metrics.render();
      return c.body(body, 200, { 'content-type': contentType });
    },
  );

  registerOpenApiRoutes(app);
  const routeDeps = { memory, keys, config };
  mountOperations(app, OPERATIONS);
  for (const register of [...AREA_ROUTES, ...config.routes]) register(app, routeDeps);
  registerMcpRoutes(app, routeDeps);
  registerDashboard(app, routeDeps);
  return app;
}
