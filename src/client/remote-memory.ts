import type { Memory } from '../api.js';
import { OPERATIONS } from '../contract/operations.js';
import type { Subscription } from '../coordination/observations-schema.js';
import { InvalidInputError } from '../errors.js';
import type { Facts } from '../facts/facts-service.js';
import {
  type ConsolidateInput,
  type ConsolidationResult,
  consolidateSchema,
} from '../formation/consolidation-schema.js';
import { ingestSchema } from '../formation/ingest-schema.js';
import { rememberSchema } from '../formation/remember-schema.js';
import { contextSchema } from '../recall/context-builder.js';
import { recallSchema } from '../recall/recall-schema.js';
import { checked, remoteBrain, remoteDecisions, remoteEpisodes, remoteSessions } from './remote-areas.js';
import {
  remoteCache,
  remoteConflicts,
  remoteObservations,
  remotePurge,
  remoteTasks,
} from './remote-coordination.js';
import { createRemoteHttp, type FetchLike } from './remote-http.js';
import { remoteArea } from './remote-operations.js';

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
  /** Consolidation on the server, with the server's LLM (an `llm` of your own cannot travel). */
  consolidate(input?: Omit<ConsolidateInput, 'llm'>): Promise<ConsolidationResult>;
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
  const observations = remoteObservations(http);
  return {
    url: http.url,
    brain: remoteBrain(http),
    episodes: remoteEpisodes(http),
    facts: remoteArea(http, OPERATIONS, 'facts') as unknown as Facts,
    decisions: remoteDecisions(http),
    sessions: remoteSessions(http),
    tasks: remoteTasks(http),
    observations: {
      ...observations,
      async subscribe(input, callback, onError) {
        const sub = await observations.subscribe(input, callback, onError);
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
    conflicts: remoteConflicts(http),
    cache: remoteCache(http),
    purge: remotePurge(http),
    async recall(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/recall',
        body: checked(recallSchema, raw, 'recall input'),
      });
    },
    async context(raw) {
      return http.send({ method: 'POST', path: '/v1/context', body: checked(contextSchema, raw, 'context') });
    },
    async remember(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/remember',
        body: checked(rememberSchema, raw, 'remember input'),
      });
    },
    async ingest(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/ingest',
        body: checked(ingestSchema, raw, 'ingest input'),
      });
    },
    async consolidate(raw = {}) {
      if ('llm' in raw)
        throw new InvalidInputError(
          '"llm": a remote server consolidates with its own LLM; leave llm out',
          'llm',
        );
      const body = checked(consolidateSchema, raw, 'consolidate input');
      return http.send({ method: 'POST', path: '/v1/consolidate', body });
    },
    async flush() {},
    async close() {
      const subs = [...open];
      open.clear();
      await Promise.all(subs.map((s) => s.close()));
    },
  };
}
