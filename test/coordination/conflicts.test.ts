import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import { type ConflictsService, createConflicts } from '../../src/coordination/conflicts-service.js';
import { createFacts } from '../../src/facts/facts-service.js';
import { describeBackends } from '../support/backends.js';
import { describeMemories } from '../support/memories.js';

const T0 = new Date('2026-05-01T10:00:00Z');

describeBackends('conflicts', (ctx) => {
  const clock = fixedClock(T0);
  let conflicts: ConflictsService;
  before(() => {
    conflicts = createConflicts({ db: ctx.db(), clock });
  });

  /** What facts.assert does: insert the fact, then run the hook in the same transaction. */
  async function assertFact(f: {
    tenant?: string;
    user?: string;
    subject: string;
    category?: string;
    content: string;
    by?: string;
  }) {
    return ctx.db().transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `insert into facts (tenant_id, user_id, subject, category, content, source, created_by, created_at, valid_from)
         values ($1, $2, $3, $4, $5, 'chat', $6, $7, $7) returning id`,
        [
          f.tenant ?? 'default',
          f.user ?? '',
          f.subject,
          f.category ?? 'fact',
          f.content,
          f.by ?? '',
          clock.now(),
        ],
      );
      const fact = {
        id: rows[0].id,
        tenant: f.tenant ?? 'default',
        user: f.user ?? '',
        subject: f.subject,
        category: f.category ?? 'fact',
        content: f.content,
      };
      await conflicts.afterAssert(tx, fact);
      clock.advance(1000);
      return fact.id;
    });
  }
  const current = async (ids: string[]) =>
    (
      await ctx
        .db()
        .query<{ id: string; valid_to: Date | null; superseded_by: string | null }>(
          'select id, valid_to, superseded_by from facts where id = any($1::uuid[]) order by created_at',
          [ids],
        )
    ).rows;

  it('records a conflict when agents assert different content on one subject; both facts stay', async () => {
    const a = await assertFact({
      subject: 'db.port',
      content: 'The database listens on 5432',
      by: 'agent-a',
    });
    const same = await assertFact({
      subject: 'db.port',
      content: '  the DATABASE listens   on 5432 ',
      by: 'agent-c',
    });
    assert.equal(
      (await conflicts.list({ subject: 'db.port' })).length,
      0,
      'same content, normalised: no conflict',
    );
    const b = await assertFact({
      subject: 'db.port',
      content: 'The database listens on 6543',
      by: 'agent-b',
    });
    await assertFact({ subject: 'db.port', category: 'preference', content: 'unrelated category' });
    await assertFact({ subject: '', content: 'no subject 1' });
    await assertFact({ subject: '', content: 'no subject 2' });
    const list = await conflicts.list({ status: 'open' });
    assert.equal(list.length, 1);
    const c = list[0];
    assert.equal(c.subject, 'db.port');
    assert.equal(c.category, 'fact');
    assert.equal(c.status, 'open');
    assert.deepEqual(
      c.facts.map((f) => [f.id, f.createdBy, f.source]),
      [
        [a, 'agent-a', 'chat'],
        [same, 'agent-c', 'chat'],
        [b, 'agent-b', 'chat'],
      ],
    );
    assert.ok(c.facts.every((f) => f.validTo === null && f.createdAt instanceof Date));
    const third = await assertFact({ subject: 'db.port', content: 'It is 7000 now' });
    const again = await conflicts.list({ status: 'open', subject: 'db.port' });
    assert.equal(again.length, 1, 'joins the open conflict');
    assert.equal(again[0].id, c.id);
    assert.equal(again[0].facts.length, 4);
    assert.ok(again[0].facts.some((f) => f.id === third));
  });

  it('resolve keeping one fact supersedes the others, in SQL', async () => {
    const a = await assertFact({ user: 'u1', subject: 'city', content: 'Lyon', by: 'x' });
    const b = await assertFact({ user: 'u1', subject: 'city', content: 'Paris', by: 'y' });
    const [c] = await conflicts.list({ scope: { user: 'u1' }, status: 'open' });
    assert.ok(c);
    const r = await conflicts.resolve({ id: c.id, keep: b, by: 'supervisor' });
    assert.equal(r.status, 'resolved');
    assert.equal(r.resolution, b);
    assert.equal(r.resolvedBy, 'supervisor');
    assert.ok(r.resolvedAt);
    const rows = await current([a, b]);
    assert.equal(rows[0].superseded_by, b);
    assert.equal(rows[0].valid_to?.getTime(), r.resolvedAt?.getTime());
    assert.equal(rows[1].valid_to, null);
    await assert.rejects(conflicts.resolve({ id: c.id, keep: 'both' }), { code: 'conflict' });
    assert.equal((await conflicts.list({ scope: { user: 'u1' }, status: 'open' })).length, 0);
    assert.equal((await conflicts.list({ scope: { user: 'u1' }, status: 'resolved' })).length, 1);
    assert.equal((await conflicts.list({ scope: { user: 'someone-else' } })).length, 0);
  });

  it("resolve 'both' closes the conflict and keeps every fact current; a new contradiction opens a new one", async () => {
    const a = await assertFact({ user: 'u2', subject: 'tz', content: 'UTC' });
    const b = await assertFact({ user: 'u2', subject: 'tz', content: 'CET' });
    const [c] = await conflicts.list({ scope: { user: 'u2' } });
    const r = await conflicts.resolve({ scope: { agent: 'boss' }, id: c.id, keep: 'both' });
    assert.equal(r.resolution, 'both');
    assert.equal(r.resolvedBy, 'boss');
    assert.ok((await current([a, b])).every((f) => f.valid_to === null));
    await assertFact({ user: 'u2', subject: 'tz', content: 'PST' });
    const open = await conflicts.list({ scope: { user: 'u2' }, status: 'open' });
    assert.equal(open.length, 1);
    assert.notEqual(open[0].id, c.id);
  });

  it('works as the facts hook: assert through facts.assert records the conflict', async () => {
    const facts = createFacts({ db: ctx.db(), clock, hooks: { afterAssert: conflicts.afterAssert } });
    const scope = { tenant: 't.facts', user: 'alice' };
    await facts.assert({ scope, subject: 'alice.city', content: 'Alice lives in Lyon', by: 'a1' });
    await facts.assert({ scope, subject: 'alice.city', content: 'Alice lives in Paris', by: 'a2' });
    const [c] = await conflicts.list({ scope: { tenant: 't.facts' } });
    assert.deepEqual(c.facts.map((f) => f.createdBy).sort(), ['a1', 'a2']);
    assert.equal(
      (await conflicts.list()).every((x) => x.tenant === 'default'),
      true,
      'never across tenants',
    );
  });

  it('bad input: typed errors, store unchanged', async () => {
    const x = await assertFact({ user: 'u3', subject: 'k', content: 'one' });
    await assertFact({ user: 'u3', subject: 'k', content: 'two' });
    const [c] = await conflicts.list({ scope: { user: 'u3' } });
    const snapshot = async () =>
      JSON.stringify([
        (await ctx.db().query('select * from conflicts order by id')).rows,
        (await ctx.db().query('select id, valid_to from facts order by id')).rows,
      ]);
    const before = await snapshot();
    await assert.rejects(conflicts.resolve({ id: 'nope', keep: 'both' }), {
      code: 'invalid_input',
      field: 'id',
    });
    await assert.rejects(conflicts.resolve({ id: c.id, keep: 'neither' }), {
      code: 'invalid_input',
      field: 'keep',
    });
    await assert.rejects(conflicts.resolve({ id: c.id, keep: '00000000-0000-4000-8000-000000000000' }), {
      code: 'invalid_input',
      field: 'keep',
    });
    await assert.rejects(conflicts.resolve({ id: '00000000-0000-4000-8000-000000000000', keep: x }), {
      code: 'not_found',
    });
    await assert.rejects(conflicts.resolve({ scope: { tenant: 'other' }, id: c.id, keep: x }), {
      code: 'not_found',
    });
    await assert.rejects(conflicts.list({ status: 'closed' as never }), {
      code: 'invalid_input',
      field: 'status',
    });
    assert.equal(await snapshot(), before);
  });
});

// The public API, over the in-process memory (facts wired to the detector) and the remote client alike.
describeMemories('conflicts API', (ctx) => {
  const NOPE = '00000000-0000-4000-8000-000000000000';
  it('lists, gets (null when absent) and resolves conflicts between agents', async () => {
    const mem = ctx.memory();
    const scope = { tenant: 'c.api', user: 'alice' };
    const a = await mem.facts.assert({
      scope,
      subject: 'alice.city',
      content: 'Alice lives in Lyon',
      by: 'a1',
    });
    const b = await mem.facts.assert({
      scope,
      subject: 'alice.city',
      content: 'Alice lives in Paris',
      by: 'a2',
    });
    const [c] = await mem.conflicts.list({ scope: { tenant: 'c.api' }, status: 'open' });
    assert.ok(c, 'a conflict is open');
    assert.deepEqual(c.facts.map((f) => f.id).sort(), [a.id, b.id].sort());
    assert.ok(c.createdAt instanceof Date && c.facts[0]?.validFrom instanceof Date);
    assert.deepEqual(await mem.conflicts.get({ scope, id: c.id }), c);
    assert.equal(await mem.conflicts.get({ scope, id: NOPE }), null);
    const r = await mem.conflicts.resolve({ scope, id: c.id, keep: b.id, by: 'supervisor' });
    assert.deepEqual([r.status, r.resolution, r.resolvedBy], ['resolved', b.id, 'supervisor']);
    assert.ok(r.resolvedAt instanceof Date);
    assert.equal((await mem.facts.get({ scope, id: a.id }))?.current, false);
    await assert.rejects(mem.conflicts.resolve({ scope, id: c.id, keep: 'both' }), { code: 'conflict' });
    await assert.rejects(mem.conflicts.resolve({ scope, id: NOPE, keep: 'both' }), {
      code: 'not_found',
      field: 'id',
    });
    await assert.rejects(mem.conflicts.list({ scope, status: 'closed' as never }), {
      code: 'invalid_input',
      field: 'status',
    });
  });
});
