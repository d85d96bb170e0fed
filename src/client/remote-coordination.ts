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
import {
  type CancelTaskInput,
  type ClaimTaskInput,
  type CompleteTaskInput,
  type CreateTaskInput,
  cancelTaskSchema,
  claimTaskSchema,
  completeTaskSchema,
  createTaskSchema,
  type FailTaskInput,
  failTaskSchema,
  type GetTaskInput,
  getTaskSchema,
  type HeartbeatTaskInput,
  heartbeatTaskSchema,
  type ListTasksInput,
  listTasksSchema,
  type ReleaseTaskInput,
  releaseTaskSchema,
  type Task,
} from '../coordination/tasks-schema.js';
import type { Tasks } from '../coordination/tasks-service.js';
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
 * The task queue as the remote client offers it: the methods the HTTP API serves
 * (not the worker internals: `listen`, `completeAndClaim`, batch and cross-tenant claims).
 *
 * @example
 * const t: RemoteTasks = remote.tasks; await t.claim({ queue: 'crawl', agent: 'w1' });
 */
export type RemoteTasks = Pick<
  Tasks,
  'create' | 'claim' | 'heartbeat' | 'complete' | 'fail' | 'release' | 'cancel' | 'get' | 'list'
>;

/**
 * Conflicts as the remote client offers them (the detection hook runs on the server).
 *
 * @example
 * const open = await remote.conflicts.list({ status: 'open' });
 */
export type RemoteConflicts = Pick<Conflicts, 'list' | 'get' | 'resolve'>;

/**
 * The task queue over HTTP.
 *
 * @example
 * const task = await remoteTasks(http).claim({ queue: 'crawl', agent: 'w1', leaseSeconds: 60 });
 */
export function remoteTasks(http: RemoteHttp): RemoteTasks {
  const act = async (action: string, i: { id?: unknown } & Record<string, unknown>): Promise<Task> =>
    http.send({ method: 'POST', path: `/v1/tasks/${seg(i.id)}/${action}`, body: without(i, 'id') });
  const claim = async (raw: ClaimTaskInput) => {
    const i = checked(claimTaskSchema, raw, 'claim input');
    const { items } = await http.send<{ items: Task[] }>({
      method: 'POST',
      path: '/v1/tasks/claim',
      body: i,
    });
    return i.limit === undefined ? (items[0] ?? null) : items;
  };
  return {
    async create(raw: CreateTaskInput): Promise<Task> {
      return http.send({ method: 'POST', path: '/v1/tasks', body: checked(createTaskSchema, raw, 'task') });
    },
    claim: claim as RemoteTasks['claim'],
    heartbeat: async (raw: HeartbeatTaskInput) =>
      act('heartbeat', checked(heartbeatTaskSchema, raw, 'heartbeat input')),
    complete: async (raw: CompleteTaskInput) =>
      act('complete', checked(completeTaskSchema, raw, 'complete input')),
    fail: async (raw: FailTaskInput) => act('fail', checked(failTaskSchema, raw, 'fail input')),
    release: async (raw: ReleaseTaskInput) =>
      act('release', checked(releaseTaskSchema, raw, 'release input')),
    cancel: async (raw: CancelTaskInput) => act('cancel', checked(cancelTaskSchema, raw, 'cancel input')),
    async get(raw: GetTaskInput): Promise<Task> {
      const i = checked(getTaskSchema, raw, 'tasks.get input');
      return http.send({ method: 'GET', path: `/v1/tasks/${seg(i.id)}`, query: asQuery(i, ['id']) });
    },
    async list(raw: ListTasksInput = {}): Promise<Task[]> {
      const i = checked(listTasksSchema, raw, 'tasks.list input');
      return (await http.send<{ items: Task[] }>({ method: 'GET', path: '/v1/tasks', query: asQuery(i) }))
        .items;
    },
  };
}

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
