// ingest: turns stored at once as episodes (searchable by text), extraction queued or
// skipped, retried ingests deduplicated, long conversations split, bad input refused.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { isMnemoError } from '../../src/errors.js';
import { EXTRACT_QUEUE } from '../../src/formation/extraction-schema.js';
import { WINDOW_TURNS } from '../../src/formation/ingest-service.js';
import type { Memory } from '../../src/memory.js';
import type { BackendContext } from '../support/backends.js';
import type { FakeOpenAiServer } from '../support/fake-openai-server.js';
import { describeMemories, type FakeLlmDeps, fakeLlmDeps } from '../support/memories.js';

const counter =
  (ctx: BackendContext) =>
  async (tenant: string, table: 'episodes' | 'tasks' | 'facts'): Promise<number> =>
    Number(
      (
        await ctx
          .db()
          .query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1`, [tenant])
      ).rows[0].n,
    );

describeMemories('ingest without an LLM', (ctx) => {
  let offline: Memory;
  before(() => {
    offline = ctx.memory();
  });
  const count = counter(ctx);

  it('without an LLM stores and indexes the turns, and says extraction was skipped', async () => {
    const scope = { tenant: 'i1', user: 'alice' };
    const r = await offline.ingest({
      scope,
      session: 'chat-1',
      messages: [
        {
          role: 'user',
          content: 'My favourite city is Kyoto.',
          name: 'Alice',
          occurredAt: '2026-05-01T10:00:00Z',
        },
        { role: 'assistant', content: 'Kyoto is lovely in autumn.' },
      ],
    });
    assert.deepEqual(r.extraction, { status: 'skipped', reason: 'no LLM configured' });
    assert.deepEqual(
      r.episodes.map((e) => [e.role, e.session, e.user, e.content]),
      [
        ['user', 'chat-1', 'alice', 'My favourite city is Kyoto.'],
        ['assistant', 'chat-1', 'alice', 'Kyoto is lovely in autumn.'],
      ],
    );
    assert.deepEqual(r.episodes[0].metadata, { name: 'Alice' });
    assert.equal(r.episodes[0].occurredAt.toISOString(), '2026-05-01T10:00:00.000Z');
    assert.equal(await count('i1', 'tasks'), 0);
    const { rows } = await ctx
      .db()
      .query<{ id: string }>(
        "select id from episodes where tenant_id = $1 and tsv @@ plainto_tsquery('english', 'kyoto autumn')",
        ['i1'],
      );
    assert.deepEqual(
      rows.map((x) => x.id),
      [r.episodes[1].id],
    );
    const found = await offline.recall({ scope, query: 'Kyoto' });
    assert.ok(found.items.some((i) => i.id === r.episodes[0].id));
  });
});

describeMemories<FakeLlmDeps>(
  'ingest with an LLM',
  (ctx) => {
    let online: Memory;
    let server: FakeOpenAiServer;
    before(() => {
      online = ctx.memory();
      server = ctx.deps().server;
    });
    const count = counter(ctx);

    it('with an LLM queues one extraction task carrying the episode ids and the session', async () => {
      const r = await online.ingest({
        scope: { tenant: 'i2', user: 'bob', agent: 'planner', session: 's9' },
        messages: [{ role: 'user', content: 'I am learning Portuguese.' }],
      });
      if (r.extraction.status !== 'queued') throw new Error('extraction was not queued');
      const t = await online.tasks.get({ scope: { tenant: 'i2' }, id: r.extraction.taskId });
      assert.ok(t);
      assert.equal(t.queue, EXTRACT_QUEUE);
      assert.equal(t.status, 'open');
      assert.deepEqual(t.payload, {
        episodeIds: [r.episodes[0].id],
        scope: { tenant: 'i2', user: 'bob', agent: 'planner', session: 's9' },
      });
      assert.deepEqual(r.extraction.taskIds, [t.id]);
      assert.equal(server.count('chat'), 0, 'nothing is asked on the write path');
    });

    it('a retried ingest with the same idempotency key stores no duplicates and joins the waiting task', async () => {
      const input = {
        scope: { tenant: 'i3', user: 'carol' },
        idempotencyKey: 'upload-42',
        messages: [
          { role: 'user' as const, content: 'Book me a table for two.' },
          { role: 'assistant' as const, content: 'Done, 8 pm.' },
        ],
      };
      const a = await online.ingest(input);
      const b = await online.ingest(input);
      assert.deepEqual(
        b.episodes.map((e) => e.id),
        a.episodes.map((e) => e.id),
      );
      assert.equal(await count('i3', 'episodes'), 2);
      if (a.extraction.status !== 'queued' || b.extraction.status !== 'queued') throw new Error('not queued');
      assert.equal(b.extraction.taskId, a.extraction.taskId);
      assert.equal(await count('i3', 'tasks'), 1);
      const c = await online.ingest({ ...input, idempotencyKey: 'upload-43' });
      assert.notEqual(c.episodes[0].id, a.episodes[0].id);
    });

    it('splits a long conversation into extraction windows, in order', async () => {
      const messages = Array.from({ length: WINDOW_TURNS * 2 + 5 }, (_, n) => ({
        role: n % 2 ? ('assistant' as const) : ('user' as const),
        content: `turn ${n}`,
      }));
      const r = await online.ingest({ scope: { tenant: 'i4' }, messages });
      if (r.extraction.status !== 'queued') throw new Error('not queued');
      assert.equal(r.extraction.taskIds.length, 3);
      const payloads = await Promise.all(
        r.extraction.taskIds.map(
          async (id) =>
            (
              (await online.tasks.get({ scope: { tenant: 'i4' }, id }))?.payload as
                | { episodeIds: string[] }
                | undefined
            )?.episodeIds,
        ),
      );
      assert.deepEqual(
        payloads.map((p) => p?.length),
        [WINDOW_TURNS, WINDOW_TURNS, 5],
      );
      assert.deepEqual(
        payloads.flat(),
        r.episodes.map((e) => e.id),
      );
    });

    it('refuses bad input with a typed error naming the field, and stores nothing', async () => {
      const scope = { tenant: 'i5' };
      const cases: [unknown, string][] = [
        [{ scope, messages: [] }, 'messages'],
        [{ scope }, 'messages'],
        [{ scope, messages: [{ role: 'robot', content: 'hi' }] }, 'messages.0.role'],
        [{ scope, messages: [{ role: 'user', content: 'ok' }, { role: 'user' }] }, 'messages.1.content'],
        [{ scope, messages: [{ role: 'user', content: '' }] }, 'messages.0.content'],
        [{ scope, messages: [{ role: 'user', content: 'hi', name: '' }] }, 'messages.0.name'],
        [
          { scope, messages: [{ role: 'user', content: 'hi', occurredAt: 'yesterday' }] },
          'messages.0.occurredAt',
        ],
        [
          { scope, messages: [{ role: 'user', content: 'hi' }], idempotencyKey: 'k'.repeat(201) },
          'idempotencyKey',
        ],
        [{ scope, messages: [{ role: 'user', content: 'hi' }], extra: true }, ''],
        [{ scope: { tenant: '' }, messages: [{ role: 'user', content: 'hi' }] }, 'scope.tenant'],
      ];
      for (const [input, field] of cases) {
        await assert.rejects(
          online.ingest(input as never),
          (e: unknown) =>
            isMnemoError(e) &&
            e.code === 'invalid_input' &&
            (field === '' || e.field === field) &&
            e.message.length > 10,
          `expected invalid_input on "${field}" for ${JSON.stringify(input).slice(0, 80)}`,
        );
      }
      assert.equal(await count('i5', 'episodes'), 0);
      assert.equal(await count('i5', 'tasks'), 0);
    });
  },
  { deps: () => fakeLlmDeps() },
);
