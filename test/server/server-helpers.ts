/** Starts mnemo's HTTP server on 127.0.0.1, port 0, and talks to it with fetch over a real socket. */
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import type { CreateKeyInput } from '../../src/keys/keys-schema.js';
import { createKeys, type Keys } from '../../src/keys/keys-service.js';
import { createMemory, type LocalMemory, type MemoryOptions } from '../../src/memory.js';
import { type RunningServer, type ServeOptions, serve } from '../../src/server/serve.js';
import type { ServerConfig, ServerLogger } from '../../src/server/server-types.js';

export interface TestServer {
  server: RunningServer;
  memory: LocalMemory;
  keys: Keys;
  clock: ReturnType<typeof fixedClock>;
  logged: { level: 'error' | 'info'; message: string; detail?: unknown }[];
  lines: string[];
  /** Creates a key in the store and returns the raw key. */
  key(input?: Partial<CreateKeyInput>): Promise<string>;
  /** fetch against the server: `key` is sent as a bearer token, `json` as the body. */
  call(
    path: string,
    opts?: {
      key?: string;
      method?: string;
      json?: unknown;
      body?: RequestInit['body'];
      headers?: Record<string, string>;
    },
    // biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  close(): Promise<void>;
}

/** Serves a memory built on `db` (the describe block's store) with a fixed clock. */
export async function startServer(
  db: Db,
  opts: {
    config?: ServerConfig;
    host?: string;
    serve?: Partial<ServeOptions>;
    /** More options of the served memory (observer, embedder, llm). */
    memory?: Omit<MemoryOptions, 'db'>;
  } = {},
): Promise<TestServer> {
  const clock = fixedClock(new Date('2026-05-08T12:00:00Z'));
  const memory = await createMemory({ db, ...opts.memory });
  const keys = createKeys({ db, clock });
  const logged: TestServer['logged'] = [];
  const lines: string[] = [];
  const logger: ServerLogger = {
    error: (message, detail) => logged.push({ level: 'error', message, detail }),
    info: (message) => logged.push({ level: 'info', message }),
  };
  const server = await serve({
    memory,
    keys,
    host: opts.host ?? '127.0.0.1',
    port: 0,
    handleSignals: false,
    log: (l) => lines.push(l),
    config: { clock, logger, usageFlushMs: 60_000, ...opts.config },
    ...opts.serve,
  });
  return {
    server,
    memory,
    keys,
    clock,
    logged,
    lines,
    async key(input = {}) {
      return (await keys.create({ tenant: 'acme', ...input })).key;
    },
    async call(path, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.key !== undefined) headers.authorization = `Bearer ${o.key}`;
      let body = o.body;
      if (o.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(o.json);
      }
      const res = await fetch(`${server.url}${path}`, { method: o.method ?? 'GET', headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
    close: () => server.close(),
  };
}
