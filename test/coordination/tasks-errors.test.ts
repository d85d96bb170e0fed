import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Tasks } from '../../src/coordination/tasks-api.js';
import { describeMemories } from '../support/memories.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

function invalid(field: string) {
  return (e: Error & { code?: string; field?: string }) => e.code === 'invalid_input' && e.field === field;
}

describeMemories(
  'tasks: bad input',
  (ctx) => {
    let tasks: Tasks;
    let snapshot: () => Promise<string>;
    before(() => {
      tasks = ctx.memory().tasks;
      snapshot = async () => JSON.stringify((await ctx.db().query('select * from tasks order by id')).rows);
    });

    it('rejects bad create input, store unchanged', async () => {
      const before = await snapshot();
      await assert.rejects(tasks.create({ queue: '' }), invalid('queue'));
      await assert.rejects(tasks.create({ queue: 'has space' }), invalid('queue'));
      await assert.rejects(tasks.create({ queue: 'q', priority: 1.5 }), invalid('priority'));
      await assert.rejects(tasks.create({ queue: 'q', maxAttempts: 0 }), invalid('maxAttempts'));
      await assert.rejects(tasks.create({ queue: 'q', runAfter: 'tomorrow' as never }), invalid('runAfter'));
      await assert.rejects(tasks.create({ queue: 'q', payload: { f: () => 1 } }), invalid('payload'));
      await assert.rejects(tasks.create({ queue: 'q', scope: { tenant: '' } }), invalid('scope.tenant'));
      await assert.rejects(tasks.create({ queue: 'q', nope: 1 } as never), { code: 'invalid_input' });
      assert.equal(await snapshot(), before);
    });

    it('rejects a negative, zero or too long lease and a bad limit', async () => {
      await tasks.create({ queue: 'q.lease' });
      const before = await snapshot();
      await assert.rejects(
        tasks.claim({ queue: 'q.lease', agent: 'w', leaseSeconds: -5 }),
        invalid('leaseSeconds'),
      );
      await assert.rejects(
        tasks.claim({ queue: 'q.lease', agent: 'w', leaseSeconds: 0 }),
        invalid('leaseSeconds'),
      );
      await assert.rejects(
        tasks.claim({ queue: 'q.lease', agent: 'w', leaseSeconds: 86_401 }),
        invalid('leaseSeconds'),
      );
      await assert.rejects(tasks.claimBatch({ queue: 'q.lease', agent: 'w', limit: 0 }), invalid('limit'));
      await assert.rejects(tasks.claim({ queue: 'q.lease' }), invalid('agent'));
      assert.equal(await snapshot(), before, 'nothing was claimed');
      const t = await tasks.claim({ queue: 'q.lease', agent: 'w' });
      assert.ok(t);
      await assert.rejects(
        tasks.heartbeat({ id: t.id, agent: 'w', leaseSeconds: -1 }),
        invalid('leaseSeconds'),
      );
      assert.equal((await tasks.get({ id: t.id }))?.leaseUntil?.getTime(), t.leaseUntil?.getTime());
    });

    it('bad ids are invalid_input, unknown ids not_found (get: null)', async () => {
      for (const op of [
        () => tasks.get({ id: 'nope' }),
        () => tasks.cancel({ id: '12' }),
        () => tasks.complete({ id: 'x', agent: 'w' }),
        () => tasks.heartbeat({ id: 'x', agent: 'w' }),
        () => tasks.fail({ id: 'x', agent: 'w', error: 'e' }),
      ])
        await assert.rejects(op(), invalid('id'));
      assert.equal(await tasks.get({ id: MISSING }), null);
      for (const op of [
        () => tasks.cancel({ id: MISSING }),
        () => tasks.complete({ id: MISSING, agent: 'w' }),
        () => tasks.heartbeat({ id: MISSING, agent: 'w' }),
        () => tasks.fail({ id: MISSING, agent: 'w', error: 'e' }),
        () => tasks.release({ id: MISSING, agent: 'w' }),
      ])
        await assert.rejects(op(), { code: 'not_found', field: 'id' });
    });

    it('acting on a task one does not hold is a lease-lost conflict, store unchanged', async () => {
      const open = await tasks.create({ queue: 'q.hold' });
      const before = await snapshot();
      await assert.rejects(
        tasks.complete({ id: open.id, agent: 'w' }),
        /lease lost: .* it is open, not claimed/,
      );
      const held = await tasks.claim({ queue: 'q.hold', agent: 'owner' });
      assert.ok(held);
      const mid = await snapshot();
      assert.notEqual(mid, before);
      await assert.rejects(tasks.complete({ id: held.id, agent: 'thief' }), {
        code: 'conflict',
        message: /claimed by "owner", not "thief"/,
      });
      await assert.rejects(tasks.fail({ id: held.id, agent: 'thief', error: 'x' }), { code: 'conflict' });
      await assert.rejects(tasks.heartbeat({ id: held.id, agent: 'thief' }), { code: 'conflict' });
      await assert.rejects(tasks.release({ id: held.id, agent: 'thief' }), { code: 'conflict' });
      assert.equal(await snapshot(), mid);
      await tasks.complete({ id: held.id, agent: 'owner' });
      await assert.rejects(tasks.complete({ id: held.id, agent: 'owner' }), /it is done, not claimed/);
      await assert.rejects(tasks.fail({ id: held.id, agent: 'owner', error: '' }), invalid('error'));
    });
  },
  { start: new Date('2026-03-01T12:00:00Z') },
);
