import { z } from 'zod';
import {
  type Conflict,
  type ListConflictsInput,
  listConflictsSchema,
  type ResolveConflictInput,
  resolveConflictSchema,
} from '../coordination/conflicts-schema.js';
import type { Conflicts } from '../coordination/conflicts-service.js';
import { observeSchema, queryObservationsSchema } from '../coordination/observations-schema.js';
import type { Observations } from '../coordination/observations-service.js';
import { cacheScopeInputSchema, type LlmCache } from '../formation/cache-schema.js';
import { purgeSchema } from '../purge/purge-schema.js';
import type { Purge } from '../purge/purge-service.js';
import { scopeSchema } from '../scope.js';
import { uuid } from '../validation.js';
import { asQuery, checked, without } from './remote-areas.js';
import type { RemoteHttp } from './remote-http.js';
import { remoteSubscribe } from './remote-sse.js';

const seg = (v: unknown) => encodeURIComponent(String(v));

/**
 * Conflicts as the remote client offers them (the detection hook runs on the server).
 *
 * @example
 * const open = await remote.conflicts.list({ status: 'open' });
 */
export type RemoteConflicts = Pick<Conflicts, 'list' | 'get' | 'resolve'>;

/**
 * Observations over HTTP; `subscribe` reads the Server-Sent Events stream and resumes
 * after a dropped connection from the last seq it delivered.
 *
 * @example
 * const sub = await remoteObservations(http).subscribe({ types: ['deploy_failed'] }, (o) => console.log(o.seq));
 */
export function remoteObservations(http: RemoteHttp): Observations {
  return {
    async observe(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/observations',
        body: checked(observeSchema, raw, 'observation'),
      });
    },
    async query(raw = {}) {
      const i = checked(queryObservationsSchema, raw, 'query');
      // `agent` here filters by publisher; the scope's agent plays no part in a query.
      const query = { ...asQuery({ ...i, scope: { ...i.scope, agent: undefined } }), agent: i.agent };
      return (await http.send<{ items: never[] }>({ method: 'GET', path: '/v1/observations', query })).items;
    },
    subscribe: (input, callback, onError) => remoteSubscribe(http, input, callback, onError),
  };
}

const conflictGetSchema = z.strictObject({ scope: scopeSchema, id: uuid });

/**
 * Conflicts between agents' facts over HTTP.
 *
 * @example
 * for (const c of await remoteConflicts(http).list({ status: 'open' })) console.log(c.subject);
 */
export function remoteConflicts(http: RemoteHttp): RemoteConflicts {
  return {
    async list(raw: ListConflictsInput = {}): Promise<Conflict[]> {
      const i = checked(listConflictsSchema, raw, 'conflicts.list input');
      return (
        await http.send<{ items: Conflict[] }>({ method: 'GET', path: '/v1/conflicts', query: asQuery(i) })
      ).items;
    },
    async get(raw): Promise<Conflict> {
      const i = checked(conflictGetSchema, raw, 'conflicts.get input');
      return http.send({ method: 'GET', path: `/v1/conflicts/${seg(i.id)}`, query: asQuery(i, ['id']) });
    },
    async resolve(raw: ResolveConflictInput): Promise<Conflict> {
      const i = checked(resolveConflictSchema, raw, 'conflicts.resolve input');
      return http.send({
        method: 'POST',
        path: `/v1/conflicts/${seg(i.id)}/resolve`,
        body: without(i, 'id'),
      });
    },
  };
}

/**
 * What the remote client offers of the LLM output cache: its figures, and clearing it (admin).
 *
 * @example
 * const { hitRate } = await remote.cache.stats();
 */
export type RemoteCache = Pick<LlmCache, 'stats' | 'clear'>;

/**
 * The LLM output cache's figures over HTTP.
 *
 * @example
 * await remoteCache(http).stats({ scope: { user: 'alice' } });
 */
export function remoteCache(http: RemoteHttp): RemoteCache {
  return {
    async stats(raw = {}) {
      const i = checked(cacheScopeInputSchema, raw, 'cache.stats input');
      return http.send({ method: 'GET', path: '/v1/cache/stats', query: asQuery(i) });
    },
    async clear(raw = {}) {
      const i = checked(cacheScopeInputSchema, raw, 'cache.clear input');
      return (
        await http.send<{ removed: number }>({ method: 'DELETE', path: '/v1/cache', query: asQuery(i) })
      ).removed;
    },
  };
}

/**
 * Audited erasure over HTTP (needs an admin key).
 *
 * @example
 * await remotePurge(http).purge({ scope: { user: 'alice' }, reason: 'erasure request' });
 */
export function remotePurge(http: RemoteHttp): Purge {
  return {
    async purge(raw) {
      return http.send({ method: 'POST', path: '/v1/purge', body: checked(purgeSchema, raw, 'purge input') });
    },
  };
}
