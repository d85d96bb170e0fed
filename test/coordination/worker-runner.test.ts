import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import type { Task } from '../../src/coordination/tasks-schema.js';
import { createTasks, type Tasks } from '../../src/coordination/tasks-service.js';
import { runWorker } from '../../src/coordination/worker-runner.js';
import { describeBackends } from '../support/backends.js';
import { waitFor } from './wait.js';

describeBackends('worker runner', (ctx) => {
  let tasks: Tasks;
  before(() => {
    tasks = createTasks({ db: ctx.db(), clock: systemClock, backoffBaseMs: 10, backoffMaxMs: 20 });
  });
  const count = async (queue: string, status: string) =>
    (await tasks.list({ queue, status: status as Task['status'], limit: 1000 })).length;

  it('runs every task once with concurrency, recording results and errors', async () => {
    for (let n = 0; n < 30; n++) await tasks.create({ queue: 'w.run', payload: { n } });
    const seen: number[] = [];
    const w = runWorker({
      tasks,
      queue: 'w.run',
      agent: 'runner',
      concurrency: 4,
      pollIntervalMs: 50,
      handler: async (t) => {
        const n = (t.payload as { n: number }).n;
        seen.push(n);
        await new Promise((r) => setTimeout(r, 2));
        return { double: n * 2 };
      },
    });
    await waitFor(async () => (await count('w.run', 'done')) === 30, 20_000, '30 tasks done');
    await w.close();
    await w.done;
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      Array.from({ length: 30 }, (_, i) => i),
    );
    const done = await tasks.list({ queue: 'w.run', limit: 100 });
    assert.ok(
      done.every(
        (t) =>
          t.claimedBy === 'runner' &&
          (t.result as { double: number }).double === (t.payload as { n: number }).n * 2,
      ),
    );
  });

  it('fails a throwing task with its message, retries it, then marks it failed', async () => {
    const t = await tasks.create({ queue: 'w.fail', maxAttempts: 2 });
    let calls = 0;
    const w = runWorker({
      tasks,
      queue: 'w.fail',
      pollIntervalMs: 20,
      handler: async () => {
        calls++;
        throw new Error(`broken ${calls}`);
      },
    });
    await waitFor(async () => (await tasks.get({ id: t.id }))?.status === 'failed', 10_000, 'task failed');
    await w.close();
    const f = await tasks.get({ id: t.id });
    assert.equal(f?.attempts, 2);
    assert.equal(f?.error, 'broken 2');
    assert.equal(calls, 2);
  });

  it('a result that cannot be stored as JSON fails the task for good, saying why', async () => {
    const t = await tasks.create({ queue: 'w.badresult' });
    const w = runWorker({
      tasks,
      queue: 'w.badresult',
      pollIntervalMs: 20,
      handler: async () => ({ n: 10n }),
    });
    await waitFor(async () => (await tasks.get({ id: t.id }))?.status === 'failed', 10_000, 'task failed');
    await w.close();
    assert.match(
      (await tasks.get({ id: t.id }))?.error ?? '',
      /result cannot be stored: it must be a JSON value/,
    );
  });

  it('wakes on NOTIFY when a task is created, long before its next poll', async () => {
    let got: Task | null = null;
    const w = runWorker({
      tasks,
      queue: 'w.notify',
      pollIntervalMs: 600_000,
      handler: async (t) => {
        got = t;
      },
    });
    await new Promise((r) => setTimeout(r, 200)); // let it claim nothing and go to sleep
    const t = await tasks.create({ queue: 'w.notify' });
    await waitFor(() => got !== null, 15_000, 'notify wake-up');
    await w.close();
    assert.equal((got as Task | null)?.id, t.id);
  });

  it('close() waits for running tasks within the grace period', async () => {
    const t = await tasks.create({ queue: 'w.grace' });
    let started = false;
    const w = runWorker({
      tasks,
      queue: 'w.grace',
      pollIntervalMs: 20,
      graceMs: 30_000,
      handler: async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 150));
        return 'finished';
      },
    });
    await waitFor(() => started, 10_000, 'handler start');
    await w.close();
    const d = await tasks.get({ id: t.id });
    assert.equal(d?.status, 'done');
    assert.equal(d?.result, 'finished');
  });

  it('after the grace period gives a hanging task back without counting the attempt', async () => {
    const t = await tasks.create({ queue: 'w.hang' });
    let signal: AbortSignal | undefined;
    const w = runWorker({
      tasks,
      queue: 'w.hang',
      pollIntervalMs: 20,
      graceMs: 50,
      handler: (_task, ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
    });
    await waitFor(() => signal !== undefined, 10_000, 'handler start');
    await w.close();
    await w.done;
    assert.equal(signal?.aborted, true);
    const r = await tasks.get({ id: t.id });
    assert.equal(r?.status, 'open');
    assert.equal(r?.attempts, 0);
    assert.equal(r?.claimedBy, null);
  });

  it('heartbeats keep the lease; a lost lease aborts the handler', async () => {
    const t = await tasks.create({ queue: 'w.lease' });
    let signal: AbortSignal | undefined;
    const errors: unknown[] = [];
    const w = runWorker({
      tasks,
      queue: 'w.lease',
      leaseSeconds: 0.3,
      pollIntervalMs: 20,
      onError: (e) => errors.push(e),
      handler: (_task, ctx) => {
        signal = ctx.signal;
        return new Promise((_, reject) =>
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))),
        );
      },
    });
    await waitFor(() => signal !== undefined, 10_000, 'handler start');
    const first = (await tasks.get({ id: t.id }))?.leaseUntil?.getTime() ?? 0;
    await waitFor(
      async () => ((await tasks.get({ id: t.id }))?.leaseUntil?.getTime() ?? 0) > first,
      10_000,
      'a heartbeat',
    );
    await tasks.cancel({ id: t.id });
    await waitFor(() => signal?.aborted === true, 10_000, 'abort after lost lease');
    await w.close();
    assert.equal((await tasks.get({ id: t.id }))?.status, 'cancelled');
    assert.ok(errors.some((e) => (e as { code?: string }).code === 'conflict'));
  });

  it('rejects bad options with typed errors', () => {
    const handler = async () => null;
    assert.throws(() => runWorker({ tasks, queue: 'w', handler, leaseSeconds: -1 }), {
      field: 'leaseSeconds',
    });
    assert.throws(() => runWorker({ tasks, queue: '', handler }), { field: 'queue' });
    assert.throws(() => runWorker({ tasks, queue: 'w', handler, concurrency: 0 }), { field: 'concurrency' });
    assert.throws(() => runWorker({ tasks, queue: 'w', handler: 'x' as never }), { field: 'handler' });
  });
});
