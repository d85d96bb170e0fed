import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openStore } from '../../src/db/open.js';
import { createMemory, type Memory } from '../../src/memory.js';
import { createBuiltinEmbedder } from '../../src/recall/embedders/builtin-embedder.js';
import { toVectorLiteral } from '../../src/recall/embedders/embedder.js';
import { FRESH_MAX_ROWS } from '../../src/recall/fresh-embeddings.js';
import { describeBackends } from '../support/backends.js';

/** The README's quick start, verbatim but for the store (this backend's). */
async function readmeSnippet(mem: Memory, user: string) {
  const scope = { user, agent: 'planner' };
  await mem.brain.set({ scope, key: 'identity.name', value: 'Alice', category: 'identity' });
  await mem.episodes.append({ scope, role: 'user', content: 'I pushed the new build to Vercel' });
  await mem.facts.assert({ scope, subject: 'editor', category: 'preference', content: 'Alice uses vim' });
  return mem.recall({ scope, query: 'deployment', k: 5, explain: true });
}

// Recall sees what was just written (rows are embedded in the background, so right
// after a write nothing has a vector yet): the real built-in model, no stand-in.
describeBackends('recall of fresh rows', (ctx) => {
  it('the README snippet finds the Vercel episode, with the background indexer running', async () => {
    const mem = await createMemory({ db: ctx.db(), embedder: createBuiltinEmbedder() });
    try {
      const r = await readmeSnippet(mem, 'alice-indexer');
      const hit = r.items.find((i) => /Vercel/.test(i.content));
      assert.ok(hit, JSON.stringify(r.items.map((i) => i.content)));
      assert.equal(hit.scores?.text, 0, 'no shared word');
      assert.ok((hit.scores?.vector ?? 0) > 0);
      assert.equal(hit.scores?.vectorMissing, null);
      assert.equal(r.pendingEmbedding, 0);
    } finally {
      await mem.close();
    }
  });

  it('the README snippet finds the Vercel episode with the indexer off (recall embeds it)', async () => {
    const mem = await createMemory({ db: ctx.db(), embedder: createBuiltinEmbedder(), indexer: false });
    try {
      const r = await readmeSnippet(mem, 'alice-no-indexer');
      assert.ok(
        r.items.some((i) => /Vercel/.test(i.content)),
        JSON.stringify(r.items.map((i) => i.content)),
      );
      assert.equal(r.embeddedForRecall, 3, 'the brain key, the episode and the fact');
      assert.equal(r.pendingEmbedding, 0);
      assert.equal(
        (
          await ctx
            .db()
            .query("select 1 from episodes where embedding is null and user_id = 'alice-no-indexer'")
        ).rows.length,
        0,
      );
    } finally {
      await mem.close();
    }
  });

  it('embeds at most a bounded number of rows; the rest are found by words and say so', async () => {
    const mem = await createMemory({ db: ctx.db(), embedder: createBuiltinEmbedder(), indexer: false });
    try {
      const scope = { user: 'bulk' };
      const n = FRESH_MAX_ROWS + 8;
      const stored = await mem.episodes.appendMany({
        scope,
        episodes: Array.from({ length: n }, (_, i) => ({
          content: i === 0 ? 'Renewed the greenhouse insurance policy' : `Routine log line number ${i}`,
          occurredAt: new Date(Date.UTC(2026, 0, 1, 0, i)),
        })),
      });
      const r = await mem.recall({ scope, query: 'greenhouse insurance', explain: true });
      assert.ok(r.embeddedForRecall >= 1 && r.embeddedForRecall <= FRESH_MAX_ROWS, `${r.embeddedForRecall}`);
      assert.equal(r.pendingEmbedding, n - r.embeddedForRecall);
      // The oldest row is claimed last: with more rows than the bound it stays pending.
      assert.equal(r.items[0].id, stored[0].id);
      assert.equal(r.items[0].scores?.cosine, null);
      assert.equal(r.items[0].scores?.vectorMissing, 'not_embedded');
      assert.ok((r.items[0].scores?.text ?? 0) > 0);
      const textOnly = await mem.recall({
        scope,
        query: 'greenhouse insurance',
        explain: true,
        weights: { vector: 0 },
      });
      assert.equal(textOnly.usedVector, false);
      assert.equal(textOnly.items[0].scores?.vectorMissing, 'text_only');
      assert.equal(textOnly.pendingEmbedding, 0, 'no vector used: nothing is pending for this call');
      assert.equal(textOnly.embeddedForRecall, 0);
    } finally {
      await mem.close();
    }
  });

  it('on a server, waits for a row another process is embedding instead of missing it', async (t) => {
    if (ctx.backend !== 'postgres') {
      t.skip('row locks between connections exist on a PostgreSQL server only');
      return;
    }
    const mem = await createMemory({ db: ctx.db(), embedder: createBuiltinEmbedder(), indexer: false });
    const other = await openStore(ctx.location());
    try {
      const scope = { user: 'locked' };
      const e = await mem.episodes.append({ scope, content: 'I pushed the new build to Vercel' });
      const [v] = await createBuiltinEmbedder().embed(['I pushed the new build to Vercel']);
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let locked = () => {};
      const isLocked = new Promise<void>((r) => {
        locked = r;
      });
      // Another worker claims the row (as the indexer does) and writes it back 300 ms later.
      const worker = other.transaction(async (tx) => {
        await tx.query('select id from episodes where id = $1 for update skip locked', [e.id]);
        locked();
        await held;
        await tx.query('update episodes set embedding = $2::vector where id = $1', [
          e.id,
          toVectorLiteral(v),
        ]);
      });
      await isLocked;
      setTimeout(release, 300);
      const r = await mem.recall({ scope, query: 'deployment', explain: true });
      await worker;
      const hit = r.items.find((i) => i.id === e.id);
      assert.ok(hit, 'found by meaning once the other worker wrote it');
      assert.equal(hit.scores?.vectorMissing, null);
      assert.equal(r.embeddedForRecall, 0, 'the other worker embedded it, not this recall');
      assert.equal(r.pendingEmbedding, 0);
    } finally {
      await other.close();
      await mem.close();
    }
  });
});
