import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Tasks } from '../../src/coordination/tasks-service.js';
import { describeMemories } from '../support/memories.js';

const T0 = new Date('2026-03-01T12:00:00Z');

// The public Tasks API in process and over HTTP (the remote client), on both backends. The
// worker's claim sources and a custom backoff cap are in tasks-sources.test.ts.
describeMemories(
  'tasks',
  (ctx) => {
    const clock = ctx.clock;
    let tasks: Tasks;
    before(() => {
      tasks = ctx.memory().tasks;
    });

    it('creates, claims, heartbeats and completes a task', async () => {
      const t = await tasks.create({ queue: 'q.basic', payload: { url: 'a' }, priority: 2 });
      assert.equal(t.status, 'open');
      assert.equal(t.tenant, 'default');
      assert.deepEqual(t.payload, { url: 'a' });
      assert.equal(t.attempts, 0);
      assert.equal(t.maxAttempts, 5);

      const c = await tasks.claim({ queue: 'q.basic', agent: 'w1', leaseSeconds: 10 });
      assert.ok(c);
      assert.equal(c.id, t.id);
      assert.equal(c.status, 'claimed');
      assert.equal(c.claimedBy, 'w1');
      assert.equal(c.attempts, 1);
      assert.equal(c.leaseUntil?.getTime(), T0.getTime() + 10_000);
      assert.equal(await tasks.claim({ queue: 'q.basic', agent: 'w2' }), null, 'nothing else to claim');

      const h = await tasks.heartbeat({ id: t.id, agent: 'w1', leaseSeconds: 60 });
      assert.equal(h.leaseUntil?.getTime(), T0.getTime() + 60_000);

      const d = await tasks.complete({ id: t.id, agent: 'w1', result: { pages: 3 } });
      assert.equal(d.status, 'done');
      assert.deepEqual(d.result, { pages: 3 });
      assert.equal(d.leaseUntil, null);
      assert.equal(d.finishedAt?.getTime(), T0.getTime());
      assert.deepEqual((await tasks.get({ id: t.id }))?.result, { pages: 3 });
    });

    it('claims by priority, then run_after, and not before run_after', async () => {
      const low = await tasks.create({ queue: 'q.prio', priority: 0 });
      const high = await tasks.create({ queue: 'q.prio', priority: 9 });
      const later = await tasks.create({
        queue: 'q.prio',
        priority: 99,
        runAfter: new Date(T0.getTime() + 60_000),
      });
      assert.equal((await tasks.claim({ queue: 'q.prio', agent: 'w' }))?.id, high.id);
      assert.equal((await tasks.claim({ queue: 'q.prio', agent: 'w' }))?.id, low.id);
      assert.equal(await tasks.claim({ queue: 'q.prio', agent: 'w' }), null);
      clock.advance(60_000);
      assert.equal((await tasks.claim({ queue: 'q.prio', agent: 'w' }))?.id, later.id);
    });

    it('batch-claims up to limit tasks, each once', async () => {
      for (let n = 0; n < 5; n++) await tasks.create({ queue: 'q.batch', payload: { n } });
      const a = await tasks.claimBatch({ queue: 'q.batch', agent: 'a', limit: 3 });
      const b = await tasks.claimBatch({ queue: 'q.batch', agent: 'b', limit: 3 });
      assert.equal(a.length, 3);
      assert.equal(b.length, 2);
      assert.equal(new Set([...a, ...b].map((t) => t.id)).size, 5);
      assert.deepEqual(await tasks.claimBatch({ queue: 'q.batch', agent: 'c', limit: 3 }), []);
      await tasks.create({ queue: 'q.batch' });
      const one = await tasks.claimBatch({ queue: 'q.batch', agent: 'c' });
      assert.equal(one.length, 1, 'a batch of one by default');
      await assert.rejects(tasks.claim({ queue: 'q.batch', agent: 'c', limit: 2 } as never), {
        code: 'invalid_input',
        field: 'limit',
      });
    });

    it('dedupes an open or claimed key, and allows it again once done', async () => {
      const a = await tasks.create({ queue: 'q.dedupe', dedupeKey: 'k1', payload: { v: 1 } });
      const b = await tasks.create({ queue: 'q.dedupe', dedupeKey: 'k1', payload: { v: 2 } });
      assert.equal(b.id, a.id);
      assert.deepEqual(b.payload, { v: 1 });
      const other = await tasks.create({ queue: 'q.dedupe2', dedupeKey: 'k1' });
      assert.notEqual(other.id, a.id, 'keys are per queue');
      const racing = await Promise.all(
        Array.from({ length: 8 }, () => tasks.create({ queue: 'q.dedupe', dedupeKey: 'k2' })),
      );
      assert.equal(new Set(racing.map((t) => t.id)).size, 1);
      await tasks.claimBatch({ queue: 'q.dedupe', agent: 'w', limit: 10 });
      assert.equal(
        (await tasks.create({ queue: 'q.dedupe', dedupeKey: 'k1' })).id,
        a.id,
        'claimed still dedupes',
      );
      await tasks.complete({ id: a.id, agent: 'w' });
      const c = await tasks.create({ queue: 'q.dedupe', dedupeKey: 'k1' });
      assert.notEqual(c.id, a.id);
      assert.equal((await tasks.list({ queue: 'q.dedupe' })).length, 3);
    });

    it('fails with exponential backoff until max attempts, then failed', async () => {
      const t = await tasks.create({ queue: 'q.fail', maxAttempts: 3 });
      const start = clock.now().getTime();
      await tasks.claim({ queue: 'q.fail', agent: 'w' });
      let f = await tasks.fail({ id: t.id, agent: 'w', error: 'boom 1' });
      assert.equal(f.status, 'open');
      assert.equal(f.error, 'boom 1');
      assert.equal(f.claimedBy, null);
      assert.equal(f.runAfter.getTime(), start + 2000, 'base * 2^1');
      assert.equal(await tasks.claim({ queue: 'q.fail', agent: 'w' }), null, 'not due yet');
      clock.advance(2000);
      await tasks.claim({ queue: 'q.fail', agent: 'w' });
      f = await tasks.fail({ id: t.id, agent: 'w', error: 'boom 2' });
      assert.equal(f.runAfter.getTime(), clock.now().getTime() + 4000, 'base * 2^2');
      clock.advance(4000);
      const third = await tasks.claim({ queue: 'q.fail', agent: 'w' });
      assert.equal(third?.attempts, 3);
      f = await tasks.fail({ id: t.id, agent: 'w', error: 'boom 3' });
      assert.equal(f.status, 'failed');
      assert.equal(f.error, 'boom 3');
      assert.ok(f.finishedAt);
      clock.advance(3_600_000);
      assert.equal(await tasks.claim({ queue: 'q.fail', agent: 'w' }), null);
    });

    it('reclaims a task whose lease expired; the old holder has lost it', async () => {
      const t = await tasks.create({ queue: 'q.lease' });
      await tasks.claim({ queue: 'q.lease', agent: 'dead', leaseSeconds: 5 });
      clock.advance(4000);
      assert.equal(await tasks.claim({ queue: 'q.lease', agent: 'w2' }), null, 'lease still valid');
      clock.advance(2000);
      const again = await tasks.claim({ queue: 'q.lease', agent: 'w2', leaseSeconds: 5 });
      assert.equal(again?.id, t.id);
      assert.equal(again?.attempts, 2);
      for (const op of [
        () => tasks.complete({ id: t.id, agent: 'dead' }),
        () => tasks.heartbeat({ id: t.id, agent: 'dead' }),
        () => tasks.fail({ id: t.id, agent: 'dead', error: 'x' }),
      ])
        await assert.rejects(
          op(),
          (e: Error & { code?: string }) => e.code === 'conflict' && /lease lost/.test(e.message),
        );
      assert.equal((await tasks.complete({ id: t.id, agent: 'w2' })).status, 'done');
    });

    it('an expired lease on the last attempt fails the task instead of reclaiming it', async () => {
      const t = await tasks.create({ queue: 'q.lastlease', maxAttempts: 1 });
      await tasks.claim({ queue: 'q.lastlease', agent: 'dead', leaseSeconds: 1 });
      clock.advance(2000);
      assert.equal(await tasks.claim({ queue: 'q.lastlease', agent: 'w' }), null);
      const f = await tasks.get({ id: t.id });
      assert.equal(f?.status, 'failed');
      assert.match(f?.error ?? '', /lease expired/);
    });

    it('releases a held task without counting the attempt', async () => {
      const t = await tasks.create({ queue: 'q.release' });
      await tasks.claim({ queue: 'q.release', agent: 'w' });
      const r = await tasks.release({ id: t.id, agent: 'w' });
      assert.equal(r.status, 'open');
      assert.equal(r.attempts, 0);
      assert.equal(r.claimedBy, null);
      assert.equal((await tasks.claim({ queue: 'q.release', agent: 'w2' }))?.attempts, 1);
    });

    it('cancels open and claimed tasks; a cancelled one cannot be completed', async () => {
      const a = await tasks.create({ queue: 'q.cancel' });
      const b = await tasks.create({ queue: 'q.cancel' });
      assert.equal((await tasks.cancel({ id: a.id })).status, 'cancelled');
      await tasks.claim({ queue: 'q.cancel', agent: 'w' });
      assert.equal((await tasks.cancel({ id: b.id })).status, 'cancelled');
      await assert.rejects(tasks.complete({ id: b.id, agent: 'w' }), { code: 'conflict' });
      await assert.rejects(tasks.cancel({ id: b.id }), { code: 'conflict' });
      assert.equal(await tasks.claim({ queue: 'q.cancel', agent: 'w' }), null);
    });

    it('lists by queue, status and holder, newest first', async () => {
      const a = await tasks.create({ queue: 'q.list' });
      clock.advance(1);
      const b = await tasks.create({ queue: 'q.list' });
      await tasks.claim({ queue: 'q.list', agent: 'lister' });
      const all = await tasks.list({ queue: 'q.list' });
      assert.deepEqual(
        all.map((t) => t.id),
        [b.id, a.id],
      );
      assert.deepEqual(
        (await tasks.list({ queue: 'q.list', status: 'open' })).map((t) => t.id),
        [b.id],
      );
      assert.deepEqual(
        (await tasks.list({ claimedBy: 'lister' })).map((t) => t.id),
        [a.id],
      );
      assert.equal((await tasks.list({ queue: 'q.list', limit: 1 })).length, 1);
    });

    it('never crosses tenants', async () => {
      const t = await tasks.create({ scope: { tenant: 'acme' }, queue: 'q.tenant' });
      assert.equal(await tasks.claim({ queue: 'q.tenant', agent: 'w' }), null);
      assert.equal(await tasks.get({ id: t.id }), null, 'get: null (absent in this tenant)');
      await assert.rejects(tasks.cancel({ id: t.id }), { code: 'not_found' });
      assert.equal((await tasks.list({ queue: 'q.tenant' })).length, 0);
      const c = await tasks.claim({ scope: { tenant: 'acme' }, queue: 'q.tenant', agent: 'w' });
      assert.equal(c?.tenant, 'acme');
      await assert.rejects(tasks.complete({ id: t.id, agent: 'w' }), { code: 'not_found' });
    });
  },
  { start: T0 },
);
