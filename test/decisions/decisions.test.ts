import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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
  'decisions',
  (ctx) => {
    const clock = ctx.clock;
    const decisions = () => ctx.memory().decisions;

    it('records a decision with alternatives, reasoning, tags and a linked episode', async () => {
      const ep = await ctx
        .db()
        .query<{ id: string }>(
          "insert into episodes (tenant_id, role, content) values ('d1', 'user', 'hi') returning id",
        );
      const scope = { tenant: 'd1', user: 'alice', agent: 'planner', session: 'run-1' };
      const d = await decisions().record({
        scope,
        subject: 'storage',
        context: 'Which database should hold agent memory?',
        alternatives: ['sqlite', { option: 'postgres', pros: ['concurrency'] }],
        chosen: 'postgres',
        reasoning: 'many agents write at once',
        episodeId: ep.rows[0].id,
        tags: ['infra', 'db'],
        metadata: { ticket: 'T-1' },
      });
      assert.match(d.id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        { ...d, id: 'x' },
        {
          id: 'x',
          tenant: 'd1',
          user: 'alice',
          agent: 'planner',
          session: 'run-1',
          subject: 'storage',
          context: 'Which database should hold agent memory?',
          alternatives: ['sqlite', { option: 'postgres', pros: ['concurrency'] }],
          chosen: 'postgres',
          reasoning: 'many agents write at once',
          status: 'pending',
          outcome: null,
          lessons: null,
          feedback: null,
          episodeId: ep.rows[0].id,
          tags: ['infra', 'db'],
          metadata: { ticket: 'T-1' },
          createdAt: clock.now(),
          resolvedAt: null,
        },
      );
      assert.deepEqual(await decisions().get({ scope, id: d.id }), d);
      const minimal = await decisions().record({ scope: { tenant: 'd1' }, context: 'c', chosen: 'x' });
      assert.deepEqual(
        [minimal.subject, minimal.alternatives, minimal.reasoning, minimal.tags],
        ['', [], '', []],
      );
    });

    it('resolves once: outcome, lessons, feedback; a second resolve conflicts', async () => {
      const scope = { tenant: 'd2' };
      const d = await decisions().record({ scope, context: 'retry policy', chosen: 'exponential backoff' });
      clock.advance(3_600_000);
      const r = await decisions().resolve({
        scope,
        id: d.id,
        status: 'partial',
        outcome: { retries: 3, ok: true },
        lessons: 'cap the backoff at one minute',
        feedback: 'neutral',
      });
      assert.equal(r.status, 'partial');
      assert.deepEqual(r.outcome, { retries: 3, ok: true });
      assert.equal(r.lessons, 'cap the backoff at one minute');
      assert.equal(r.feedback, 'neutral');
      assert.equal(r.resolvedAt?.getTime(), d.createdAt.getTime() + 3_600_000);
      await assert.rejects(decisions().resolve({ scope, id: d.id, status: 'failure' }), code('conflict'));
      assert.equal((await decisions().get({ scope, id: d.id }))?.status, 'partial');
      await assert.rejects(
        decisions().resolve({ scope, id: randomUUID(), status: 'success' }),
        code('not_found', 'id'),
      );
      const results = await Promise.allSettled(
        ['success', 'failure'].map(async (status) => {
          const x = await decisions().record({ scope, context: 'race', chosen: 'a' });
          return Promise.allSettled([
            decisions().resolve({ scope, id: x.id, status: status as 'success' }),
            decisions().resolve({ scope, id: x.id, status: 'partial' }),
          ]);
        }),
      );
      for (const r of results) {
        assert.equal(r.status, 'fulfilled');
        const pair = (r as PromiseFulfilledResult<PromiseSettledResult<unknown>[]>).value;
        assert.deepEqual(pair.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
      }
    });

    it('lists by status, subject and full text; lessons are resolved ones, most recent first', async () => {
      const scope = { tenant: 'd3', user: 'u' };
      const mk = async (subject: string, context: string, chosen: string) => {
        clock.advance(1000);
        return decisions().record({ scope, subject, context, chosen });
      };
      const a = await mk('deploy', 'release on a Friday afternoon', 'ship it');
      const b = await mk('deploy', 'database migration during peak hours', 'postpone to night');
      const c = await mk('cache', 'where to cache embeddings', 'postgres table');
      await mk('cache', 'cache eviction policy', 'lru');
      clock.advance(1000);
      await decisions().resolve({ scope, id: a.id, status: 'failure', lessons: 'never deploy on Fridays' });
      clock.advance(1000);
      await decisions().resolve({ scope, id: b.id, status: 'success', lessons: 'night migrations are calm' });
      await decisions().resolve({ scope, id: c.id, status: 'success' });
      const ids = (ds: { id: string }[]) => ds.map((d) => d.id);
      assert.equal((await decisions().list({ scope })).length, 4);
      assert.deepEqual(ids(await decisions().list({ scope, status: 'failure' })), [a.id]);
      assert.equal((await decisions().list({ scope, status: 'pending' })).length, 1);
      assert.deepEqual(ids(await decisions().list({ scope, subject: 'deploy' })), [b.id, a.id]);
      assert.deepEqual(ids(await decisions().list({ scope, text: 'migrations' })), [b.id]);
      assert.deepEqual(ids(await decisions().list({ scope, text: '"Friday afternoon"' })), [a.id]);
      assert.deepEqual(ids(await decisions().list({ scope, text: 'cache -eviction' })), [c.id]);
      assert.deepEqual(await decisions().list({ scope, text: 'the' }), []);
      assert.equal((await decisions().list({ scope, limit: 1 })).length, 1);
      assert.deepEqual(ids(await decisions().lessons({ scope })), [b.id, a.id]);
      assert.deepEqual(ids(await decisions().lessons({ scope, subject: 'deploy', text: 'fridays' })), [a.id]);
      assert.deepEqual(ids(await decisions().lessons({ scope, subject: 'cache' })), []);
      assert.deepEqual(await decisions().lessons({ scope: { tenant: 'd3' } }), [], 'exact user scope');
    });

    it('never shows one tenant the decisions of another', async () => {
      const A = { tenant: 'da' };
      const B = { tenant: 'db' };
      const d = await decisions().record({ scope: A, subject: 'secret', context: 'alpha plan', chosen: 'x' });
      await decisions().resolve({ scope: A, id: d.id, status: 'success', lessons: 'alpha lesson' });
      const p = await decisions().record({ scope: A, context: 'alpha pending', chosen: 'y' });
      assert.equal(await decisions().get({ scope: B, id: d.id }), null);
      assert.deepEqual(await decisions().list({ scope: B }), []);
      assert.deepEqual(await decisions().list({ scope: B, text: 'alpha' }), []);
      assert.deepEqual(await decisions().lessons({ scope: B }), []);
      assert.deepEqual(await decisions().lessons({ scope: B, text: 'alpha' }), []);
      await assert.rejects(
        decisions().resolve({ scope: B, id: p.id, status: 'failure' }),
        code('not_found', 'id'),
      );
      await assert.rejects(
        decisions().resolve({ scope: B, id: d.id, status: 'failure' }),
        code('not_found', 'id'),
      );
      assert.equal((await decisions().get({ scope: A, id: p.id }))?.status, 'pending');
      const ep = await ctx
        .db()
        .query<{ id: string }>(
          "insert into episodes (tenant_id, role, content) values ('da', 'user', 'x') returning id",
        );
      await assert.rejects(
        decisions().record({ scope: B, context: 'c', chosen: 'x', episodeId: ep.rows[0].id }),
        code('not_found', 'episodeId'),
      );
    });

    it('rejects bad input naming the field, leaving the store unchanged', async () => {
      const count = async () =>
        (await ctx.db().query<{ n: number }>('select count(*)::int as n from decisions')).rows[0].n;
      const scope = { tenant: 'dbad' };
      const d = await decisions().record({ scope, context: 'c', chosen: 'x' });
      const before = await count();
      const ok = { scope, context: 'c', chosen: 'x' };
      const bad: [() => Promise<unknown>, string | undefined, string?][] = [
        [() => decisions().record({ scope, chosen: 'x' } as never), 'context'],
        [() => decisions().record({ scope, context: '', chosen: 'x' }), 'context'],
        [() => decisions().record({ scope, context: 'c' } as never), 'chosen'],
        [() => decisions().record({ ...ok, chosen: 5 } as never), 'chosen'],
        [() => decisions().record({ ...ok, alternatives: 'a,b' } as never), 'alternatives'],
        [() => decisions().record({ ...ok, alternatives: [1] } as never), 'alternatives.0'],
        [() => decisions().record({ ...ok, alternatives: [{ f: () => 1 }] } as never), 'alternatives.0'],
        [() => decisions().record({ ...ok, episodeId: 'ep-1' }), 'episodeId'],
        [() => decisions().record({ ...ok, episodeId: randomUUID() }), 'episodeId', 'not_found'],
        [() => decisions().record({ ...ok, tags: 'x' } as never), 'tags'],
        [() => decisions().record({ ...ok, tags: [''] }), 'tags.0'],
        [() => decisions().record({ ...ok, metadata: [] } as never), 'metadata'],
        [() => decisions().record({ ...ok, context: 'a\u0000b' }), 'context'],
        [() => decisions().record({ ...ok, status: 'success' } as never), undefined],
        [() => decisions().resolve({ scope, id: d.id, status: 'done' } as never), 'status'],
        [() => decisions().resolve({ scope, id: d.id } as never), 'status'],
        [() => decisions().resolve({ scope, id: d.id, status: 'pending' } as never), 'status'],
        [() => decisions().resolve({ scope, id: 'nope', status: 'success' }), 'id'],
        [
          () => decisions().resolve({ scope, id: d.id, status: 'success', feedback: 'great' } as never),
          'feedback',
        ],
        [() => decisions().resolve({ scope, id: d.id, status: 'success', outcome: Number.NaN }), 'outcome'],
        [() => decisions().resolve({ scope, id: d.id, status: 'success', lessons: 7 } as never), 'lessons'],
        [() => decisions().get({ scope, id: 42 } as never), 'id'],
        [() => decisions().list({ scope, status: 'open' } as never), 'status'],
        [() => decisions().list({ scope, text: '' }), 'text'],
        [() => decisions().list({ scope, limit: 1e6 }), 'limit'],
        [() => decisions().lessons({ scope, subject: 1 } as never), 'subject'],
      ];
      for (const [call, field, c] of bad) await assert.rejects(call(), code(c ?? 'invalid_input', field));
      assert.equal(await count(), before);
      assert.equal((await decisions().get({ scope, id: d.id }))?.status, 'pending');
    });
  },
  { start: new Date('2026-07-01T12:00:00Z') },
);
