import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { StoreLocation } from '../db/db.js';
import { InvalidInputError, UnavailableError } from '../errors.js';
import { createKeys, type Keys } from '../keys/keys-service.js';
import type { LocalMemory } from '../memory.js';
import { createApp, resolveServerConfig } from './app.js';
import type { Lifecycle } from './health-routes.js';
import { createMetrics, type Metrics } from './metrics.js';
import { DEFAULT_HOST, DEFAULT_PORT } from './serve-defaults.js';
import type { MnemoApp, ServerConfig } from './server-types.js';
import { createUsageRecorder } from './usage.js';

export { DEFAULT_HOST, DEFAULT_PORT } from './serve-defaults.js';

/** How long an idle keep-alive connection stays open (longer than clients' and load balancers'). */
const KEEP_ALIVE_MS = 65_000;
/**
 * Options of {@link serve}.
 *
 * @example
 * await serve({ memory, host: '0.0.0.0', port: 7411, drainMs: 5000 } satisfies ServeOptions);
 */
export interface ServeOptions {
  /** The memory to serve; `serve` closes it on shutdown (see `closeMemory`). */
  memory: LocalMemory;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  keys?: Keys;
  config?: Omit<ServerConfig, 'openMode'>;
  /** How long shutdown waits for in-flight requests before cutting connections (default 10 s). */
  drainMs?: number;
  /** Shut down on SIGTERM / SIGINT (default true). */
  handleSignals?: boolean;
  /** Close the memory once drained (default true). */
  closeMemory?: boolean;
  /** What the banner says about the store (default: the dialect). See {@link describeStore}. */
  storeDescription?: string;
  /** Where the startup banner and shutdown notes go (default stdout). */
  log?: (line: string) => void;
  /**
   * Prometheus metrics served at `/metrics` (default: new ones, without the memory's
   * recall, LLM, cache and indexer figures); make them first with `createMetrics()`
   * and give their `observer` to `createMemory` to have those too.
   */
  metrics?: Metrics;
}

/**
 * A listening server.
 *
 * @example
 * const server: RunningServer = await serve({ memory }); server.onClose(() => worker.stop());
 */
export interface RunningServer {
  app: MnemoApp;
  /** Base URL, e.g. `http://127.0.0.1:7411`. */
  url: string;
  host: string;
  port: number;
  /** True when the store had no key at start and requests without a key are served as tenant `default`. */
  openMode: boolean;
  /** The startup banner lines (already logged). */
  banner: string[];
  /** Writes the usage events waiting in memory now (they are also written every `usageFlushMs`). */
  flushUsage(): Promise<void>;
  /** Registers work to stop on shutdown (workers), run after requests drained, before the store closes. */
  onClose(hook: () => Promise<void> | void): void;
  /** Stops accepting, drains in-flight requests (bounded), runs close hooks, flushes usage, closes the store. */
  close(): Promise<void>;
  /** Resolves once shut down (by `close()` or a signal). */
  closed: Promise<void>;
}

/**
 * True for addresses only this machine can reach.
 *
 * @example
 * isLoopback('127.0.0.1') // => true;  isLoopback('0.0.0.0') // => false
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Says where a store lives without its password.
 *
 * @example
 * describeStore({ kind: 'postgres', url: 'postgres://u:secret@db:5432/mnemo' }) // => 'PostgreSQL server db:5432, database mnemo, user u'
 */
export function describeStore(loc: StoreLocation): string {
  if (loc.kind === 'pglite')
    return loc.dataDir ? `embedded PGlite in ${loc.dataDir}` : 'embedded PGlite in memory';
  try {
    const u = new URL(loc.url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `PostgreSQL server ${host}:${u.port || 5432}, database ${decodeURIComponent(u.pathname.slice(1)) || '(default)'}${
      u.username ? `, user ${decodeURIComponent(u.username)}` : ''
    }`;
  } catch {
    return 'PostgreSQL server';
  }
}

/**
 * The message `serve` refuses a public address with, when the store holds no key.
 *
 * @example
 * noKeyRefusal('0.0.0.0') // => 'refusing to listen on 0.0.0.0: ...'
 */
export function noKeyRefusal(host: string): string {
  return (
    `refusing to listen on ${host}: the store has no API key, so anyone who can reach that address could read and ` +
    'write every memory. Create a key first (mnemo keys create --tenant T --scopes read,write) and send it as ' +
    '"Authorization: Bearer <key>", or listen on loopback only (--host 127.0.0.1).'
  );
}

/**
 * Starts the HTTP server. With no key in the store it listens only on loopback
 * (127.0.0.1, ::1, localhost), where requests without a key act as tenant `default`
 * ("open loopback mode"); on any other address it refuses with `invalid_input`.
 *
 * @example
 * const server = await serve({ memory, port: 0, handleSignals: false, log: () => {} });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export async function serve(opts: ServeOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  if (typeof host !== 'string' || host.trim() === '')
    throw new InvalidInputError('host must be an address such as 127.0.0.1 or 0.0.0.0', 'host');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidInputError('port must be a whole number from 0 to 65535', 'port');
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const config = resolveServerConfig({ ...opts.config, openMode: isLoopback(host) });
  const keys = opts.keys ?? createKeys({ db: opts.memory.db, clock: config.clock });
  const keyCount = await keys.count();
  if (keyCount === 0 && !isLoopback(host)) throw new InvalidInputError(noKeyRefusal(host), 'host');

  const lifecycle: Lifecycle = { draining: false };
  const usage = createUsageRecorder({
    db: opts.memory.db,
    logger: config.logger,
    flushMs: config.usageFlushMs,
    batchSize: config.usageBatchSize,
  });
  const metrics = opts.metrics ?? createMetrics({ logger: config.logger });
  const app = createApp({ memory: opts.memory, keys, config, usage, lifecycle, metrics });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // Idle keep-alive sockets outlive the clients' (fetch keeps one 1 s less than the
  // server's `Keep-Alive: timeout`, checked on a coarse ~1 s timer, and load balancers
  // commonly 60 s): with Node's default 5 s the server sometimes closed a socket just as
  // a client sent a request on it ("other side closed"), seen as a failed POST in a
  // loaded test run. The client now closes idle sockets first, 64 s on.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new UnavailableError(`port ${port} on ${host} is already in use: pick another with --port`, e)
          : new UnavailableError(`cannot listen on ${host}:${port}: ${e.message}`, e),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost}:${addr.port}`;
  const openMode = keyCount === 0;

  const banner = [
    `mnemo listening on ${url}  (API reference: ${url}/v1/docs; dashboard: ${url}/dashboard)`,
    `store: ${opts.storeDescription ?? opts.memory.dialect}`,
    openMode
      ? 'open loopback mode: the store has no API key, so requests without a key act as tenant "default" with every scope (only this machine can connect). It ends as soon as a key exists.'
      : `API keys required (Authorization: Bearer <key>); ${keyCount} key(s) in the store.`,
    'create a key: mnemo keys create --tenant T --scopes read,write',
  ];
  for (const line of banner) log(line);

  const hooks: (() => Promise<void> | void)[] = [];
  const drainMs = opts.drainMs ?? 10_000;
  let closing: Promise<void> | undefined;
  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });

  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} again: cutting open connections`);
      server.closeAllConnections();
      return;
    }
    // The bound said here holds: requests get drainMs, then background work (the
    // embedding indexer) stops after its current batch and the store closes.
    log(
      `${signal}: shutting down (draining requests for up to ${Math.round(drainMs / 1000)} s; background work stops after its current batch)`,
    );
    void close();
  };
  if (opts.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  async function drain(): Promise<void> {
    const stopped = new Promise<void>((r) => server.close(() => r()));
    // Idle keep-alive connections would hold close() open; in-flight ones finish first.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      stopped.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), drainMs);
      }),
    ]);
    clearInterval(sweep);
    clearTimeout(timer);
    if (timedOut) {
      log(`requests still running after ${drainMs} ms: closing their connections`);
      server.closeAllConnections();
      await stopped;
    }
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      lifecycle.draining = true;
      try {
        await drain();
        for (const hook of hooks.reverse()) {
          try {
            await hook();
          } catch (e) {
            config.logger.error('a close hook failed', e);
          }
        }
        await usage.close();
        if (opts.closeMemory ?? true) await opts.memory.close();
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolveClosed();
      }
    })();
    return closing;
  }

  return {
    app,
    url,
    host,
    port: addr.port,
    openMode,
    banner,
    flushUsage: () => usage.flush(),
    onClose: (hook) => {
      // A hook added once shutdown has begun (a signal during the caller's start-up) runs
      // at once: nothing it would stop (a timer, a worker) may outlive the server.
      if (closing)
        void Promise.resolve()
          .then(hook)
          .catch((e) => config.logger.error('a close hook failed', e));
      else hooks.push(hook);
    },
    close,
    closed,
  };
}
