// Consolidation: old turns summarised (through the fake LLM) and archived, still found
// on request; duplicate facts merged with or without an LLM; scheduled runs.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Task } from '../../src/coordination/tasks-schema.js';
import { isMnemoError } from '../../src/errors.js';
import { CONSOLIDATE_QUEUE } from '../../src/formation/consolidation-schema.js';
import { scheduleConsolidation } from '../../src/formation/consolidation-service.js';
import type { FormationDeps } from '../../src/formation/extraction-schema.js';
import { startFormationWorker } from '../../src/formation/formation-worker.js';
import type { Memory } from '../../src/memory.js';
import { waitFor } from '../coordination/wait.js';
import { chatCompletion, type FakeOpenAiServer } from '../support/fake-openai-server.js';
import { describeMemories, type FakeLlmDeps, fakeLlmDeps, type MemoryContext } from '../support/memories.js';

const DAY = 86_400_000;

const START = new Date('2026-06-01T12:00:00Z');
const agoOf =
  (ctx: MemoryContext) =>
  (days: number, minutes = 0): Date =>
    new Date(ctx.clock.now().getTime() - days * DAY + minutes * 60_000);

describeMemories<FakeLlmDeps>(
  'consolidation with an LLM',
  (ctx) => {
    const clock = ctx.clock;
    const ago = agoOf(ctx);
    let server: FakeOpenAiServer;
    let mem: Memory;
    before(() => {
      mem = ctx.memory();
      server = ctx.deps().server;
    });

    it('summarises and archives old turns per session; archived content is still found on request', async () => {
      const scope = { tenant: 'c1', user: 'alice' };
      const old = await mem.ingest({
        scope,
        session: 'trip',
        messages: [
          { role: 'user', content: 'I want to visit Kyoto in October.', occurredAt: ago(10) },
          { role: 'assistant', content: 'October is maple season there.', occurredAt: ago(10, 1) },
          { role: 'user', content: 'Great, book a ryokan near Gion.', occurredAt: ago(10, 2) },
        ],
      });
      const recent = await mem.ingest({
        scope,
        session: 'today',
        messages: [{ role: 'user', content: 'What is the weather in Kyoto?', occurredAt: ago(1) }],
      });
      const event = await mem.episodes.append({
        scope,
        role: 'event',
        content: 'Kyoto deploy',
        occurredAt: ago(20),
      });
      server.enqueue(
        'chat',
        chatCompletion({
          summary: 'Alice planned a trip to Kyoto in October and asked for a ryokan near Gion.',
          facts: [
            {
              kind: 'semantic',
              category: 'goal',
              subject: 'user.trip',
              content: 'The user plans to visit Kyoto in October.',
              confidence: 0.8,
              sourceTurns: [0, 2],
            },
          ],
        }),
      );
      const oldIds = old.episodes.map((e) => e.id);

      const r = await mem.consolidate({ scope: { tenant: 'c1' } });
      assert.deepEqual(r, {
        sessions: 1,
        summaries: 1,
        archived: 3,
        facts: { added: 1, superseded: 0, invalidated: 0, unchanged: 0 },
        merged: 0,
        llmRequests: 1,
      });
      assert.match(
        server.requests('chat')[0].body.messages.at(-1).content,
        /^\[2\] user: Great, book a ryokan/m,
      );

      const visible = (await mem.episodes.list({ scope })).items.map((e) => e.id).sort();
      assert.deepEqual(visible, [recent.episodes[0].id, event.id].sort(), 'events and recent turns stay');
      const all = (await mem.episodes.list({ scope, includeArchived: true })).items;
      assert.equal(all.length, 5);
      for (const e of all) assert.equal(e.archivedAt !== null, oldIds.includes(e.id));

      const facts = (await mem.facts.list({ scope: { tenant: 'c1' } })).items;
      const summary = facts.find((f) => f.category === 'summary');
      assert.equal(summary?.subject, 'session:trip');
      assert.equal(summary?.session, 'trip');
      assert.deepEqual(summary?.sourceEpisodeIds, oldIds);
      assert.match(summary?.content ?? '', /ryokan near Gion/);
      const goal = facts.find((f) => f.category === 'goal');
      assert.deepEqual(goal?.sourceEpisodeIds, [oldIds[0], oldIds[2]]);
      assert.equal(goal?.source, 'consolidation');

      const text = await ctx
        .db()
        .query<{ id: string }>(
          "select id from episodes where tenant_id = 'c1' and tsv @@ plainto_tsquery('english', 'ryokan gion')",
        );
      assert.deepEqual(
        text.rows.map((x) => x.id),
        [oldIds[2]],
      );
      const hidden = await mem.recall({ scope, query: 'ryokan Gion', kinds: ['episode'] });
      assert.ok(
        !hidden.items.some((i) => oldIds.includes(i.id)),
        'archived turns are not recalled by default',
      );
      const shown = await mem.recall({
        scope,
        query: 'ryokan Gion',
        kinds: ['episode'],
        filters: { includeArchived: true },
      });
      assert.ok(
        shown.items.some((i) => i.id === oldIds[2]),
        'includeArchived finds them',
      );

      const again = await mem.consolidate({ scope: { tenant: 'c1' } });
      assert.deepEqual([again.sessions, again.archived, again.llmRequests], [0, 0, 0]);
      assert.equal(server.count('chat'), 1);
    });

    // The worker and the scheduling helper are the library's (a server runs its own worker),
    // so this case exists in the local blocks only.
    if (ctx.mode === 'local')
      it('a scheduled consolidation runs on the worker and queues its next run', async () => {
        const mem = ctx.local();
        const t = await scheduleConsolidation(
          mem.tasks,
          { scope: { tenant: 'c3' }, everySeconds: 3600 },
          clock.now(),
        );
        assert.equal(t.queue, CONSOLIDATE_QUEUE);
        const deps: FormationDeps = { ...mem, clock, llm: mem.llm };
        const w = startFormationWorker(deps, { pollIntervalMs: 20, queues: [CONSOLIDATE_QUEUE] });
        let done: Task | undefined;
        try {
          await waitFor(async () => {
            done = (await mem.tasks.get({ scope: { tenant: 'c3' }, id: t.id })) ?? undefined;
            return done?.status === 'done' || done?.status === 'failed';
          });
        } finally {
          await w.close();
        }
        assert.equal(done?.status, 'done', done?.error ?? '');
        assert.deepEqual((done?.result as { sessions: number } | undefined)?.sessions, 0);
        const next = (
          await mem.tasks.list({ scope: { tenant: 'c3' }, queue: CONSOLIDATE_QUEUE, status: 'open' })
        )[0];
        assert.equal(next?.runAfter.getTime(), clock.now().getTime() + 3600_000);
        assert.deepEqual(next?.payload, {
          scope: { tenant: 'c3', user: '', agent: '', session: '' },
          everySeconds: 3600,
        });
        await mem.tasks.cancel({ scope: { tenant: 'c3' }, id: next.id });
      });

    it('refuses bad input with a typed error naming the field', async () => {
      const cases: [() => Promise<unknown>, string][] = [
        [() => mem.consolidate({ olderThanSeconds: -1 }), 'olderThanSeconds'],
        [() => mem.consolidate({ olderThanSeconds: 1.5 }), 'olderThanSeconds'],
        [() => mem.consolidate({ llm: null } as never), 'llm'],
        [() => mem.consolidate({ scope: { tenant: '' } }), 'scope.tenant'],
        [() => mem.consolidate({ when: 'now' } as never), ''],
        // Options and the scheduling helper exist in the library only.
        ...(ctx.mode === 'local'
          ? ([
              [() => ctx.local().consolidate({}, { llm: 'gpt' as never }), 'llm'],
              [() => scheduleConsolidation(ctx.local().tasks, { everySeconds: 10 }), 'everySeconds'],
              [() => scheduleConsolidation(ctx.local().tasks, { runAfter: 'soon' as never }), 'runAfter'],
            ] as [() => Promise<unknown>, string][])
          : []),
      ];
      for (const [call, field] of cases)
        await assert.rejects(
          call(),
          (e: unknown) =>
            isMnemoError(e) && e.code === 'invalid_input' && (field === '' || e.field === field),
          `expected invalid_input on "${field}"`,
        );
      assert.equal((await mem.tasks.list({ queue: CONSOLIDATE_QUEUE })).length, 0);
    });
  },
  { start: START, deps: () => fakeLlmDeps({ maxRetries: 0 }) },
);

describeMemories(
  'consolidation without an LLM',
  (ctx) => {
    const clock = ctx.clock;
    const ago = agoOf(ctx);
    let mem: Memory;
    before(() => {
      mem = ctx.memory();
    });

    it('without an LLM archives nothing, says so, and still merges duplicate facts', async () => {
      const scope = { tenant: 'c2', user: 'bob' };
      await mem.ingest({ scope, messages: [{ role: 'user', content: 'old words', occurredAt: ago(30) }] });
      const fact = async (content: string, confidence: number, subject = 'user.drink') => {
        clock.advance(1000);
        return mem.facts.assert({ scope, subject, category: 'preference', content, confidence });
      };
      const a = await fact('The user likes green tea.', 0.8);
      const b = await fact('the user likes   green tea', 0.9);
      const c = await fact('The user likes green tea!', 0.9);
      const d = await fact('The user does not like green tea.', 0.9);
      const e = await fact('The user likes green tea.', 0.8, 'user.other');
      const f = await fact('The user likes green tea in the morning every day.', 0.7);
      const g = await fact('The user really likes green tea in the morning every day.', 0.7);

      const r = await mem.consolidate({ scope: { tenant: 'c2' }, olderThanSeconds: 0 });
      assert.equal(r.skipped, 'no LLM configured');
      assert.deepEqual([r.sessions, r.archived, r.summaries, r.merged], [1, 0, 0, 3]);
      const current = new Set((await mem.facts.list({ scope })).items.map((x) => x.id));
      assert.deepEqual(
        [a, b, c, d, e, f, g].map((x) => current.has(x.id)),
        [false, true, false, true, true, true, false],
      );
      const merged = await mem.facts.get({ scope, id: a.id });
      assert.equal(merged?.supersededBy, b.id);
      assert.equal(merged?.metadata.mergedInto, b.id);
      assert.equal((await mem.facts.get({ scope, id: g.id }))?.supersededBy, f.id);
      assert.equal((await mem.episodes.list({ scope })).items.length, 1, 'nothing archived');
    });
  },
  { start: START },
);
