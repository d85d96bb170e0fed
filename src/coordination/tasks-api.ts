/**
 * The public task queue API as a type: what `createTasks` returns and the remote client
 * offers alike (types only, so the worker and its claim sources depend on no implementation).
 */
import type {
  CancelTaskInput,
  ClaimBatchInput,
  ClaimTaskInput,
  CompleteTaskInput,
  CreateTaskInput,
  FailTaskInput,
  GetTaskInput,
  HeartbeatTaskInput,
  ListTasksInput,
  ReleaseTaskInput,
  Task,
} from './tasks-schema.js';

/**
 * The task queue API, the same in process and over HTTP (the remote client): create
 * tasks (with dedupe keys), claim them atomically with a lease, heartbeat, complete,
 * fail with backoff, release, cancel, read. Every method takes one input object with an
 * optional `scope`; tasks never cross tenants. `runWorker` drives a queue through it.
 *
 * @example
 * const tasks: Tasks = mem.tasks;
 * const t = await tasks.claim({ queue: 'crawl', agent: 'w1' });
 */
export interface Tasks {
  /**
   * Adds a task. A `dedupeKey` already open or claimed in the queue returns that task
   * instead of a duplicate. Idle workers of the queue wake at once.
   */
  create(input: CreateTaskInput): Promise<Task>;
  /** Claims the next due task of a queue for `leaseSeconds` (default 30); null when none is due. */
  claim(input: ClaimTaskInput): Promise<Task | null>;
  /** Claims up to `limit` (default 1) due tasks of a queue at once; [] when none is due. */
  claimBatch(input: ClaimBatchInput): Promise<Task[]>;
  /** Extends the lease of a task the agent holds; `lease lost` conflict otherwise. */
  heartbeat(input: HeartbeatTaskInput): Promise<Task>;
  /** Marks a held task done with an optional JSON result. */
  complete(input: CompleteTaskInput): Promise<Task>;
  /** Fails a held task: retried with backoff until `maxAttempts`; `retry: false` fails it for good. */
  fail(input: FailTaskInput): Promise<Task>;
  /** Gives a held task back without counting the attempt (graceful shutdown). */
  release(input: ReleaseTaskInput): Promise<Task>;
  /** Cancels an open or claimed task; a finished one is a conflict. */
  cancel(input: CancelTaskInput): Promise<Task>;
  /** One task by id, or null. */
  get(input: GetTaskInput): Promise<Task | null>;
  /** Tasks of the tenant, newest first, by queue, status, holder and (scopeMatch) creator. */
  list(input?: ListTasksInput): Promise<Task[]>;
}
