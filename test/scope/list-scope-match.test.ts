// The list rule the CLI relies on, in process and through a server, on both backends:
// brain, sessions, decisions and lessons lists match the scope exactly by default and,
// with scopeMatch 'given', filter by the parts set and span the rest; tasks.list filters
// by the user and agent given. (The CLI passes it on every list and goes through a serving
// `mnemo serve`, so a server that dropped the parameter would silently fall back to exact.)
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import type { Memory } from '../../src/memory.js';
import { describeMemories } from '../support/memories.js';

describeMemories('list scopeMatch', (ctx) => {
  let mem: Memory;
  const tenant = 'lists';
  const owners = [
    { tenant, user: 'alice', agent: 'a1', session: 's1' },
    { tenant, user: 'alice', agent: '', session: '' },
    { tenant, user: 'bob', agent: 'a1', session: 's2' },
    { tenant, user: '', agent: '', session: '' },
  ];
  const tag = (o: { user: string; agent: string }) => `${o.user || '-'}/${o.agent || '-'}`;

  before(async () => {
    mem = ctx.memory();
    for (const [i, scope] of owners.entries()) {
      await mem.brain.set({ scope, key: 'k.one', value: tag(scope) });
      await mem.sessions.start({ scope, id: `s-${i}` });
      const d = await mem.decisions.record({ scope, context: `decision ${i}`, chosen: 'x' });
      await mem.decisions.resolve({ scope, id: d.id, status: 'success', lessons: `lesson ${i}` });
      await mem.tasks.create({ scope, queue: 'lists.q', payload: { i } });
    }
  });

  const cases = [
    { scope: { tenant }, exact: ['-/-'], given: ['-/-', 'alice/-', 'alice/a1', 'bob/a1'] },
    { scope: { tenant, user: 'alice' }, exact: ['alice/-'], given: ['alice/-', 'alice/a1'] },
    { scope: { tenant, agent: 'a1' }, exact: [], given: ['alice/a1', 'bob/a1'] },
    { scope: { tenant, user: 'alice', agent: 'a1' }, exact: ['alice/a1'], given: ['alice/a1'] },
  ];

  it('brain, sessions, decisions and lessons: exact by default, given spans the parts left out', async () => {
    const { brain, sessions, decisions } = mem;
    for (const c of cases)
      for (const match of ['exact', 'given'] as const) {
        const want = c[match];
        const opt = match === 'exact' ? {} : { scopeMatch: match };
        const sorted = (xs: { user: string; agent: string }[]) => xs.map(tag).sort();
        assert.deepEqual(
          sorted(await brain.list({ scope: c.scope, ...opt })),
          want,
          `brain ${match} ${JSON.stringify(c.scope)}`,
        );
        assert.deepEqual(sorted(await sessions.list({ scope: c.scope, ...opt })), want, `sessions ${match}`);
        assert.deepEqual(
          sorted(await decisions.list({ scope: c.scope, ...opt })),
          want,
          `decisions ${match}`,
        );
        assert.deepEqual(
          sorted(await decisions.lessons({ scope: c.scope, ...opt })),
          want,
          `lessons ${match}`,
        );
      }
  });

  it('decisions given also narrows by the session; exact ignores it as before', async () => {
    const { decisions } = mem;
    const s1 = await decisions.list({ scope: { tenant, session: 's1' }, scopeMatch: 'given' });
    assert.deepEqual(
      s1.map((d) => d.context),
      ['decision 0'],
    );
    const exact = await decisions.list({ scope: { tenant, user: 'alice', agent: 'a1', session: 'other' } });
    assert.deepEqual(
      exact.map((d) => d.context),
      ['decision 0'],
    );
  });

  it('tasks.list spans the tenant by default; scopeMatch filters by the creator; tasks carry it', async () => {
    const { tasks } = mem;
    const everyone = ['-/-', 'alice/-', 'alice/a1', 'bob/a1'];
    const all = await tasks.list({ scope: { tenant }, queue: 'lists.q', scopeMatch: 'given' });
    assert.deepEqual(all.map(tag).sort(), everyone);
    const shared = await tasks.list({ scope: { tenant, user: 'alice', agent: 'a1' }, queue: 'lists.q' });
    assert.deepEqual(shared.map(tag).sort(), everyone, 'the queue is shared: no filter by default');
    const alice = await tasks.list({
      scope: { tenant, user: 'alice' },
      queue: 'lists.q',
      scopeMatch: 'given',
    });
    assert.deepEqual(alice.map(tag).sort(), ['alice/-', 'alice/a1']);
    const a1 = await tasks.list({ scope: { tenant, agent: 'a1' }, queue: 'lists.q', scopeMatch: 'given' });
    assert.deepEqual(a1.map(tag).sort(), ['alice/a1', 'bob/a1']);
    const exact = await tasks.list({
      scope: { tenant, user: 'alice' },
      queue: 'lists.q',
      scopeMatch: 'exact',
    });
    assert.deepEqual(exact.map(tag), ['alice/-']);
  });

  it('refuses a bad scopeMatch naming it, before reading', async () => {
    await assert.rejects(
      mem.brain.list({ scope: { tenant }, scopeMatch: 'some' as 'given' }),
      (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && e.field === 'scopeMatch',
    );
  });
});
