/**
 * `count`: memories per kind in a scope, as recall sees them, over local and remote
 * memories on both backends (one operation declared once, served everywhere).
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeMemories } from '../support/memories.js';

describeMemories('count', (ctx) => {
  it('counts what recall could find, per kind, with a total; other tenants and users are not counted', async () => {
    const m = ctx.memory();
    const scope = { tenant: 'cnt', user: 'alice', agent: 'coach' };
    await m.episodes.append({ scope, content: 'we talked about Lyon' });
    await m.episodes.append({ scope, content: 'and about trains' });
    const f = await m.facts.assert({ scope, subject: 'alice.city', content: 'Alice lives in Lyon' });
    await m.facts.supersede({ scope, id: f.id, fact: { content: 'Alice lives in Paris' } });
    await m.brain.set({ scope, key: 'identity.name', value: 'Alice' });
    await m.decisions.record({ scope, context: 'which train', chosen: 'the TGV' });
    await m.episodes.append({ scope: { tenant: 'cnt', user: 'bob' }, content: 'bob was here' });
    await m.episodes.append({ scope: { tenant: 'other', user: 'alice' }, content: 'elsewhere' });

    const all = await m.count({ scope: { tenant: 'cnt', user: 'alice' } });
    // The superseded version of the fact is history: only the current one counts.
    assert.deepEqual(all.counts, { episode: 2, fact: 1, brain: 1, decision: 1 });
    assert.equal(all.total, 5);
    assert.equal((await m.count({ scope: { tenant: 'cnt' } })).counts.episode, 3);
    assert.deepEqual((await m.count({ scope: { tenant: 'cnt', user: 'alice' }, kinds: ['fact'] })).counts, {
      episode: 0,
      fact: 1,
      brain: 0,
      decision: 0,
    });
    assert.equal((await m.count({ scope: { tenant: 'cnt', user: 'alice' }, agent: 'nobody' })).total, 0);
    assert.equal((await m.count({ scope: { tenant: 'empty' } })).total, 0);
  });

  it('refuses bad input with the field named, as everywhere', async () => {
    const m = ctx.memory();
    await assert.rejects(
      m.count({ scope: { tenant: 'cnt' }, kinds: ['memes' as never] }),
      (e: Error & { code?: string; field?: string }) => e.code === 'invalid_input' && e.field === 'kinds.0',
    );
    await assert.rejects(
      m.count({ scope: { tenant: 'cnt' }, kindz: ['fact'] } as never),
      (e: Error & { code?: string; field?: string }) => e.code === 'invalid_input' && e.field === 'kindz',
    );
  });
});
