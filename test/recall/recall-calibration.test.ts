import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Memory } from '../../src/memory.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { DEFAULT_WEIGHTS, RELEVANCE_FLOOR } from '../../src/recall/recall-fusion.js';
import { describeMemories } from '../support/memories.js';

// Scores must mean the same thing whatever the candidate set (DESIGN.md principle 9):
// the real built-in model, calibrated against fixed references, never rescaled per query.
describeMemories(
  'recall calibration',
  (ctx) => {
    let mem: Memory;
    before(() => {
      mem = ctx.memory();
    });

    it('a lone relevant memory is returned (it used to score 0 and be dropped)', async () => {
      const scope = { user: 'erin' };
      const f = await mem.facts.assert({ scope, category: 'health', content: 'Erin is allergic to peanuts' });
      await mem.flush();
      const { items } = await mem.recall({ scope, query: 'food allergies', explain: true });
      assert.deepEqual(
        items.map((i) => i.id),
        [f.id],
      );
      assert.equal(items[0].scores?.text, 0, 'no shared word: found by meaning alone');
      assert.ok((items[0].scores?.vector ?? 0) > 0.4, `vector ${items[0].scores?.vector}`);
    });

    it('an unrelated memory is not returned, even when it is the nearest', async () => {
      const scope = { user: 'ci' };
      for (const content of [
        'I like pizza with olives',
        'My sister got married in June',
        'The garden needs watering twice a week',
      ])
        await mem.episodes.append({ scope, content });
      await mem.flush();
      const { items } = await mem.recall({ scope, query: 'what CI do we use?', explain: true });
      assert.ok(!items.some((i) => /pizza/.test(i.content)), JSON.stringify(items.map((i) => i.content)));
      assert.deepEqual(items, [], 'none of the three is about CI');
    });

    it('brain keys do not score high for a nonsense query', async () => {
      const scope = { user: 'brainy' };
      await mem.brain.set({ scope, key: 'identity.name', value: 'Alice', category: 'identity' });
      await mem.brain.set({
        scope,
        key: 'session.active_work',
        value: 'quarterly report',
        category: 'session',
      });
      await mem.flush();
      const real = await mem.recall({ scope, query: 'what is my name?', explain: true });
      assert.equal(real.items[0]?.subject, 'identity.name');
      const { items } = await mem.recall({ scope, query: 'zqxv blorptang frimble', explain: true });
      // It used to score 0.55: the nearest neighbour got the full vector weight, whatever its cosine.
      for (const i of items) {
        assert.ok(i.score < 0.2, `${i.content} scored ${i.score}`);
        assert.ok(
          i.score < real.items[0].score / 2,
          `${i.score} vs ${real.items[0].score} for a real question`,
        );
      }
    });

    it("a row's vector-based score does not change when unrelated rows join the scope", async () => {
      const scope = { user: 'invariant' };
      const e = await mem.episodes.append({
        scope,
        content: 'Erin cannot eat peanuts',
        occurredAt: '2026-04-30T12:00:00Z',
      });
      await mem.flush();
      const query = 'food allergies';
      const first = await mem.recall({ scope, query, explain: true });
      assert.equal(first.items[0]?.id, e.id);
      const others = [
        'The train to Leeds was delayed by an hour',
        'We painted the fence dark green',
        'My phone screen cracked again',
        'Lunch with the new hires on Friday',
        'Dinner was a spicy curry with rice',
        'She bought a bag of cashews for the trip',
      ];
      await mem.episodes.appendMany({
        scope,
        episodes: others.map((content) => ({ content, occurredAt: '2026-04-29T12:00:00Z' })),
      });
      await mem.flush();
      const second = await mem.recall({ scope, query, explain: true });
      const again = second.items.find((i) => i.id === e.id);
      assert.ok(again, 'still returned');
      assert.equal(again.scores?.text, 0);
      assert.equal(again.scores?.vector, first.items[0].scores?.vector);
      assert.equal(again.score, first.items[0].score);
      // Every returned row cleared the absolute floor on its own evidence.
      for (const i of second.items)
        assert.ok(
          (i.scores?.text ?? 0) +
            DEFAULT_WEIGHTS.vector * (i.scores?.vector ?? 0) +
            (i.scores?.neighbor ?? 0) >=
            RELEVANCE_FLOOR,
        );
    });
  },
  { start: new Date('2026-05-01T12:00:00Z'), deps: () => ({ embedder: createBuiltinEmbedder() }) },
);
