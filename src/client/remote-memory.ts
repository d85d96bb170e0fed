import type { Memory } from '../api.js';
import type { Brain } from '../brain/brain-schema.js';
import { OPERATIONS } from '../contract/operations.js';
import type { Subscription } from '../coordination/observations-schema.js';
import type { Observations } from '../coordination/observations-service.js';
import type { Tasks } from '../coordination/tasks-service.js';
import type { Decisions } from '../decisions/decisions-schema.js';
import type { Episodes } from '../episodes/episodes-service.js';
import type { Facts } from '../facts/facts-service.js';
import type { Purge } from '../purge/purge-service.js';
import type { Sessions } from '../sessions/sessions-schema.js';
import { createRemoteHttp, type FetchLike } from './remote-http.js';
import { remoteArea } from './remote-operations.js';
import { remoteSubscribe } from './remote-sse.js';

/**
 * Options of {@link createRemoteMemory} (and of `createMemory({ url, apiKey })`).
 *
 * @example
 * const opts: RemoteMemoryOptions = { url: 'http://mnemo.internal:7411', apiKey: process.env.MNEMO_API_KEY };
 */
export interface RemoteMemoryOptions {
  /** Base URL of a `mnemo serve` server, e.g. `http://127.0.0.1:7411`. */
  url: string;
  /** API key (`mnemo keys create`); omit it only for a server in open loopback mode. */
  apiKey?: string;
  /** fetch to use (default: the global one). */
  fetch?: FetchLike;
}

/**
 * The memory API of a remote mnemo server: the same methods, inputs, results (dates as
 * Dates) and typed errors (`code`, `field`, `message`) as the in-process memory, for
 * every area the HTTP API serves. The tenant is the API key's.
 *
 * @example
 * const mem: RemoteMemory = await createMemory({ url: 'http://127.0.0.1:7411', apiKey });
 * await mem.brain.set({ key: 'identity.name', value: 'Ada' });
 */
export interface RemoteMemory extends Memory {
  /** The server's base URL. */
  readonly url: string;
  /**
   * Resolves at once: nothing is pending in the client (every call has been answered),
   * and the server embeds new rows in its own background (recall finds them by full
   * text meanwhile).
   */
  flush(): Promise<void>;
  /** Closes the live subscriptions opened through this client (there is no connection to close). */
  close(): Promise<void>;
}

/**
 * A memory API that talks to a mnemo server over HTTP. Inputs are checked with the
 * same schemas as in process before any request, so bad input fails the same way;
 * errors the server raises come back as the same MnemoError (class, code, field,
 * message). An unreachable server is `unavailable`.
 *
 * @example
 * import { createRemoteMemory } from 'mnemo';
 * const mem = createRemoteMemory({ url: 'http://127.0.0.1:7411', apiKey: process.env.MNEMO_API_KEY });
 * const hits = await mem.recall({ query: 'what does the user prefer' });
 * await mem.close();
 */
export function createRemoteMemory(opts: RemoteMemoryOptions): RemoteMemory {
  const http = createRemoteHttp(opts);
  const open = new Set<Subscription>();
  // recall, context, remember, ingest and consolidate: the methods of the memory itself.
  const root = remoteArea(http, OPERATIONS, undefined) as unknown as Pick<
    Memory,
    'recall' | 'context' | 'remember' | 'ingest' | 'consolidate' | 'count' | 'stats' | 'usage'
  >;
  return {
    ...root,
    url: http.url,
    brain: remoteArea(http, OPERATIONS, 'brain') as unknown as Brain,
    episodes: remoteArea(http, OPERATIONS, 'episodes') as unknown as Episodes,
    facts: remoteArea(http, OPERATIONS, 'facts') as unknown as Facts,
    decisions: remoteArea(http, OPERATIONS, 'decisions') as unknown as Decisions,
    sessions: remoteArea(http, OPERATIONS, 'sessions') as unknown as Sessions,
    tasks: remoteArea(http, OPERATIONS, 'tasks') as unknown as Tasks,
    observations: {
      ...(remoteArea(http, OPERATIONS, 'observations') as unknown as Omit<Observations, 'subscribe'>),
      async subscribe(input, callback, onError) {
        const sub = await remoteSubscribe(http, input, callback, onError);
        open.add(sub);
        return {
          cursor: () => sub.cursor(),
          close: async () => {
            open.delete(sub);
            await sub.close();
          },
        };
      },
    },
    conflicts: remoteArea(http, OPERATIONS, 'conflicts') as unknown as Memory['conflicts'],
    cache: remoteArea(http, OPERATIONS, 'cache') as unknown as Memory['cache'],
    purge: remoteArea(http, OPERATIONS, 'purge') as unknown as Purge,
    async flush() {},
    async close() {
      const subs = [...open];
      open.clear();
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
