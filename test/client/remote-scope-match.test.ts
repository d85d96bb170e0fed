// The list rule (scopeMatch) travels through the server: a remote list with
// scopeMatch 'given' answers exactly what the in-process list answers, on both backends.
// The CLI passes it on every list, and goes through a serving `mnemo serve`, so a server
// that dropped the parameter would silently fall back to the exact match.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { describeBackends } from '../support/backends.js';
import { useRemote } from './remote-helpers.js';

describeBackends('remote lists with scopeMatch', (ctx) => {
  const r = useRemote(ctx);
  const tenant = 'acme';
  const owners = [
    { user: 'alice', agent: 'a1', session: 's1' },
    { user: 'alice', agent: '', session: '' },
    { user: 'bob', agent: 'a1', session: 's2' },
    { user: '', agent: '', session: '' },
  ];
  const tag = (o: { user: string; agent: string }) => `${o.user || '-'}/${o.agent || '-'}`;
  const sorted = (xs: { user: string; agent: string }[]) => xs.map(tag).sort();

  before(async () => {
    const mem = r.mem();
    for (const [i, scope] of owners.entries()) {
      await mem.brain.set({ scope, key: 'k.one', value: i });
      await mem.sessions.start({ scope, id: `s-${i}` });
      const d = await mem.decisions.record({ scope, context: `decision ${i}`, chosen: 'x' });
      await mem.decisions.resolve({ scope, id: d.id, status: 'success', lessons: `lesson ${i}` });
      await mem.tasks.create({ scope, queue: 'lists.q', payload: { i } });
    }
  });

  it('brain, sessions, decisions, lessons and tasks: the same answer as in process', async () => {
    const remote = r.mem();
    const local = r.t().memory;
    for (const scope of [{}, { user: 'alice' }, { agent: 'a1' }, { user: 'alice', agent: 'a1' }])
      for (const scopeMatch of ['exact', 'given'] as const) {
        const at = `${scopeMatch} ${JSON.stringify(scope)}`;
        const here = { scope: { ...scope, tenant }, scopeMatch };
        const there = { scope, scopeMatch };
        assert.deepEqual(sorted(await remote.brain.list(there)), sorted(await local.brain.list(here)), at);
        assert.deepEqual(
          sorted(await remote.sessions.list(there)),
          sorted(await local.sessions.list(here)),
          `sessions ${at}`,
        );
        assert.deepEqual(
          sorted(await remote.decisions.list(there)),
          sorted(await local.decisions.list(here)),
          `decisions ${at}`,
        );
        assert.deepEqual(
          sorted(await remote.decisions.lessons(there)),
          sorted(await local.decisions.lessons(here)),
          `lessons ${at}`,
        );
        assert.deepEqual(
          sorted(await remote.tasks.list({ ...there, queue: 'lists.q' })),
          sorted(await local.tasks.list({ ...here, queue: 'lists.q' })),
          `tasks ${at}`,
        );
      }
    // And the rule really spans: alice's keys of every agent, not only the agent-less one.
    assert.deepEqual(sorted(await remote.brain.list({ scope: { user: 'alice' }, scopeMatch: 'given' })), [
      'alice/-',
      'alice/a1',
    ]);
  });
});
