// What needs the store itself: a queue with a custom backoff cap, and the claim sources a
// worker runs on (a tenant's queue completed and refilled in one statement; mnemo's own
// queues claimed across tenants).
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import { createTasks, type Tasks } from '../../src/coordination/tasks-service.js';
import { ownQueueSource, tenantSource } from '../../src/coordination/tasks-sources.js';
import { describeBackends } from '../support/backends.js';

const T0 = new Date('2026-03-01T12:00:00Z');

describeBackends('tasks: claim sources and backoff cap', (ctx) => {
  const clock = fixedClock(T0);
  let tasks: Tasks;
  before(() => {
    tasks = createTasks({ db: ctx.db(), clock, backoffBaseMs: 1000, backoffMaxMs: 5000 });
  });

  it('caps the backoff and fails for good with retry: false', async () => {
    const t = await tasks.create({ queue: 'q.cap', maxAttempts: 20 });
    for (let n = 0; n < 4; n++) {
      clock.advance(10_000);
      await tasks.claim({ queue: 'q.cap', agent: 'w' });
      const f = await tasks.fail({ id: t.id, agent: 'w', error: 'x' });
      assert.ok(f.runAfter.getTime() - clock.now().getTime() <= 5000, 'capped at backoffMaxMs');
    }
    clock.advance(10_000);
    await tasks.claim({ queue: 'q.cap', agent: 'w' });
    const f = await tasks.fail({ id: t.id, agent: 'w', error: 'fatal', retry: false });
    assert.equal(f.status, 'failed');
  });

  it('a local source completes a held task and claims the next in one statement', async () => {
    const src = tenantSource(tasks, { queue: 'q.cac', agent: 'w', leaseSeconds: 30 });
    const a = await tasks.create({ queue: 'q.cac', priority: 5 });
    const b = await tasks.create({ queue: 'q.cac' });
    const [held] = await src.claim(1);
    assert.equal(held?.id, a.id);
    const statements: string[] = [];
    const db = ctx.db();
    const query = db.query.bind(db);
    db.query = ((sql: string, params?: unknown[]) => {
      statements.push(sql);
      return query(sql, params);
    }) as typeof db.query;
    let r: Awaited<ReturnType<typeof src.complete>>;
    try {
      r = await src.complete([{ task: held as never, result: { ok: 1 } }], 1);
    } finally {
      db.query = query;
    }
    assert.equal(statements.length, 1, 'one statement');
    assert.deepEqual(r.lost, []);
    assert.deepEqual((await tasks.get({ id: a.id }))?.result, { ok: 1 });
    assert.equal((await tasks.get({ id: a.id }))?.status, 'done');
    assert.deepEqual(
      r.claimed.map((t) => [t.id, t.status, t.claimedBy]),
      [[b.id, 'claimed', 'w']],
    );
    const last = await src.complete([{ task: r.claimed[0] as never, result: null }], 1);
    assert.deepEqual(last.claimed, []);
  });

  it('completes held tasks, lists the lost ones, and refills up to the freed slots', async () => {
    for (let n = 0; n < 5; n++) await tasks.create({ queue: 'q.cb', payload: { n } });
    const src = tenantSource(tasks, { queue: 'q.cb', agent: 'w', leaseSeconds: 30 });
    const held = await src.claim(3);
    const other = await tasks.claim({ queue: 'q.cb', agent: 'x' });
    assert.ok(other);
    const r = await src.complete(
      [
        ...held.map((t) => ({ task: t, result: { n: (t.payload as { n: number }).n } })),
        { task: other, result: null },
      ],
      4,
    );
    assert.deepEqual(r.lost, [other.id]);
    for (const t of held) {
      const d = await tasks.get({ id: t.id });
      assert.equal(d?.status, 'done');
      assert.equal((d?.result as { n: number } | undefined)?.n, (t.payload as { n: number }).n);
    }
    assert.equal(r.claimed.length, 1, 'only one task was left to claim');
    assert.equal(
      (await tasks.get({ id: other.id }))?.status,
      'claimed',
      "the other agent's task is untouched",
    );
  });

  it('the same source over the public API alone (a remote memory) completes each task', async () => {
    // A copy of the API that createTasks did not make: no store behind it to reach.
    const remoteLike: Tasks = { ...tasks };
    for (let n = 0; n < 3; n++) await tasks.create({ queue: 'q.pub', payload: { n } });
    const src = tenantSource(remoteLike, { queue: 'q.pub', agent: 'p', leaseSeconds: 30 });
    const held = await src.claim(2);
    const other = await tasks.claim({ queue: 'q.pub', agent: 'x' });
    assert.ok(other);
    const r = await src.complete(
      [...held.map((t) => ({ task: t, result: 1 })), { task: other, result: null }],
      2,
    );
    assert.deepEqual(r.lost, [other.id]);
    assert.deepEqual(r.claimed, []);
    for (const t of held) assert.equal((await tasks.get({ id: t.id }))?.status, 'done');
    const stop = await src.watch(() => {});
    await stop();
  });

  it("claims mnemo's own queues across tenants (internal); refuses a tenant's queue", async () => {
    await tasks.create({ scope: { tenant: 't1' }, queue: 'mnemo.test' });
    await tasks.create({ scope: { tenant: 't2' }, queue: 'mnemo.test' });
    const own = ownQueueSource({ db: ctx.db(), clock, tasks });
    const src = own({ queue: 'mnemo.test', agent: 'bg', leaseSeconds: 30 });
    const got = await src.claim(5);
    assert.deepEqual(got.map((t) => t.tenant).sort(), ['t1', 't2']);
    const r = await src.complete(
      got.map((t) => ({ task: t, result: { tenant: t.tenant } })),
      1,
    );
    assert.deepEqual(r, { lost: [], claimed: [] });
    for (const t of got)
      assert.equal((await tasks.get({ scope: { tenant: t.tenant }, id: t.id }))?.status, 'done');
    assert.throws(() => own({ queue: 'public', agent: 'bg', leaseSeconds: 30 }), {
      code: 'invalid_input',
      field: 'queue',
    });
  });
});
