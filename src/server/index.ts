/**
 * `mnemo/server`: the HTTP API of a memory (Hono, OpenAPI), the server that runs it,
 * and API keys.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * import { serve } from 'mnemo/server';
 * const server = await serve({ memory: await createMemory(), host: '127.0.0.1', port: 7411 });
 */
export {
  type ApiKeyRecord,
  type CreatedKey,
  type CreateKeyInput,
  KEY_SCOPES,
  type KeyIdInput,
  type KeyScope,
  type ListKeysInput,
} from '../keys/keys-schema.js';
export { createKeys, type Keys } from '../keys/keys-service.js';
export { type AppDeps, createApp, stderrLogger } from './app.js';
export { requestScope, requireScope } from './auth-middleware.js';
export { createMetrics, type Metrics, type MetricsDeps, type WatchedStore } from './metrics.js';
export { type RunningServer, type ServeOptions, serve } from './serve.js';
export type {
  AppEnv,
  AuthInfo,
  MnemoApp,
  RouteDeps,
  RouteRegistrar,
  ServerConfig,
  ServerLogger,
} from './server-types.js';
