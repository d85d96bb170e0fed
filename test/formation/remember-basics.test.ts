// remember: text becomes a current fact, a structured fact goes through facts.assert,
// an episode through episodes.append; bad input is refused with the field named.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { isMnemoError } from '../../src/errors.js';
import type { Memory } from '../../src/memory.js';
import { describeMemories } from '../support/memories.js';

describeMemories('remember', (ctx) => {
  let mem: Memory;
  before(() => {
    mem = ctx.memory();
  });

  it('stores plain text as a current semantic fact with source remember', async () => {
    const scope = { tenant: 'r1', user: 'alice' };
    const r = await mem.remember({ scope, text: 'Alice is allergic to peanuts', subject: 'alice.allergy' });
    assert.equal(r.kind, 'fact');
    if (r.kind !== 'fact') return;
    assert.deepEqual(
      [r.fact.kind, r.fact.category, r.fact.source, r.fact.confidence, r.fact.current, r.fact.subject],
      ['semantic', 'fact', 'remember', 1, true, 'alice.allergy'],
    );
    const p = await mem.remember({
      scope,
      text: 'prefers short answers',
      category: 'preference',
      confidence: 0.7,
      tags: ['style'],
      metadata: { from: 'settings' },
    });
    if (p.kind !== 'fact') throw new Error('not a fact');
    assert.deepEqual(
      [p.fact.category, p.fact.confidence, p.fact.tags, p.fact.metadata],
      ['preference', 0.7, ['style'], { from: 'settings' }],
    );
    const listed = (await mem.facts.list({ scope })).items.map((f) => f.id).sort();
    assert.deepEqual(listed, [r.fact.id, p.fact.id].sort());
  });

  it('stores a structured fact through facts.assert and an episode through episodes.append', async () => {
    const scope = { tenant: 'r2', user: 'bob' };
    const e = await mem.remember({ scope, episode: { content: 'Bob signed the contract', importance: 8 } });
    if (e.kind !== 'episode') throw new Error('not an episode');
    assert.equal(e.episode.importance, 8);
    assert.equal((await mem.episodes.get({ scope, id: e.episode.id }))?.content, 'Bob signed the contract');
    const f = await mem.remember({
      scope,
      fact: {
        kind: 'procedural',
        category: 'rule',
        content: 'Always confirm before sending money',
        sourceEpisodeIds: [e.episode.id],
      },
    });
    if (f.kind !== 'fact') throw new Error('not a fact');
    assert.deepEqual(
      [f.fact.kind, f.fact.category, f.fact.source, f.fact.sourceEpisodeIds],
      ['procedural', 'rule', 'remember', [e.episode.id]],
    );
    const g = await mem.remember({ scope, fact: { content: 'Bob works at Acme', source: 'crm' } });
    if (g.kind !== 'fact') throw new Error('not a fact');
    assert.equal(g.fact.source, 'crm');
  });

  it('refuses bad input with a typed error naming the field, and stores nothing', async () => {
    const scope = { tenant: 'r3' };
    const cases: [unknown, string, RegExp][] = [
      [{ scope }, 'text', /give what to remember/],
      [{ scope, text: 'a', episode: { content: 'b' } }, 'episode', /only one of text, fact or episode/],
      [{ scope, fact: { content: 'x' }, subject: 's' }, 'subject', /goes with text only/],
      [{ scope, text: '' }, 'text', /must not be empty/],
      [{ scope, text: 'x', confidence: 2 }, 'confidence', /0 to 1/],
      [{ scope, fact: { content: 'x', confidence: -1 } }, 'fact.confidence', /0 to 1/],
      [{ scope, fact: { content: 'x', sourceEpisodeIds: ['nope'] } }, 'fact.sourceEpisodeIds.0', /uuid/],
      [{ scope, episode: { content: 'x', importance: 11 } }, 'episode.importance', /1 to 10/],
      [{ scope, episode: { content: 'x', role: 'robot' } }, 'episode.role', /.+/],
      [{ scope, text: 'x', wat: 1 }, '', /.+/],
    ];
    for (const [input, field, message] of cases)
      await assert.rejects(
        mem.remember(input as never),
        (e: unknown) =>
          isMnemoError(e) &&
          e.code === 'invalid_input' &&
          (field === '' || e.field === field) &&
          message.test(e.message),
        `expected invalid_input on "${field}" for ${JSON.stringify(input)}`,
      );
    await assert.rejects(
      mem.remember({
        scope,
        fact: { content: 'x', sourceEpisodeIds: ['00000000-0000-4000-8000-000000000000'] },
      }),
      (e: unknown) => isMnemoError(e) && e.code === 'not_found' && e.field === 'sourceEpisodeIds.0',
    );
    const n = await ctx
      .db()
      .query<{ n: string }>(
        `select (select count(*) from facts where tenant_id = $1) + (select count(*) from episodes where tenant_id = $1) as n`,
        ['r3'],
      );
    assert.equal(Number(n.rows[0].n), 0);
  });
});
