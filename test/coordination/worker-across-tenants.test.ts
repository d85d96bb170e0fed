import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { createTasks, type Tasks } from '../../src/coordination/tasks-service.js';
import { ownQueueSource } from '../../src/coordination/tasks-sources.js';
import { runWorker } from '../../src/coordination/worker-runner.js';
import { describeBackends } from '../support/backends.js';
import { waitFor } from './wait.js';

describeBackends('worker runner across tenants', (ctx) => {
  let tasks: Tasks;
  before(() => {
    tasks = createTasks({ db: ctx.db(), clock: systemClock, backoffBaseMs: 10, backoffMaxMs: 20 });
  });

  it("serves mnemo's own queues for every tenant, acting on each task in its tenant", async () => {
    const tenants = ['t1', 't2', 't3'];
    for (const tenant of tenants)
      for (let n = 0; n < 5; n++)
        await tasks.create({ scope: { tenant }, queue: 'mnemo.selftest', payload: { n } });
    const seen: string[] = [];
    const w = runWorker({
      tasks,
      queue: 'mnemo.selftest',
      agent: 'internal',
      source: ownQueueSource({ db: ctx.db(), clock: systemClock, tasks }),
      concurrency: 3,
      pollIntervalMs: 50,
      handler: async (t) => {
        seen.push(t.tenant);
        if ((t.payload as { n: number }).n === 4 && t.attempts === 1) throw new Error('first try fails');
        return { tenant: t.tenant };
      },
    });
    const done = async () => {
      let total = 0;
      for (const tenant of tenants)
        total += (
          await tasks.list({ scope: { tenant }, queue: 'mnemo.selftest', status: 'done', limit: 100 })
        ).length;
      return total;
    };
    await waitFor(async () => (await done()) === 15, 20_000, '15 tasks done');
    await w.close();
    await w.done;
    for (const tenant of tenants) {
      const list = await tasks.list({ scope: { tenant }, queue: 'mnemo.selftest', limit: 100 });
      assert.ok(list.every((t) => t.status === 'done' && (t.result as { tenant: string }).tenant === tenant));
      // The failed first attempt was recorded and retried in the task's own tenant.
      assert.ok(list.some((t) => t.attempts === 2));
    }
    assert.deepEqual([...new Set(seen)].sort(), tenants);
  });

  it('refuses to claim a tenant queue across tenants', async () => {
    await tasks.create({ queue: 'tenant.queue' });
    assert.throws(
      () =>
        runWorker({
          tasks,
          queue: 'tenant.queue',
          source: ownQueueSource({ db: ctx.db(), clock: systemClock, tasks }),
          pollIntervalMs: 50,
          handler: async () => null,
        }),
      { code: 'invalid_input', field: 'queue', message: /only mnemo's own queues/ },
    );
    assert.equal((await tasks.list({ queue: 'tenant.queue', status: 'open' })).length, 1);
  });
});
