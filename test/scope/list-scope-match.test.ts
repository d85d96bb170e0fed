// The list rule the CLI relies on, in the library on both backends: brain, sessions and
// decisions lists match the scope exactly by default and, with scopeMatch 'given',
// filter by the parts set and span the rest; tasks.list filters by the user and agent given.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { createBrain } from '../../src/brain/brain-service.js';
import { fixedClock } from '../../src/clock.js';
import { createTasks } from '../../src/coordination/tasks-service.js';
import { createDecisions } from '../../src/decisions/decisions-service.js';
import { MnemoError } from '../../src/errors.js';
import { createSessions } from '../../src/sessions/sessions-service.js';
import { describeBackends } from '../support/backends.js';

describeBackends('list scopeMatch', (ctx) => {
  const clock = fixedClock(new Date('2026-06-01T08:00:00Z'));
  const deps = () => ({ db: ctx.db(), clock });
  const tenant = 'lists';
  const owners = [
    { tenant, user: 'alice', agent: 'a1', session: 's1' },
    { tenant, user: 'alice', agent: '', session: '' },
    { tenant, user: 'bob', agent: 'a1', session: 's2' },
    { tenant, user: '', agent: '', session: '' },
  ];
  const tag = (o: { user: string; agent: string }) => `${o.user || '-'}/${o.agent || '-'}`;

  before(async () => {
    const brain = createBrain(deps());
    const sessions = createSessions(deps());
    const decisions = createDecisions(deps());
    const tasks = createTasks(deps());
    for (const [i, scope] of owners.entries()) {
      await brain.set({ scope, key: 'k.one', value: tag(scope) });
      await sessions.start({ scope, id: `s-${i}` });
      await decisions.record({ scope, context: `decision ${i}`, chosen: 'x' });
      await tasks.create({ scope, queue: 'lists.q', payload: { i } });
    }
  });

  const cases = [
    { scope: { tenant }, exact: ['-/-'], given: ['-/-', 'alice/-', 'alice/a1', 'bob/a1'] },
    { scope: { tenant, user: 'alice' }, exact: ['alice/-'], given: ['alice/-', 'alice/a1'] },
    { scope: { tenant, agent: 'a1' }, exact: [], given: ['alice/a1', 'bob/a1'] },
    { scope: { tenant, user: 'alice', agent: 'a1' }, exact: ['alice/a1'], given: ['alice/a1'] },
  ];

  it('brain, sessions and decisions: exact by default, given spans the parts left out', async () => {
    const brain = createBrain(deps());
    const sessions = createSessions(deps());
    const decisions = createDecisions(deps());
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
      }
  });

  it('decisions given also narrows by the session; exact ignores it as before', async () => {
    const decisions = createDecisions(deps());
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
    const tasks = createTasks(deps());
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
      createBrain(deps()).list({ scope: { tenant }, scopeMatch: 'some' as 'given' }),
      (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input' && e.field === 'scopeMatch',
    );
  });
});
