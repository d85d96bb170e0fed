import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeMemories } from '../support/memories.js';

const T0 = new Date('2026-01-01T00:00:00Z');

describeMemories(
  'episodes',
  (ctx) => {
    const eps = () => ctx.memory().episodes;
    const count = async (tenant: string) =>
      Number(
        (
          await ctx
            .db()
            .query<{ n: number }>('select count(*) as n from episodes where tenant_id = $1', [tenant])
        ).rows[0].n,
      );

    it('appends an episode with defaults and reads it back', async () => {
      const e = await eps().append({ scope: { tenant: 't1', user: 'alice' }, content: 'hello there' });
      assert.equal(e.tenant, 't1');
      assert.equal(e.user, 'alice');
      assert.equal(e.agent, '');
      assert.equal(e.role, 'user');
      assert.equal(e.importance, 5);
      assert.deepEqual(e.tags, []);
      assert.deepEqual(e.metadata, {});
      assert.equal(e.embedded, false);
      assert.equal(e.archivedAt, null);
      assert.deepEqual(e.occurredAt, T0);
      assert.deepEqual(await eps().get({ scope: { tenant: 't1' }, id: e.id }), e);
    });

    it('keeps every field given', async () => {
      const at = new Date('2025-12-31T10:00:00.123Z');
      const e = await eps().append({
        scope: { tenant: 't1', user: 'bob', agent: 'planner', session: 's9' },
        content: 'ran the migration',
        role: 'tool',
        eventType: 'migration.done',
        subject: 'db',
        importance: 9,
        tags: ['ops', 'db'],
        metadata: { rows: 12, nested: { ok: true } },
        occurredAt: at.toISOString(),
      });
      assert.equal(e.role, 'tool');
      assert.equal(e.eventType, 'migration.done');
      assert.equal(e.subject, 'db');
      assert.equal(e.session, 's9');
      assert.equal(e.importance, 9);
      assert.deepEqual(e.tags, ['ops', 'db']);
      assert.deepEqual(e.metadata, { rows: 12, nested: { ok: true } });
      assert.deepEqual(e.occurredAt, at);
      assert.deepEqual(e.createdAt, T0);
    });

    it('is idempotent by key: twice, inside one batch and across batches', async () => {
      const scope = { tenant: 'idem' };
      const a = await eps().append({ scope, content: 'first', idempotencyKey: 'k1' });
      const b = await eps().append({ scope, content: 'second try', idempotencyKey: 'k1' });
      assert.equal(b.id, a.id);
      assert.equal(b.content, 'first');
      assert.equal(await count('idem'), 1);

      const batch = await eps().appendMany({
        scope,
        episodes: [
          { content: 'x', idempotencyKey: 'k2' },
          { content: 'plain' },
          { content: 'x again', idempotencyKey: 'k2' },
          { content: 'old', idempotencyKey: 'k1' },
        ],
      });
      assert.equal(batch.length, 4);
      assert.equal(batch[0].id, batch[2].id);
      assert.equal(batch[0].content, 'x');
      assert.equal(batch[3].id, a.id);
      assert.equal(batch[1].content, 'plain');
      assert.equal(await count('idem'), 3);

      const again = await eps().appendMany({
        scope,
        episodes: [{ content: 'y', idempotencyKey: 'k2' }, { content: 'new' }],
      });
      assert.equal(again[0].id, batch[0].id);
      assert.equal(again[1].content, 'new');
      assert.equal(await count('idem'), 4);
      // The same key in another tenant is another episode.
      const other = await eps().append({
        scope: { tenant: 'idem2' },
        content: 'first',
        idempotencyKey: 'k1',
      });
      assert.notEqual(other.id, a.id);
    });

    it('appendMany returns episodes in input order with increasing seq and per-item sessions', async () => {
      const items = Array.from({ length: 300 }, (_, i) => ({
        content: `item ${i}`,
        ...(i % 2 ? { session: 'odd' } : {}),
      }));
      const out = await eps().appendMany({ scope: { tenant: 'order', session: 'even' }, episodes: items });
      assert.deepEqual(
        out.map((e) => e.content),
        items.map((i) => i.content),
      );
      for (let i = 1; i < out.length; i++) assert.ok(out[i].seq > out[i - 1].seq);
      assert.equal(out[1].session, 'odd');
      assert.equal(out[2].session, 'even');
    });

    it('lists newest first with filters and cursor pagination', async () => {
      const scope = { tenant: 'list', user: 'u1' };
      const base = new Date('2026-02-01T00:00:00Z').getTime();
      const items = Array.from({ length: 25 }, (_, i) => ({
        content: `event ${i}`,
        // Pairs share a timestamp: seq breaks the tie.
        occurredAt: new Date(base + Math.floor(i / 2) * 60_000),
        importance: (i % 10) + 1,
        role: i % 3 === 0 ? ('event' as const) : ('user' as const),
        eventType: i % 3 === 0 ? 'task.done' : '',
        tags: i % 5 === 0 ? ['five', 'x'] : ['x'],
        session: i < 10 ? 'early' : 'late',
      }));
      await eps().appendMany({ scope, episodes: items });
      await eps().append({ scope: { tenant: 'list', user: 'u2' }, content: 'other user' });

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await eps().list({ scope, limit: 10, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((e) => e.content));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      assert.equal(pages, 3);
      assert.deepEqual(seen, items.map((i) => i.content).reverse());

      const all = (await eps().list({ scope: { tenant: 'list' }, limit: 1000 })).items;
      assert.equal(all.length, 26);
      const ev = await eps().list({ scope, role: 'event', eventType: 'task.done' });
      assert.equal(ev.items.length, 9);
      assert.ok(ev.items.every((e) => e.role === 'event'));
      assert.equal((await eps().list({ scope, tag: 'five' })).items.length, 5);
      assert.equal((await eps().list({ scope, tags: ['five', 'x'] })).items.length, 5);
      assert.equal((await eps().list({ scope, minImportance: 9 })).items.length, 4);
      assert.equal((await eps().list({ scope, session: 'early' })).items.length, 10);
      const win = await eps().list({
        scope,
        since: new Date(base + 60_000),
        until: new Date(base + 3 * 60_000),
      });
      assert.deepEqual(
        win.items.map((e) => e.content),
        ['event 5', 'event 4', 'event 3', 'event 2'],
      );
    });

    it('hides archived episodes unless asked', async () => {
      const e = await eps().append({ scope: { tenant: 'arch' }, content: 'old stuff' });
      await ctx.db().query('update episodes set archived_at = now() where id = $1', [e.id]);
      assert.equal((await eps().list({ scope: { tenant: 'arch' } })).items.length, 0);
      assert.equal((await eps().list({ scope: { tenant: 'arch' }, includeArchived: true })).items.length, 1);
    });

    it('makes content full-text searchable at once', async () => {
      const e = await eps().append({ scope: { tenant: 'fts' }, content: 'we deployed code to production' });
      const { rows } = await ctx
        .db()
        .query<{ id: string }>(
          "select id from episodes where tenant_id = 'fts' and tsv @@ websearch_to_tsquery('english', 'deploy')",
        );
      assert.deepEqual(
        rows.map((r) => r.id),
        [e.id],
      );
    });

    it('isolates tenants and scopes on every read', async () => {
      const e = await eps().append({ scope: { tenant: 'iso-a', user: 'alice' }, content: 'secret' });
      assert.equal(await eps().get({ scope: { tenant: 'iso-b' }, id: e.id }), null);
      assert.equal(await eps().get({ id: e.id }), null);
      assert.equal(await eps().get({ scope: { tenant: 'iso-a', user: 'bob' }, id: e.id }), null);
      assert.equal((await eps().get({ scope: { tenant: 'iso-a', user: 'alice' }, id: e.id }))?.id, e.id);
      assert.equal((await eps().list({ scope: { tenant: 'iso-b' } })).items.length, 0);
      assert.equal((await eps().list({ scope: { tenant: 'iso-a', user: 'bob' } })).items.length, 0);
    });
  },
  { start: T0 },
);
