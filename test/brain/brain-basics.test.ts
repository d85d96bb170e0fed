import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeMemories } from '../support/memories.js';

describeMemories(
  'brain basics',
  (ctx) => {
    const clock = ctx.clock;
    const brain = () => ctx.memory().brain;

    it('sets and gets any JSON value with defaults and authorship', async () => {
      const scope = { tenant: 'basics', user: 'alice', agent: 'planner' };
      const value = {
        name: 'Alice',
        langs: ['en', 'fr'],
        n: 1.5,
        ok: true,
        none: null,
        deep: { a: { b: [1] } },
      };
      const e = await brain().set({ scope, key: 'identity.profile', value });
      assert.deepEqual(e.value, value);
      assert.equal(e.tenant, 'basics');
      assert.equal(e.user, 'alice');
      assert.equal(e.agent, 'planner');
      assert.equal(e.category, 'general');
      assert.equal(e.description, '');
      assert.equal(e.priority, 5);
      assert.equal(e.version, 1);
      assert.equal(e.expiresAt, null);
      assert.equal(e.createdBy, 'planner');
      assert.equal(e.updatedBy, 'planner');
      assert.equal(e.createdAt.toISOString(), '2026-03-01T10:00:00.000Z');
      const got = await brain().get({ scope, key: 'identity.profile' });
      assert.deepEqual(got, e);
      for (const v of ['plain', 42, false, null, [1, 'two'], '']) {
        await brain().set({ scope, key: 'misc.value', value: v });
        assert.deepEqual((await brain().get({ scope, key: 'misc.value' }))?.value, v);
      }
    });

    it('upserts: bumps the version, keeps omitted metadata, records who and when', async () => {
      const scope = { tenant: 'upsert' };
      const a = await brain().set({
        scope,
        key: 'directive.tone',
        value: 'formal',
        category: 'directive',
        description: 'how to talk',
        priority: 8,
        by: 'admin',
      });
      clock.advance(1000);
      const b = await brain().set({ scope, key: 'directive.tone', value: 'casual', by: 'bot' });
      assert.equal(b.version, a.version + 1);
      assert.equal(b.category, 'directive');
      assert.equal(b.description, 'how to talk');
      assert.equal(b.priority, 8);
      assert.equal(b.createdBy, 'admin');
      assert.equal(b.updatedBy, 'bot');
      assert.deepEqual(b.createdAt, a.createdAt);
      assert.equal(b.updatedAt.getTime() - a.updatedAt.getTime(), 1000);
      const c = await brain().set({
        scope,
        key: 'directive.tone',
        value: 'dry',
        priority: 2,
        category: 'style',
      });
      assert.equal(c.priority, 2);
      assert.equal(c.category, 'style');
    });

    it('keeps user and agent scopes apart and reads them exactly as given', async () => {
      const t = 'scopes';
      await brain().set({ scope: { tenant: t }, key: 'k', value: 'shared' });
      await brain().set({ scope: { tenant: t, user: 'u1' }, key: 'k', value: 'u1' });
      await brain().set({ scope: { tenant: t, user: 'u1', agent: 'a1' }, key: 'k', value: 'u1a1' });
      assert.equal((await brain().get({ scope: { tenant: t }, key: 'k' }))?.value, 'shared');
      assert.equal((await brain().get({ scope: { tenant: t, user: 'u1' }, key: 'k' }))?.value, 'u1');
      assert.equal(
        (await brain().get({ scope: { tenant: t, user: 'u1', agent: 'a1' }, key: 'k' }))?.value,
        'u1a1',
      );
      assert.equal(await brain().get({ scope: { tenant: t, agent: 'a1' }, key: 'k' }), null);
      assert.deepEqual(
        (await brain().list({ scope: { tenant: t, user: 'u1' } })).map((e) => e.value),
        ['u1'],
      );
    });

    it('lists by prefix on whole segments only, ordered by key', async () => {
      const scope = { tenant: 'prefix' };
      for (const key of [
        'session',
        'session.x',
        'session.x.y',
        'sessions.x',
        'sessionx',
        'other.session',
        'a',
      ])
        await brain().set({ scope, key, value: key });
      const keys = async (prefix?: string) => (await brain().list({ scope, prefix })).map((e) => e.key);
      assert.deepEqual(await keys('session'), ['session', 'session.x', 'session.x.y']);
      assert.deepEqual(await keys('session.*'), ['session', 'session.x', 'session.x.y']);
      assert.deepEqual(await keys('session.'), ['session', 'session.x', 'session.x.y']);
      assert.deepEqual(await keys('session.x'), ['session.x', 'session.x.y']);
      assert.deepEqual(await keys('sessions'), ['sessions.x']);
      assert.deepEqual(await keys('nothing'), []);
      assert.deepEqual(await keys(), [
        'a',
        'other.session',
        'session',
        'session.x',
        'session.x.y',
        'sessions.x',
        'sessionx',
      ]);
      assert.equal((await brain().list({ scope, limit: 2 })).length, 2);
    });

    it('treats LIKE wildcards in a prefix as plain characters', async () => {
      const scope = { tenant: 'like' };
      await brain().set({ scope, key: 'a_b.c', value: 1 });
      await brain().set({ scope, key: 'axb.c', value: 2 });
      assert.deepEqual(
        (await brain().list({ scope, prefix: 'a_b' })).map((e) => e.key),
        ['a_b.c'],
      );
    });

    it('filters a list by category', async () => {
      const scope = { tenant: 'cat' };
      await brain().set({ scope, key: 'identity.name', value: 'x', category: 'identity' });
      await brain().set({ scope, key: 'identity.role', value: 'y', category: 'identity' });
      await brain().set({ scope, key: 'directive.tone', value: 'z', category: 'directive' });
      assert.deepEqual(
        (await brain().list({ scope, category: 'identity' })).map((e) => e.key),
        ['identity.name', 'identity.role'],
      );
      assert.deepEqual(
        (await brain().list({ scope, prefix: 'identity', category: 'directive' })).map((e) => e.key),
        [],
      );
    });

    it('deletes, returns false for an absent key, and continues versions after a re-set', async () => {
      const scope = { tenant: 'del' };
      await brain().set({ scope, key: 'tmp.k', value: 1 });
      await brain().set({ scope, key: 'tmp.k', value: 2 });
      assert.equal(await brain().delete({ scope, key: 'tmp.k', by: 'cleaner' }), true);
      assert.equal(await brain().get({ scope, key: 'tmp.k' }), null);
      assert.equal(await brain().delete({ scope, key: 'tmp.k' }), false);
      assert.equal(await brain().delete({ scope, key: 'never.set' }), false);
      const again = await brain().set({ scope, key: 'tmp.k', value: 3, expectedVersion: 0 });
      assert.equal(again.version, 4);
      const h = await brain().history({ scope, key: 'tmp.k' });
      assert.deepEqual(
        h.map((x) => [x.op, x.oldValue, x.newValue, x.version]),
        [
          ['set', null, 1, 1],
          ['set', 1, 2, 2],
          ['delete', 2, null, 3],
          ['set', null, 3, 4],
        ],
      );
      assert.equal(h[2].changedBy, 'cleaner');
    });

    it('keeps a full history: old and new values, versions, who and when', async () => {
      const scope = { tenant: 'hist', agent: 'writer' };
      const t0 = clock.now().getTime();
      for (let i = 1; i <= 4; i++) {
        await brain().set({ scope, key: 'project.status', value: { step: i }, by: `w${i}` });
        clock.advance(60_000);
      }
      const h = await brain().history({ scope, key: 'project.status' });
      assert.equal(h.length, 4);
      h.forEach((x, i) => {
        assert.equal(x.op, 'set');
        assert.equal(x.version, i + 1);
        assert.deepEqual(x.newValue, { step: i + 1 });
        assert.deepEqual(x.oldValue, i === 0 ? null : { step: i });
        assert.equal(x.changedBy, `w${i + 1}`);
        assert.equal(x.changedAt.getTime(), t0 + i * 60_000);
      });
      const last2 = await brain().history({ scope, key: 'project.status', limit: 2 });
      assert.deepEqual(
        last2.map((x) => x.version),
        [3, 4],
      );
      assert.deepEqual(await brain().history({ scope: { tenant: 'hist' }, key: 'project.status' }), []);
    });
  },
  { start: new Date('2026-03-01T10:00:00Z') },
);
