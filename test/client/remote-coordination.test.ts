import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createRemoteMemory } from '../../src/client/remote-memory.js';
import type { Observation } from '../../src/coordination/observations-schema.js';
import type { Task } from '../../src/coordination/tasks-schema.js';
import { MnemoError } from '../../src/errors.js';
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

describeBackends('remote client: tasks, observations, conflicts, cache, purge, errors', (ctx) => {
  const r = useRemote(ctx);

  it('tasks: create with dedupe, claim atomically, heartbeat, complete, fail, cancel, get, list', async () => {
    const mem = r.mem();
    const t = await mem.tasks.create({ queue: 'crawl', payload: { url: 'a' }, dedupeKey: 'a' });
    assert.equal(t.status, 'open');
    assert.ok(t.runAfter instanceof Date);
    assert.equal(
      (await mem.tasks.create({ queue: 'crawl', payload: { url: 'a' }, dedupeKey: 'a' })).id,
      t.id,
    );
    const claimed = await mem.tasks.claim({ queue: 'crawl', agent: 'w1', leaseSeconds: 60 });
    assert.equal(claimed?.id, t.id);
    assert.ok(claimed?.leaseUntil instanceof Date);
    assert.equal(await mem.tasks.claim({ queue: 'crawl', agent: 'w2' }), null);
    await rejectsWith(mem.tasks.complete({ id: t.id, agent: 'w2' }), {
      name: 'ConflictError',
      code: 'conflict',
    });
    assert.equal((await mem.tasks.heartbeat({ id: t.id, agent: 'w1', leaseSeconds: 120 })).status, 'claimed');
    const done = await mem.tasks.complete({ id: t.id, agent: 'w1', result: { pages: 3 } });
    assert.deepEqual([done.status, done.result], ['done', { pages: 3 }]);
    assert.ok(done.finishedAt instanceof Date);

    await mem.tasks.create({ queue: 'batch', payload: 1 });
    await mem.tasks.create({ queue: 'batch', payload: 2 });
    const batch = await mem.tasks.claimBatch({ queue: 'batch', agent: 'w1', limit: 5 });
    assert.equal(batch.length, 2);
    const failed = await mem.tasks.fail({
      id: (batch[0] as Task).id,
      agent: 'w1',
      error: 'boom',
      retry: false,
    });
    assert.deepEqual([failed.status, failed.error], ['failed', 'boom']);
    assert.equal((await mem.tasks.release({ id: (batch[1] as Task).id, agent: 'w1' })).status, 'open');
    assert.equal((await mem.tasks.cancel({ id: (batch[1] as Task).id })).status, 'cancelled');
    assert.equal((await mem.tasks.get({ id: t.id }))?.status, 'done');
    // get: null when absent (the 404 naming id, turned back into null by the client)
    assert.equal(await mem.tasks.get({ id: '00000000-0000-4000-8000-000000000000' }), null);
    assert.deepEqual(
      (await mem.tasks.list({ queue: 'crawl' })).map((x) => x.id),
      [t.id],
    );
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

  it('conflicts: contradicting facts of two agents are listed and resolved', async () => {
    const mem = r.mem();
    const a = await mem.facts.assert({ content: 'the API is on v2', subject: 'api.version', by: 'agent-a' });
    const b = await mem.facts.assert({ content: 'the API is on v3', subject: 'api.version', by: 'agent-b' });
    const [c] = await mem.conflicts.list({ status: 'open', subject: 'api.version' });
    assert.ok(c, 'a conflict is open');
    assert.deepEqual(c.facts.map((f) => f.id).sort(), [a.id, b.id].sort());
    assert.ok(c.createdAt instanceof Date);
    assert.equal((await mem.conflicts.get({ id: c.id }))?.id, c.id);
    const resolved = await mem.conflicts.resolve({ id: c.id, keep: b.id, by: 'supervisor' });
    assert.equal(resolved.status, 'resolved');
    assert.equal((await mem.facts.get({ id: a.id }))?.current, false);
  });

  it('cache stats, and purge with an admin key (forbidden without)', async () => {
    const stats = await r.mem().cache.stats();
    assert.deepEqual(
      Object.keys(stats).sort(),
      ['bytes', 'costSaved', 'entries', 'hitRate', 'hits', 'latencySavedMs', 'misses', 'tokensSaved'].sort(),
    );
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
