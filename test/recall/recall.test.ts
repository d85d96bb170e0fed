import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { createMemory, type Memory } from '../../src/memory.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { describeMemories } from '../support/memories.js';

const isCode = (code: string, field?: string) => (e: unknown) =>
  e instanceof MnemoError && e.code === code && (field === undefined || e.field === field);

// Semantic recall is about meaning: the real built-in model, no stand-in. The memory has
// no background indexer: rows are embedded by flush() or by the recall that needs them.
describeMemories(
  'recall',
  (ctx) => {
    let mem: Memory;
    const alice = { user: 'alice' };
    before(async () => {
      mem = ctx.memory();
      await mem.episodes.appendMany({
        scope: alice,
        episodes: [
          {
            content: 'Pushed the new code to Vercel this morning',
            session: 's1',
            tags: ['work'],
            importance: 7,
            occurredAt: '2026-03-01T09:00:00Z',
          },
          {
            content: 'Had pasta for dinner with Sam',
            session: 's1',
            tags: ['food'],
            occurredAt: '2026-03-01T19:00:00Z',
          },
          {
            content: 'The cat knocked a plant off the shelf',
            session: 's2',
            tags: ['home'],
            occurredAt: '2026-03-02T08:00:00Z',
          },
          {
            content: 'Booked flights to Lisbon for the conference',
            session: 's2',
            tags: ['travel'],
            importance: 3,
            occurredAt: '2026-03-02T10:00:00Z',
          },
        ],
      });
      await mem.facts.assert({
        scope: alice,
        category: 'preference',
        subject: 'editor',
        content: 'Alice prefers vim keybindings',
      });
      await mem.episodes.append({
        scope: { user: 'bob', session: 'b1' },
        content: 'Bob pushed code to Vercel too',
      });
      await mem.episodes.append({
        scope: { tenant: 'other', user: 'alice' },
        content: 'Deployment of the other tenant to Vercel',
      });
      await mem.flush();
    });

    it('"deployment" finds the memory about pushing code to Vercel, by meaning', async () => {
      const { items, usedVector } = await mem.recall({
        scope: alice,
        query: 'deployment',
        k: 3,
        explain: true,
      });
      assert.equal(usedVector, true);
      assert.match(items[0].content, /Vercel/);
      assert.ok(items[0].scores!.vector > 0, 'the vector signal found it');
      assert.equal(items[0].scores!.text, 0, 'no word of the query is in it: text alone could not');
    });

    it('finds by words too, and explains every signal', async () => {
      const { items } = await mem.recall({ scope: alice, query: 'pasta dinner', k: 2, explain: true });
      assert.match(items[0].content, /pasta/);
      const s = items[0].scores!;
      for (const k of [
        'text',
        'vector',
        'neighbor',
        'session',
        'recency',
        'importance',
        'confidence',
      ] as const)
        assert.equal(typeof s[k], 'number', k);
      assert.ok(s.text > 0);
    });

    it('keeps tenants and users apart', async () => {
      const { items } = await mem.recall({ scope: alice, query: 'Vercel deployment', k: 10 });
      assert.ok(items.every((i) => i.user === 'alice'));
      assert.ok(!items.some((i) => /Bob|other tenant/.test(i.content)));
      const other = await mem.recall({ scope: { tenant: 'other' }, query: 'Vercel', k: 10 });
      assert.deepEqual(
        other.items.map((i) => i.content),
        ['Deployment of the other tenant to Vercel'],
      );
    });

    it('filters by kind, category, tags, time range, importance and session', async () => {
      const facts = await mem.recall({ scope: alice, query: 'editor vim', kinds: ['fact'] });
      assert.ok(facts.items.length >= 1 && facts.items.every((i) => i.kind === 'fact'));
      const pref = await mem.recall({
        scope: alice,
        query: 'vim',
        kinds: ['fact'],
        filters: { categories: ['goal'] },
      });
      assert.equal(pref.items.length, 0);
      const tagged = await mem.recall({
        scope: alice,
        query: 'code dinner plant flights',
        filters: { tags: ['travel'] },
      });
      assert.deepEqual(
        tagged.items.map((i) => i.content),
        ['Booked flights to Lisbon for the conference'],
      );
      const range = await mem.recall({
        scope: alice,
        query: 'code dinner plant flights',
        kinds: ['episode'],
        filters: { since: '2026-03-02T00:00:00Z', until: '2026-03-03T00:00:00Z' },
      });
      assert.ok(
        range.items.length > 0 && range.items.every((i) => i.occurredAt >= new Date('2026-03-02T00:00:00Z')),
      );
      const important = await mem.recall({
        scope: alice,
        query: 'code dinner plant flights',
        filters: { minImportance: 6 },
      });
      assert.deepEqual(
        important.items.map((i) => i.content),
        ['Pushed the new code to Vercel this morning'],
      );
      const session = await mem.recall({
        scope: alice,
        query: 'code dinner plant flights',
        filters: { session: 's2' },
      });
      assert.ok(session.items.length > 0 && session.items.every((i) => i.session === 's2'));
    });

    it('a minimum score drops weak matches; neighbours add the turns around a hit', async () => {
      const all = await mem.recall({ scope: alice, query: 'pasta', k: 10 });
      const strict = await mem.recall({ scope: alice, query: 'pasta', k: 10, minScore: all.items[0].score });
      assert.equal(strict.items.length, 1);
      const withNeighbours = await mem.recall({
        scope: alice,
        query: 'pasta',
        k: 1,
        neighbors: 1,
        kinds: ['episode'],
      });
      assert.equal(withNeighbours.items.length, 2);
      assert.equal(withNeighbours.items[1].neighborOf, withNeighbours.items[0].id);
    });

    it('finds rows not embedded yet by their words (a vector recall embeds them first)', async () => {
      const lazy = mem;
      const e = await lazy.episodes.append({
        scope: { user: 'carol' },
        content: 'Quarterly invoice reconciliation finished',
      });
      assert.equal(e.embedded, false);
      // Text only: the row is found by its words, and explain says why it has no cosine.
      const textOnly = await lazy.recall({
        scope: { user: 'carol' },
        query: 'invoice reconciliation',
        explain: true,
        weights: { vector: 0 },
      });
      assert.equal(textOnly.items[0].id, e.id);
      assert.equal(textOnly.items[0].scores!.cosine, null);
      assert.equal(textOnly.items[0].scores!.vectorMissing, 'text_only');
      // A vector recall embeds the scope's fresh rows before searching (recall-fresh.test.ts
      // covers rows beyond its bound, which stay text-only and are marked not_embedded).
      const { items, embeddedForRecall } = await lazy.recall({
        scope: { user: 'carol' },
        query: 'invoice reconciliation',
        explain: true,
      });
      assert.equal(items[0].id, e.id);
      assert.equal(embeddedForRecall, 1);
      assert.notEqual(items[0].scores!.cosine, null);
    });

    it('refuses bad input with the field named, and a store of another model', async () => {
      await assert.rejects(mem.recall({ scope: alice, query: '' }), isCode('invalid_input', 'query'));
      await assert.rejects(mem.recall({ scope: alice, query: 'x', k: 0 }), isCode('invalid_input', 'k'));
      await assert.rejects(mem.recall({ scope: alice, query: 'x', k: 101 }), isCode('invalid_input', 'k'));
      await assert.rejects(
        mem.recall({ scope: alice, query: 'x', kinds: ['nope' as 'fact'] }),
        isCode('invalid_input', 'kinds.0'),
      );
      await assert.rejects(
        mem.recall({ scope: alice, query: 'x', filters: { minImportance: 11 } }),
        isCode('invalid_input', 'filters.minImportance'),
      );
      // Opening a store is the library's alone: the served API has no such step.
      if (ctx.mode === 'local')
        await assert.rejects(
          createMemory({ db: ctx.db(), embedder: createHashEmbedder({ dimension: 64 }) }),
          (e: unknown) =>
            isCode('dimension_mismatch')(e) && /builtin:use-lite-512/.test((e as Error).message),
        );
    });

    it('builds a context block within the token budget, directives first', async () => {
      await mem.brain.set({
        scope: alice,
        key: 'directive.tone',
        value: 'Answer briefly.',
        category: 'directive',
      });
      await mem.brain.set({ scope: alice, key: 'identity.name', value: 'Alice', category: 'identity' });
      const full = await mem.context({ scope: alice, query: 'what did I deploy?', tokenBudget: 2000 });
      assert.ok(full.text.startsWith('## Directives\n- directive.tone: Answer briefly.'));
      assert.match(full.text, /identity\.name: Alice/);
      assert.match(full.text, /Vercel/);
      assert.ok(full.tokens <= 2000);
      const small = await mem.context({ scope: alice, query: 'what did I deploy?', tokenBudget: 60 });
      assert.ok(small.tokens <= 60, `${small.tokens} tokens`);
      assert.equal(small.items[0].section, 'directives');
      assert.ok(small.items.length < full.items.length);
      await assert.rejects(
        mem.context({ scope: alice, tokenBudget: 10 }),
        isCode('invalid_input', 'tokenBudget'),
      );
    });
  },
  { deps: () => ({ embedder: createBuiltinEmbedder() }) },
);
