import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '../clock.js';
import type { ApiKeyRecord, KeyScope } from '../keys/keys-schema.js';
import type { Keys } from '../keys/keys-service.js';
import type { LocalMemory } from '../memory.js';

/**
 * Who is calling: set by the auth middleware on every `/v1` request. Handlers take
 * the tenant from here, never from the body.
 *
 * @example
 * const { tenant, scopes } = c.get('auth');
 */
export interface AuthInfo {
  tenant: string;
  /** The key's id; null in open loopback mode. */
  keyId: string | null;
  scopes: KeyScope[];
  /** True when the request came in without a key in open loopback mode. */
  open: boolean;
  /** True for the folder owner's local admin token (loopback only; any tenant, every scope). */
  local?: boolean;
  key: ApiKeyRecord | null;
}

/**
 * Hono environment of the mnemo app: what middleware hands to handlers.
 *
 * @example
 * app.get('/v1/x', (c) => c.json({ tenant: c.get('auth').tenant }));
 */
export type AppEnv = {
  Variables: {
    auth: AuthInfo;
    /** The memory a request's operations run on (set by the tenant middleware). */
    memory: LocalMemory;
    /** Tokens a handler spent (LLM, embeddings), recorded with the usage event. */
    usageTokens: number;
    /** Cost a handler incurred, recorded with the usage event. */
    usageCost: number;
  };
};

/**
 * The mnemo Hono app (OpenAPI-aware).
 *
 * @example
 * const app: MnemoApp = createApp({ memory });
 */
export type MnemoApp = OpenAPIHono<AppEnv>;

/**
 * Where server diagnostics go (internal errors with their detail, flush failures).
 *
 * @example
 * const logger: ServerLogger = { error: (m, d) => console.error(m, d), info: console.log };
 */
export interface ServerLogger {
  error(message: string, detail?: unknown): void;
  info(message: string): void;
}

/**
 * Tunables of the HTTP app. Every field is optional.
 *
 * @example
 * createApp({ memory, config: { bodyLimit: 2 ** 20, quotaRefreshMs: 30_000 } });
 */
export interface ServerConfig {
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /**
   * Allow requests without a key as tenant `default` with every scope while the
   * store holds no key at all. `serve` sets it only when listening on loopback.
   */
  openMode?: boolean;
  /** Time source for rate limits, quotas and key expiry. */
  clock?: Clock;
  logger?: ServerLogger;
  /** Usage events are written in batches at least this often (default 1000 ms). */
  usageFlushMs?: number;
  /** ... or as soon as this many are waiting (default 200). */
  usageBatchSize?: number;
  /** How long a key's monthly usage count is trusted before it is recounted (default 60 s). */
  quotaRefreshMs?: number;
  /**
   * The local admin token `mnemo serve` writes into the data folder's lock file (readable
   * by the folder's owner only). Accepted only from a loopback address, with every scope,
   * in the tenant the request names. Empty: none.
   */
  localToken?: string;
  /** More route modules to mount (tests, embedders); the built-in areas are always there. */
  routes?: RouteRegistrar[];
}

/**
 * The config with every default filled in.
 *
 * @example
 * const config: ResolvedServerConfig = resolveServerConfig({});
 */
export type ResolvedServerConfig = Required<Omit<ServerConfig, 'routes'>> & { routes: RouteRegistrar[] };

/**
 * What a route module gets.
 *
 * @example
 * const register: RouteRegistrar = (app, { memory, keys, config }) => {};
 */
export interface RouteDeps {
  memory: LocalMemory;
  keys: Keys;
  config: ResolvedServerConfig;
}

/**
 * A route module: one file per area, registering its routes on the app.
 *
 * @example
 * export const registerBrainRoutes: RouteRegistrar = (app, { memory }) => {
 *   app.openapi(getKeyRoute, async (c) => c.json(await memory.brain.get(...), 200));
 * };
 */
export type RouteRegistrar = (app: MnemoApp, deps: RouteDeps) => void;
