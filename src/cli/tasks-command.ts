import type { Command } from 'commander';
import type { Task, TaskStatus } from '../coordination/tasks-schema.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { intFlag, jsonFlag } from './brain-command.js';
import {
  dateFlag,
  printObject,
  printRows,
  type StoreFlags,
  scopeOf,
  spannedParts,
  storeOptions,
  withMemory,
  withScope,
} from './common.js';

interface TaskFlags extends StoreFlags {
  payload?: string;
  priority?: string;
  dedupeKey?: string;
  runAfter?: string;
  maxAttempts?: string;
  lease?: string;
  limit?: string;
  result?: string;
  error?: string;
  retry?: boolean;
  queue?: string;
  status?: string;
  claimedBy?: string;
}

/** A number of seconds given on the command line (the library checks the range). */
function secondsFlag(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n))
    throw new InvalidInputError(`--${field} must be a number of seconds (got "${value}")`, field);
  return n;
}

function row(t: Task): Record<string, unknown> {
  return {
    id: t.id,
    queue: t.queue,
    status: t.status,
    priority: t.priority,
    attempts: `${t.attempts}/${t.maxAttempts}`,
    claimedBy: t.claimedBy ?? '',
    runAfter: t.runAfter,
    payload: t.payload,
    error: t.error ?? '',
  };
}

/**
 * `mnemo tasks add|claim|complete|fail|cancel|get|list`: the task queue from a terminal.
 *
 * @example
 * // mnemo tasks add crawl --payload '{"url":"https://example.org"}' --dedupe-key example.org
 * // mnemo tasks claim crawl --agent w1 --lease 60
 * // mnemo tasks complete <id> --agent w1 --result '{"pages":3}'
 */
export function registerTasksCommand(program: Command): void {
  const tasks = program
    .command('tasks')
    .description('the durable task queue: add, claim, complete, fail, list');

  storeOptions(tasks.command('add').argument('<queue>', 'queue name, e.g. crawl'))
    .description(
      'add a task to a queue; prints it (an open task with the same --dedupe-key is returned instead)',
    )
    .option('--payload <json>', 'task payload as JSON')
    .option('--priority <n>', 'higher first (default 0)')
    .option('--dedupe-key <key>', 'at most one open or claimed task per key in the queue')
    .option('--run-after <iso>', 'not claimable before this time (2026-11-30 or 2026-11-30T14:00:00Z)')
    .option('--max-attempts <n>', 'attempts before the task fails for good (default 5)')
    .action(async (queue: string, f: TaskFlags) => {
      const payload = jsonFlag(f.payload, 'payload', '{"url":"https://example.org"}');
      const runAfter = dateFlag(f.runAfter, 'run-after');
      const t = await withMemory(f, (mem) =>
        mem.tasks.create({
          scope: scopeOf(f),
          queue,
          ...(payload !== undefined ? { payload } : {}),
          ...(f.priority !== undefined ? { priority: intFlag(f.priority, 'priority') } : {}),
          ...(f.dedupeKey !== undefined ? { dedupeKey: f.dedupeKey } : {}),
          ...(runAfter !== undefined ? { runAfter } : {}),
          ...(f.maxAttempts !== undefined ? { maxAttempts: intFlag(f.maxAttempts, 'max-attempts') } : {}),
        }),
      );
      printObject(t, f.json);
    });

  storeOptions(tasks.command('claim').argument('<queue>', 'queue name'))
    .description('claim the next due task for --agent; prints it, or (none)')
    .option('--lease <seconds>', 'lease length (default 30, at most 86400)')
    .option('--limit <n>', 'claim up to n tasks at once')
    .action(async (queue: string, f: TaskFlags) => {
      const base = { scope: scopeOf(f), queue, leaseSeconds: secondsFlag(f.lease, 'lease') };
      await withMemory(f, async (mem) => {
        if (f.limit !== undefined) {
          const got = await mem.tasks.claimBatch({ ...base, limit: intFlag(f.limit, 'limit') });
          printRows(got.map(row), f.json);
          return;
        }
        const t = await mem.tasks.claim(base);
        if (t) printObject(t, f.json);
        else process.stdout.write(f.json ? 'null\n' : '(none)\n');
      });
    });

  storeOptions(tasks.command('complete').argument('<id>', 'task id'))
    .description('mark a task you hold (--agent) done')
    .option('--result <json>', 'result as JSON')
    .action(async (id: string, f: TaskFlags) => {
      const result = jsonFlag(f.result, 'result', '{"pages":3}');
      const t = await withMemory(f, (mem) =>
        mem.tasks.complete({ scope: scopeOf(f), id, ...(result !== undefined ? { result } : {}) }),
      );
      printObject(t, f.json);
    });

  storeOptions(tasks.command('fail').argument('<id>', 'task id'))
    .description('fail a task you hold (--agent): retried with backoff until its max attempts')
    .option('--error <message>', 'what went wrong (required)')
    .option('--no-retry', 'fail it for good now')
    .action(async (id: string, f: TaskFlags) => {
      const t = await withMemory(f, (mem) =>
        mem.tasks.fail({ scope: scopeOf(f), id, error: f.error as string, retry: f.retry !== false }),
      );
      printObject(t, f.json);
    });

  storeOptions(tasks.command('cancel').argument('<id>', 'task id'))
    .description('cancel an open or claimed task')
    .action(async (id: string, f: TaskFlags) => {
      printObject(await withMemory(f, (mem) => mem.tasks.cancel({ scope: scopeOf(f), id })), f.json);
    });

  storeOptions(tasks.command('get').argument('<id>', 'task id'))
    .description('show one task')
    .action(async (id: string, f: TaskFlags) => {
      const t = await withMemory(f, (mem) => mem.tasks.get({ scope: scopeOf(f), id }));
      if (!t) throw new NotFoundError(`no task ${id} in this tenant`, 'id');
      printObject(t, f.json);
    });

  storeOptions(tasks.command('list'))
    .description(
      'list tasks, newest first. Filters by the --user / --agent (who created it) given and spans the rest' +
        ' (a column for each part it spans)',
    )
    .option('--queue <name>', 'only this queue')
    .option('--status <status>', 'open, claimed, done, failed or cancelled')
    .option('--claimed-by <agent>', 'only tasks claimed by this agent')
    .option('--limit <n>', 'at most n (default 100)')
    .action(async (f: TaskFlags) => {
      const list = await withMemory(f, (mem) =>
        mem.tasks.list({
          scope: scopeOf(f),
          scopeMatch: 'given',
          ...(f.queue !== undefined ? { queue: f.queue } : {}),
          ...(f.status !== undefined ? { status: f.status as TaskStatus } : {}),
          ...(f.claimedBy !== undefined ? { claimedBy: f.claimedBy } : {}),
          ...(f.limit !== undefined ? { limit: intFlag(f.limit, 'limit') } : {}),
        }),
      );
      const spanned = spannedParts(f, ['user', 'agent']);
      printRows(
        f.json
          ? (list as unknown as Record<string, unknown>[])
          : list.map((t) => withScope(t, spanned, row(t))),
        f.json,
      );
    });
}
