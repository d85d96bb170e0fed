import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../src/errors.js';
import { createMemory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';
import { rejectsWith, useRemote } from './remote-helpers.js';

const ACME = { tenant: 'acme' };

describeBackends('remote client: brain, episodes, facts, decisions, sessions', (ctx) => {
  const r = useRemote(ctx);

  it('brain: set, get, list, history, delete, with Dates and the key tenant', async () => {
    const mem = r.mem();
    const a = await mem.brain.set({
      key: 'identity.name',
      value: { first: 'Ada', at: '2026-01-01T00:00:00Z' },
    });
    assert.equal(a.version, 1);
    assert.equal(a.tenant, 'acme');
    assert.ok(a.createdAt instanceof Date && a.updatedAt instanceof Date);
    assert.deepEqual(a.value, { first: 'Ada', at: '2026-01-01T00:00:00Z' }, 'values are left as sent');
    const got = await mem.brain.get({ key: 'identity.name' });
    assert.deepEqual(got, a);
    assert.deepEqual(got, await r.t().memory.brain.get({ scope: ACME, key: 'identity.name' }));
    assert.equal(await mem.brain.get({ key: 'identity.none' }), null);
    const b = await mem.brain.set({
      key: 'identity.name',
      value: 'Ada L.',
      expectedVersion: 1,
      ttlSeconds: 3600,
    });
    assert.equal(b.version, 2);
    assert.ok(b.expiresAt instanceof Date);
    await mem.brain.set({ key: 'identity.role', value: 'engineer', scope: { user: 'ada' } });
    assert.deepEqual(
      (await mem.brain.list({ prefix: 'identity.*' })).map((e) => e.key),
      ['identity.name'],
    );
    assert.deepEqual(
      (await mem.brain.list({ scope: { user: 'ada' } })).map((e) => e.value),
      ['engineer'],
    );
    const h = await mem.brain.history({ key: 'identity.name' });
    assert.deepEqual(
      h.map((x) => [x.op, x.version]),
      [
        ['set', 1],
        ['set', 2],
      ],
    );
    assert.ok(h[0].changedAt instanceof Date);
    assert.equal(await mem.brain.delete({ key: 'identity.name' }), true);
    assert.equal(await mem.brain.delete({ key: 'identity.name' }), false);
    assert.equal(await mem.brain.get({ key: 'identity.name' }), null);
  });

  it('brain: a stale expectedVersion is a ConflictError from the server, and changes nothing', async () => {
    const mem = r.mem();
    const e = await mem.brain.set({ key: 'session.work', value: 'T-1' });
    await mem.brain.set({ key: 'session.work', value: 'T-2', expectedVersion: e.version });
    await rejectsWith(mem.brain.set({ key: 'session.work', value: 'T-3', expectedVersion: e.version }), {
      name: 'ConflictError',
      code: 'conflict',
    });
    assert.equal((await mem.brain.get({ key: 'session.work' }))?.value, 'T-2');
  });

  it('episodes: append, idempotency, appendMany, get, list with cursors and filters', async () => {
    const mem = r.mem();
    const e = await mem.episodes.append({
      content: 'hello',
      scope: { user: 'u1', session: 's1' },
      tags: ['greet'],
    });
    assert.ok(e.occurredAt instanceof Date && e.createdAt instanceof Date);
    assert.equal(e.archivedAt, null);
    const again = await mem.episodes.append({ content: 'once', idempotencyKey: 'k1', scope: { user: 'u1' } });
    const twice = await mem.episodes.append({ content: 'once', idempotencyKey: 'k1', scope: { user: 'u1' } });
    assert.equal(twice.id, again.id);
    const many = await mem.episodes.appendMany({
      scope: { user: 'u1', session: 's2' },
      episodes: [{ content: 'one' }, { content: 'two', role: 'assistant' }, { content: 'three' }],
    });
    assert.deepEqual(
      many.map((x) => x.content),
      ['one', 'two', 'three'],
    );
    assert.deepEqual(
      await mem.episodes.get({ id: e.id }),
      await r.t().memory.episodes.get({ scope: ACME, id: e.id }),
    );
    assert.equal(await mem.episodes.get({ id: '00000000-0000-4000-8000-000000000000' }), null);
    const first = await mem.episodes.list({ scope: { user: 'u1' }, limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.nextCursor);
    const rest = await mem.episodes.list({ scope: { user: 'u1' }, limit: 10, cursor: first.nextCursor });
    assert.equal(first.items.length + rest.items.length, 5);
    assert.equal(rest.nextCursor, null);
    const s2 = await mem.episodes.list({ scope: { user: 'u1' }, session: 's2', role: 'assistant' });
    assert.deepEqual(
      s2.items.map((x) => x.content),
      ['two'],
    );
    assert.deepEqual(
      (await mem.episodes.list({ scope: { user: 'u1' }, tags: ['greet'] })).items.map((x) => x.id),
      [e.id],
    );
  });

  it('facts: assert, supersede, asOf, chain, invalidate', async () => {
    const mem = r.mem();
    const f = await mem.facts.assert({
      content: 'Alice lives in Paris',
      subject: 'alice.city',
      scope: { user: 'alice' },
    });
    assert.ok(f.validFrom instanceof Date);
    assert.equal(f.validTo, null);
    const between = new Date();
    await new Promise((res) => setTimeout(res, 20));
    const { old, new: next } = await mem.facts.supersede({
      id: f.id,
      fact: { content: 'Alice lives in Lyon', subject: 'alice.city' },
      scope: { user: 'alice' },
    });
    assert.ok(old.validTo instanceof Date);
    assert.equal(old.supersededBy, next.id);
    const current = await mem.facts.list({ scope: { user: 'alice' }, subject: 'alice.city' });
    assert.deepEqual(
      current.items.map((x) => x.content),
      ['Alice lives in Lyon'],
    );
    const then = await mem.facts.list({ scope: { user: 'alice' }, subject: 'alice.city', asOf: between });
    assert.deepEqual(
      then.items.map((x) => x.content),
      ['Alice lives in Paris'],
    );
    assert.deepEqual(
      (await mem.facts.chain({ id: next.id, scope: { user: 'alice' } })).map((x) => x.id),
      [f.id, next.id],
    );
    assert.equal((await mem.facts.get({ id: f.id, scope: { user: 'alice' } }))?.current, false);
    assert.equal(await mem.facts.get({ id: '00000000-0000-4000-8000-000000000000' }), null);
    await rejectsWith(mem.facts.supersede({ id: f.id, fact: { content: 'x' }, scope: { user: 'alice' } }), {
      name: 'ConflictError',
      code: 'conflict',
    });
    const closed = await mem.facts.invalidate({ id: next.id, reason: 'moved', scope: { user: 'alice' } });
    assert.equal(closed.current, false);
  });

  it('decisions: record, resolve once, get, list, lessons', async () => {
    const mem = r.mem();
    const d = await mem.decisions.record({
      context: 'queue for jobs',
      alternatives: ['redis', { name: 'postgres' }],
      chosen: 'postgres',
      subject: 'queues',
    });
    assert.equal(d.status, 'pending');
    assert.equal(d.resolvedAt, null);
    const done = await mem.decisions.resolve({
      id: d.id,
      status: 'success',
      lessons: 'skip locked is enough',
    });
    assert.ok(done.resolvedAt instanceof Date);
    await rejectsWith(mem.decisions.resolve({ id: d.id, status: 'failure' }), {
      name: 'ConflictError',
      code: 'conflict',
    });
    await rejectsWith(
      mem.decisions.resolve({ id: '00000000-0000-4000-8000-000000000000', status: 'failure' }),
      {
        name: 'NotFoundError',
        code: 'not_found',
      },
    );
    assert.equal((await mem.decisions.get({ id: d.id }))?.chosen, 'postgres');
    assert.deepEqual(
      (await mem.decisions.list({ status: 'success' })).map((x) => x.id),
      [d.id],
    );
    assert.deepEqual(
      (await mem.decisions.lessons({ subject: 'queues' })).map((x) => x.lessons),
      ['skip locked is enough'],
    );
  });

  it('sessions: start, end with a summary, get, list', async () => {
    const mem = r.mem();
    const s = await mem.sessions.start({ scope: { user: 'alice' } });
    assert.ok(s.startedAt instanceof Date);
    const ended = await mem.sessions.end({ id: s.id, summary: 'planned the trip', scope: { user: 'alice' } });
    assert.ok(ended.endedAt instanceof Date);
    assert.equal(
      (await mem.sessions.get({ id: s.id, scope: { user: 'alice' } }))?.summary,
      'planned the trip',
    );
    assert.equal(await mem.sessions.get({ id: 'no-such-session' }), null);
    await mem.sessions.start({ scope: { user: 'alice' } });
    assert.equal((await mem.sessions.list({ scope: { user: 'alice' }, active: true })).length, 1);
  });

  it('bad input fails before any request with the same typed error as in process', async () => {
    const mem = r.mem();
    await rejectsWith(mem.brain.set({ key: 'bad key!', value: 1 }), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'key',
      message: /dot-notation/,
    });
    const local = await r
      .t()
      .memory.brain.set({ key: 'bad key!', value: 1 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    const remote = await mem.brain.set({ key: 'bad key!', value: 1 }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(local instanceof MnemoError && remote instanceof MnemoError);
    assert.deepEqual(remote.toJSON(), local.toJSON());
    await rejectsWith(mem.episodes.append({ content: 'x', importance: 11 }), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'importance',
    });
    await rejectsWith(mem.facts.get({ id: 'nope' }), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'id',
    });
    assert.deepEqual(await mem.brain.list({ prefix: 'bad' }), []);
  });

  it('createMemory({ url, apiKey }) returns the remote client', async () => {
    const apiKey = await r.t().key({ tenant: 'acme', scopes: ['read', 'write'] });
    const mem = await createMemory({ url: r.t().server.url, apiKey });
    try {
      assert.equal(mem.url, r.t().server.url);
      await mem.brain.set({ key: 'via.create_memory', value: true });
      assert.equal((await r.t().memory.brain.get({ scope: ACME, key: 'via.create_memory' }))?.value, true);
    } finally {
      await mem.close();
    }
  });
});

describeBackends('remote client: remember, recall, context, ingest', (ctx) => {
  const r = useRemote(ctx);
  it('remembers a fact, ingests a conversation, recalls and builds context through the server', async () => {
    const mem = r.mem();
    const kept = await mem.remember({
      text: 'Alice is allergic to peanuts',
      subject: 'alice.allergy',
      scope: { user: 'alice' },
    });
    assert.equal(kept.kind, 'fact');
    const ingested = await mem.ingest({
      scope: { user: 'alice' },
      session: 'chat-1',
      messages: [
        { role: 'user', content: 'Book a table for Friday, somewhere with Thai food' },
        { role: 'assistant', content: 'Booked Baan Thai for Friday at 8pm' },
      ],
    });
    assert.equal(ingested.episodes.length, 2);
    assert.ok(ingested.episodes[0].occurredAt instanceof Date);
    const hits = await mem.recall({ query: 'peanuts allergy', scope: { user: 'alice' }, explain: true });
    assert.equal(hits.items[0]?.id, kept.kind === 'fact' ? kept.fact.id : '');
    assert.ok(hits.items[0].occurredAt instanceof Date);
    const block = await mem.context({
      query: 'what is alice allergic to: peanuts?',
      scope: { user: 'alice' },
    });
    assert.match(block.text, /peanuts/);
    await rejectsWith(mem.recall({ query: '' }), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'query',
    });
    const c = await mem.consolidate({ olderThanSeconds: 3600 });
    assert.deepEqual(c, await r.t().memory.consolidate({ scope: ACME, olderThanSeconds: 3600 }));
    await rejectsWith(mem.consolidate({ llm: null } as never), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'llm',
    });
  });
});
