// What is about transport only: API keys and their tenant, errors rebuilt as the same
// classes, validation before any request, the SSE stream, an unreachable server. What each
// operation does is proven over the remote client by the area tests themselves
// (test/support/memories.ts runs them over local and remote memories).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRemoteMemory } from '../../src/client/remote-memory.js';
import type { Observation } from '../../src/coordination/observations-schema.js';
import { MnemoError } from '../../src/errors.js';
import { createMemory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';
import { rejectsWith, useRemote } from './remote-helpers.js';

const ACME = { tenant: 'acme' };

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describeBackends('remote client: transport', (ctx) => {
  const r = useRemote(ctx);

  it('a key of tenant acme acts in acme; records arrive with Dates, equal to the in-process read', async () => {
    const mem = r.mem();
    const a = await mem.brain.set({
      key: 'identity.name',
      value: { first: 'Ada', at: '2026-01-01T00:00:00Z' },
    });
    assert.equal(a.tenant, 'acme');
    assert.ok(a.createdAt instanceof Date && a.updatedAt instanceof Date);
    assert.deepEqual(a.value, { first: 'Ada', at: '2026-01-01T00:00:00Z' }, 'values are left as sent');
    const got = await mem.brain.get({ key: 'identity.name' });
    assert.deepEqual(got, a);
    assert.deepEqual(got, await r.t().memory.brain.get({ scope: ACME, key: 'identity.name' }));
    const h = await mem.brain.history({ key: 'identity.name' });
    assert.ok(h[0].changedAt instanceof Date);
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

  it('observations: observe, query, and subscribe over SSE (resume from a cursor, then live, in order)', async () => {
    const mem = r.mem();
    const first = await mem.observations.observe({
      subject: 'payments',
      type: 'deploy_failed',
      scope: { agent: 'ci' },
    });
    assert.ok(first.occurredAt instanceof Date);
    assert.equal(first.agent, 'ci');
    assert.deepEqual(
      (await mem.observations.query({ subject: 'payments', agent: 'ci' })).map((o) => o.id),
      [first.id],
    );
    assert.deepEqual(await mem.observations.query({ subject: 'payments', agent: 'someone-else' }), []);

    const seen: Observation[] = [];
    const sub = await mem.observations.subscribe({ cursor: first.seq - 1, types: ['deploy_failed'] }, (o) => {
      seen.push(o);
    });
    await until(() => seen.length === 1, 'the observation after the cursor');
    await mem.observations.observe({ subject: 'payments', type: 'ignored' });
    const live = await mem.observations.observe({
      subject: 'search',
      type: 'deploy_failed',
      payload: { v: 2 },
    });
    await until(() => seen.length === 2, 'the live observation');
    assert.deepEqual(
      seen.map((o) => o.id),
      [first.id, live.id],
    );
    assert.ok(seen[1].occurredAt instanceof Date);
    assert.deepEqual(seen[1].payload, { v: 2 });
    assert.equal(sub.cursor(), live.seq);
    await sub.close();
    await mem.observations.observe({ subject: 'search', type: 'deploy_failed' });
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(seen.length, 2, 'nothing is delivered after close');

    // Without a cursor: only what is observed once subscribe() resolved, and that is not missed.
    const fresh: Observation[] = [];
    const now = await mem.observations.subscribe({ subjects: ['live-only'] }, (o) => {
      fresh.push(o);
    });
    const o = await mem.observations.observe({ subject: 'live-only', type: 'ping' });
    await until(() => fresh.length === 1, 'the observation made right after subscribing');
    assert.equal(fresh[0].id, o.id);
    await now.close();
  });

  it('purge needs an admin key (forbidden without)', async () => {
    await r.mem().episodes.append({ content: 'to be erased', scope: { user: 'gone' } });
    await rejectsWith(r.mem().purge.purge({ scope: { user: 'gone' }, reason: 'test' }), {
      name: 'MnemoError',
      code: 'forbidden',
    });
    const admin = await r.client(['admin']);
    const result = await admin.purge.purge({ scope: { user: 'gone' }, reason: 'erasure request' });
    assert.equal(result.counts.episodes, 1);
    assert.equal((await r.t().memory.episodes.list({ scope: { ...ACME, user: 'gone' } })).items.length, 0);
    assert.equal(await admin.cache.clear(), 0);
  });

  it('server errors come back as the same MnemoError: class, code, field, message, details', async () => {
    const mem = r.mem();
    const d = await mem.decisions.record({ context: 'c', chosen: 'x' });
    await mem.decisions.resolve({ id: d.id, status: 'success' });
    const local = await r
      .t()
      .memory.decisions.resolve({ scope: ACME, id: d.id, status: 'failure' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    const remote = await mem.decisions.resolve({ id: d.id, status: 'failure' }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(local instanceof MnemoError && remote instanceof MnemoError);
    assert.equal(remote.name, local.name);
    assert.deepEqual(remote.toJSON(), local.toJSON());
    await rejectsWith(
      mem.decisions.resolve({ id: '00000000-0000-4000-8000-000000000000', status: 'failure' }),
      { name: 'NotFoundError', code: 'not_found' },
    );
    // only the server knows mnemo.* queues are reserved: an invalid_input raised over HTTP keeps its field
    await rejectsWith(mem.tasks.create({ queue: 'mnemo.extract' }), {
      name: 'InvalidInputError',
      code: 'invalid_input',
      field: 'queue',
      message: /reserved/,
    });
    await rejectsWith(mem.brain.set({ key: 'a.b', value: 1, scope: { tenant: 'globex' } }), {
      name: 'MnemoError',
      code: 'forbidden',
      message: /tenant/,
    });
    const readOnly = await r.client(['read']);
    await rejectsWith(readOnly.brain.set({ key: 'a.b', value: 1 }), {
      name: 'MnemoError',
      code: 'forbidden',
    });
    const stranger = createRemoteMemory({
      url: r.t().server.url,
      apiKey: `mnemo_12345678_${'x'.repeat(43)}`,
    });
    await rejectsWith(stranger.brain.list(), { name: 'MnemoError', code: 'unauthorized' });
    const other = await r.client(['read', 'write'], 'globex');
    assert.equal(await other.decisions.get({ id: d.id }), null, 'another tenant does not see it');
  });

  it('an unreachable server is unavailable; a bad url is invalid_input', async () => {
    const down = createRemoteMemory({ url: 'http://127.0.0.1:1' });
    await rejectsWith(down.brain.list(), {
      name: 'UnavailableError',
      code: 'unavailable',
      message: /cannot reach/,
    });
    assert.throws(
      () => createRemoteMemory({ url: 'not a url' }),
      (e: MnemoError) => e.code === 'invalid_input' && e.field === 'url',
    );
  });
});
