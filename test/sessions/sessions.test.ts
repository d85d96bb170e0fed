import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { describeMemories } from '../support/memories.js';

function code(c: string, field?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof MnemoError, `expected a MnemoError, got ${e}`);
    assert.equal(e.code, c);
    if (field !== undefined) assert.equal(e.field, field);
    return true;
  };
}

describeMemories(
  'sessions',
  (ctx) => {
    const clock = ctx.clock;
    const sessions = () => ctx.memory().sessions;
    const count = async () =>
      (await ctx.db().query<{ n: number }>('select count(*)::int as n from sessions')).rows[0].n;

    it('starts with a generated uuid or a given id, and ends with a summary', async () => {
      const scope = { tenant: 's1', user: 'alice', agent: 'coder' };
      const a = await sessions().start({ scope, metadata: { channel: 'cli' } });
      assert.match(a.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(a, {
        id: a.id,
        tenant: 's1',
        user: 'alice',
        agent: 'coder',
        startedAt: clock.now(),
        endedAt: null,
        summary: null,
        metadata: { channel: 'cli' },
      });
      const b = await sessions().start({ scope, id: 'run-42' });
      assert.equal(b.id, 'run-42');
      const fromScope = await sessions().start({ scope: { ...scope, session: 'thread-7' } });
      assert.equal(fromScope.id, 'thread-7');
      clock.advance(90_000);
      const ended = await sessions().end({ scope, id: 'run-42', summary: 'fixed the build' });
      assert.equal(ended.summary, 'fixed the build');
      assert.equal(ended.endedAt?.getTime(), b.startedAt.getTime() + 90_000);
      assert.deepEqual(await sessions().get({ scope, id: 'run-42' }), ended);
    });

    it('refuses a taken id, an unknown id and a second end, leaving the store unchanged', async () => {
      const scope = { tenant: 's2' };
      await sessions().start({ scope, id: 'dup' });
      const before = await count();
      await assert.rejects(sessions().start({ scope, id: 'dup' }), code('conflict'));
      await assert.rejects(
        sessions().start({ scope: { tenant: 's2', user: 'other' }, id: 'dup' }),
        code('conflict'),
      );
      await assert.rejects(sessions().end({ scope, id: 'nope' }), code('not_found', 'id'));
      await sessions().end({ scope, id: 'dup', summary: 'first' });
      await assert.rejects(sessions().end({ scope, id: 'dup', summary: 'second' }), code('conflict'));
      assert.equal((await sessions().get({ scope, id: 'dup' }))?.summary, 'first');
      assert.equal(await count(), before);
      assert.equal(await sessions().get({ scope, id: 'nope' }), null);
    });

    it('lists active or ended sessions of the exact scope, most recent first', async () => {
      const scope = { tenant: 's3', user: 'u' };
      for (const id of ['one', 'two', 'three']) {
        await sessions().start({ scope, id });
        clock.advance(1000);
      }
      await sessions().start({ scope: { tenant: 's3' }, id: 'no-user' });
      await sessions().start({ scope: { tenant: 's3', user: 'u', agent: 'a' }, id: 'with-agent' });
      await sessions().end({ scope, id: 'two' });
      const ids = async (active?: boolean, limit?: number) =>
        (await sessions().list({ scope, active, limit })).map((s) => s.id);
      assert.deepEqual(await ids(), ['three', 'two', 'one']);
      assert.deepEqual(await ids(true), ['three', 'one']);
      assert.deepEqual(await ids(false), ['two']);
      assert.deepEqual(await ids(undefined, 1), ['three']);
      assert.equal(await sessions().get({ scope: { tenant: 's3' }, id: 'one' }), null);
      await assert.rejects(sessions().end({ scope: { tenant: 's3' }, id: 'one' }), code('not_found'));
    });

    it('never shows one tenant the sessions of another', async () => {
      await sessions().start({ scope: { tenant: 'ta' }, id: 'secret', metadata: { k: 'a' } });
      const B = { tenant: 'tb' };
      assert.equal(await sessions().get({ scope: B, id: 'secret' }), null);
      assert.deepEqual(await sessions().list({ scope: B }), []);
      await assert.rejects(sessions().end({ scope: B, id: 'secret' }), code('not_found'));
      // The same id in another tenant is another session.
      assert.equal((await sessions().start({ scope: B, id: 'secret' })).tenant, 'tb');
      assert.equal((await sessions().get({ scope: { tenant: 'ta' }, id: 'secret' }))?.endedAt, null);
    });

    it('rejects bad input naming the field, leaving the store unchanged', async () => {
      const before = await count();
      const bad: [Promise<unknown>, string | undefined][] = [
        [sessions().start({ id: '' }), 'id'],
        [sessions().start({ id: 'a\nb' }), 'id'],
        [sessions().start({ id: 'x'.repeat(300) }), 'id'],
        [sessions().start({ id: 5 } as never), 'id'],
        [sessions().start({ metadata: [1, 2] } as never), 'metadata'],
        [sessions().start({ metadata: { d: new Date() } } as never), 'metadata'],
        [sessions().start({ metadata: 'x' } as never), 'metadata'],
        [sessions().start({ scope: { tenant: 'a\u0001' } }), 'scope.tenant'],
        [sessions().start({ colour: 'red' } as never), undefined],
        [sessions().end({} as never), 'id'],
        [sessions().end({ id: 'x', summary: 3 } as never), 'summary'],
        [sessions().get({ id: null } as never), 'id'],
        [sessions().list({ active: 'yes' } as never), 'active'],
        [sessions().list({ limit: 0 }), 'limit'],
      ];
      for (const [p, field] of bad) await assert.rejects(p, code('invalid_input', field));
      assert.equal(await count(), before);
    });
  },
  { start: new Date('2026-06-01T08:00:00Z') },
);
