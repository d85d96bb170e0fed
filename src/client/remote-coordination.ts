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
import { asQuery, checked, without } from './remote-areas.js';
import type { RemoteHttp } from './remote-http.js';

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
