import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Memory } from '../../src/memory.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { timeWindows } from '../../src/recall/recall-time.js';
import { describeMemories } from '../support/memories.js';

const now = new Date('2026-05-01T12:00:00Z');
const iso = (q: string, years?: number[]) =>
  timeWindows(q, now, years).map((w) => [
    w.start.toISOString().slice(0, 10),
    w.end.toISOString().slice(0, 10),
  ]);

describe('time expressions in a query', () => {
  it('reads days, months, years and spans before a date', () => {
    assert.deepEqual(iso('What did Gina find on 1 February, 2023?'), [['2023-02-01', '2023-02-02']]);
    assert.deepEqual(iso('what happened on October 13, 2023'), [['2023-10-13', '2023-10-14']]);
    assert.deepEqual(iso('the deploy of 2025-11-30'), [['2025-11-30', '2025-12-01']]);
    assert.deepEqual(iso('What did Maria donate in December 2023?'), [['2023-12-01', '2024-01-01']]);
    assert.deepEqual(iso('How often did we travel in 2022?'), [['2022-01-01', '2023-01-01']]);
    assert.deepEqual(iso('the puppy she got two weeks before August 11, 2023'), [
      ['2023-07-28', '2023-08-12'],
    ]);
    assert.deepEqual(iso('what John did the week before August 3, 2023'), [['2023-07-27', '2023-08-04']]);
  });

  it('reads a month alone in the given years, and spans counted back from now', () => {
    assert.deepEqual(iso('camping in June', [2022, 2023]), [
      ['2022-06-01', '2022-07-01'],
      ['2023-06-01', '2023-07-01'],
    ]);
    assert.deepEqual(iso('camping in June'), [['2025-06-01', '2025-07-01']]);
    assert.deepEqual(iso('what broke last week?'), [['2026-04-17', '2026-05-01']]);
    assert.deepEqual(iso('the offsite last year'), [['2025-01-01', '2026-01-01']]);
  });

  it('finds no time where there is none', () => {
    for (const q of [
      'What may I do?',
      'in may cases this may help',
      'the sep config',
      'the 2023 roadmap budget',
      'deploy 12 services',
      'Where did Caroline move from?',
    ])
      assert.deepEqual(iso(q), [], q);
  });
});

// The time a query names is a soft signal: the real built-in model, three memories about
// the same thing, and the question names the month of one that matches its words less well.
describeMemories(
  'recall with a time in the query',
  (ctx) => {
    let mem: Memory;
    const scope = { user: 'hiker' };
    let may = '';
    before(async () => {
      mem = ctx.memory();
      const stored = await mem.episodes.appendMany({
        scope,
        episodes: [
          { content: 'Went hiking up the ridge with Sam', occurredAt: '2025-03-09T10:00:00Z' },
          { content: 'A long afternoon hiking in the hills, tired now', occurredAt: '2025-05-11T10:00:00Z' },
          { content: 'Went hiking by the lake with Sam', occurredAt: '2025-07-20T10:00:00Z' },
          { content: 'Fixed the leaking kitchen tap', occurredAt: '2025-05-12T10:00:00Z' },
        ],
      });
      may = stored[1].id;
      await mem.flush();
    });

    it('ranks the memory from the month the query names first', async () => {
      const query = 'Where did I go hiking in May 2025?';
      const without = await mem.recall({ scope, query, k: 3, weights: { time: 0 }, explain: true });
      assert.notEqual(without.items[0].id, may, 'on words and meaning alone another hike wins');
      const { items } = await mem.recall({ scope, query, k: 3, explain: true });
      assert.equal(items[0].id, may);
      assert.equal(items[0].scores?.time, 0.5);
      assert.equal(items[1].scores?.time, 0, 'the other months gain nothing');
      assert.ok(
        !items.some((i) => /tap/.test(i.content)),
        'an unrelated memory of that month does not appear',
      );
    });
  },
  { start: now, deps: () => ({ embedder: createBuiltinEmbedder() }) },
);
