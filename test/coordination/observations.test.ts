import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { fixedClock } from '../../src/clock.js';
import type { Observation } from '../../src/coordination/observations-schema.js';
import { createObservations, type Observations } from '../../src/coordination/observations-service.js';
import type { Memory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';
import { describeMemories } from '../support/memories.js';
import { waitFor } from './wait.js';

const T0 = new Date('2026-04-01T08:00:00Z');

describeBackends('observations', (ctx) => {
  const clock = fixedClock(T0);
  let obs: Observations;
  before(() => {
    obs = createObservations({ db: ctx.db(), clock });
  });
  const collect = () => {
    const got: Observation[] = [];
    return { got, cb: (o: Observation) => void got.push(o) };
  };

  it('observe appends an event episode with a readable default content', async () => {
    const o = await obs.observe({
      scope: { tenant: 't.obs', agent: 'ci', user: 'u1' },
      subject: 'payments',
      type: 'deploy_failed',
      payload: { region: 'eu', code: 500 },
      tags: ['deploy'],
    });
    assert.equal(o.tenant, 't.obs');
    assert.equal(o.agent, 'ci');
    assert.equal(o.type, 'deploy_failed');
    assert.equal(o.content, 'deploy_failed on payments: region=eu, code=500');
    assert.deepEqual(o.payload, { region: 'eu', code: 500 });
    assert.equal(o.occurredAt.getTime(), T0.getTime());
    assert.ok(o.seq > 0);
    const { rows } = await ctx
      .db()
      .query<{ role: string; event_type: string; metadata: unknown; user_id: string; tags: string[] }>(
        'select role, event_type, metadata, user_id, tags from episodes where id = $1',
        [o.id],
      );
    assert.deepEqual(rows[0], {
      role: 'event',
      event_type: 'deploy_failed',
      metadata: { region: 'eu', code: 500 },
      user_id: 'u1',
      tags: ['deploy'],
    });
    const explicit = await obs.observe({ subject: 's', type: 't', content: 'custom line', agent: 'a2' });
    assert.equal(explicit.content, 'custom line');
    assert.equal(explicit.agent, 'a2');
  });

  it('delivers only new observations, live, in order; filters by type and subject', async () => {
    const scope = { tenant: 't.live' };
    await obs.observe({ scope, subject: 'old', type: 'x' });
    const all = collect();
    const typed = collect();
    const subj = collect();
    const subs = await Promise.all([
      obs.subscribe({ scope, pollIntervalMs: 600_000 }, all.cb),
      obs.subscribe({ scope, types: ['build'], pollIntervalMs: 600_000 }, typed.cb),
      obs.subscribe({ scope, subjects: ['api', 'web'], pollIntervalMs: 600_000 }, subj.cb),
    ]);
    const other = collect();
    const otherSub = await obs.subscribe({ scope: { tenant: 't.elsewhere' } }, other.cb);
    const made = [];
    for (const [subject, type] of [
      ['api', 'build'],
      ['db', 'build'],
      ['web', 'deploy'],
      ['db', 'deploy'],
    ])
      made.push(await obs.observe({ scope, subject, type }));
    await waitFor(
      () => all.got.length === 4 && typed.got.length === 2 && subj.got.length === 2,
      10_000,
      'live',
    );
    for (const s of [...subs, otherSub]) await s.close();
    assert.deepEqual(
      all.got.map((o) => o.id),
      made.map((o) => o.id),
    );
    assert.deepEqual(
      typed.got.map((o) => o.subject),
      ['api', 'db'],
    );
    assert.deepEqual(
      subj.got.map((o) => o.type),
      ['build', 'deploy'],
    );
    assert.equal(other.got.length, 0, 'never across tenants');
    assert.equal(subs[0].cursor(), made[3].seq);
  });

  it('a subscriber resuming from its cursor gets exactly what it missed, in order, then live', async () => {
    const scope = { tenant: 't.resume' };
    const first = collect();
    const sub = await obs.subscribe({ scope, pollIntervalMs: 600_000 }, first.cb);
    await obs.observe({ scope, subject: 's', type: 'a' });
    await obs.observe({ scope, subject: 's', type: 'b' });
    await waitFor(() => first.got.length === 2, 10_000, 'first two');
    await sub.close();
    const cursor = sub.cursor();
    const missed = [];
    for (const type of ['c', 'd', 'e']) missed.push(await obs.observe({ scope, subject: 's', type }));
    const again = collect();
    const sub2 = await obs.subscribe({ scope, cursor, pollIntervalMs: 600_000 }, again.cb);
    await waitFor(() => again.got.length === 3, 10_000, 'missed ones');
    const live = await obs.observe({ scope, subject: 's', type: 'f' });
    await waitFor(() => again.got.length === 4, 10_000, 'live one');
    await sub2.close();
    assert.deepEqual(
      again.got.map((o) => o.id),
      [...missed, live].map((o) => o.id),
    );
    assert.deepEqual(
      first.got.map((o) => o.type),
      ['a', 'b'],
    );
    const fromStart = collect();
    const sub3 = await obs.subscribe({ scope, cursor: 0, types: ['a', 'f'] }, fromStart.cb);
    await waitFor(() => fromStart.got.length === 2, 10_000, 'replay from 0');
    await sub3.close();
    assert.deepEqual(
      fromStart.got.map((o) => o.type),
      ['a', 'f'],
    );
  });

  it('concurrent observers: every observation delivered once, in increasing seq', async () => {
    const scope = { tenant: 't.concurrent' };
    const got = collect();
    const sub = await obs.subscribe({ scope, pollIntervalMs: 50 }, got.cb);
    const made = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        obs.observe({ scope, subject: `s${n % 3}`, type: 'tick', payload: { n } }),
      ),
    );
    await waitFor(() => got.got.length >= 40, 15_000, '40 deliveries');
    await new Promise((r) => setTimeout(r, 150)); // a late duplicate would show up here
    await sub.close();
    assert.equal(got.got.length, 40);
    assert.deepEqual(new Set(got.got.map((o) => o.id)), new Set(made.map((o) => o.id)));
    for (let n = 1; n < got.got.length; n++) assert.ok(got.got[n].seq > got.got[n - 1].seq);
  });

  it('polling delivers an event even when no NOTIFY was sent', async () => {
    const scope = { tenant: 't.poll' };
    const got = collect();
    const sub = await obs.subscribe({ scope, pollIntervalMs: 30 }, got.cb);
    await ctx
      .db()
      .query(
        "insert into episodes (tenant_id, role, event_type, subject, content) values ('t.poll', 'event', 'silent', 'x', 'no notify')",
      );
    await waitFor(() => got.got.length === 1, 10_000, 'polled delivery');
    await sub.close();
    assert.equal(got.got[0].type, 'silent');
  });
});

// The public API, over the in-process memory and the remote client alike.
describeMemories(
  'observations API',
  (ctx) => {
    const clock = ctx.clock;
    let obs: Memory['observations'];
    before(() => {
      obs = ctx.memory().observations;
    });

    it('queries the shared history by subject, type, agent, time and words, newest first', async () => {
      const scope = { tenant: 't.query' };
      clock.set(T0);
      await obs.observe({
        scope,
        agent: 'a1',
        subject: 'payments',
        type: 'incident',
        content: 'Refunds are timing out',
      });
      clock.advance(3_600_000);
      await obs.observe({
        scope,
        agent: 'a2',
        subject: 'payments',
        type: 'deploy',
        content: 'Deployed v2 of checkout',
      });
      clock.advance(3_600_000);
      await obs.observe({
        scope,
        agent: 'a1',
        subject: 'search',
        type: 'deploy',
        content: 'Reindexed the catalog',
      });
      clock.advance(72 * 3_600_000);
      await obs.observe({
        scope,
        agent: 'a1',
        subject: 'payments',
        type: 'incident',
        content: 'Card refunds failing again',
      });
      const now = clock.now().getTime();

      const pay = await obs.query({ scope, subject: 'payments' });
      assert.deepEqual(
        pay.map((o) => o.content),
        ['Card refunds failing again', 'Deployed v2 of checkout', 'Refunds are timing out'],
      );
      const recent = await obs.query({ scope, subject: 'payments', since: new Date(now - 48 * 3_600_000) });
      assert.deepEqual(
        recent.map((o) => o.content),
        ['Card refunds failing again'],
      );
      assert.equal((await obs.query({ scope, type: 'deploy' })).length, 2);
      assert.equal((await obs.query({ scope, agent: 'a2' })).length, 1);
      assert.equal((await obs.query({ scope, until: new Date(T0.getTime() + 1) })).length, 1);
      const words = await obs.query({ scope, text: 'refund' });
      assert.deepEqual(
        words.map((o) => o.content),
        ['Card refunds failing again', 'Refunds are timing out'],
      );
      assert.equal((await obs.query({ scope, text: 'refund -card' })).length, 1, 'websearch syntax');
      assert.equal((await obs.query({ scope, limit: 2 })).length, 2);
      assert.equal((await obs.query({ scope: { tenant: 'nobody' }, subject: 'payments' })).length, 0);
    });

    it('rejects bad input with the field at fault, store unchanged', async () => {
      const count = async () =>
        (await ctx.db().query<{ n: number }>('select count(*)::int as n from episodes')).rows[0].n;
      const before = await count();
      await assert.rejects(obs.observe({ subject: '', type: 't' }), {
        code: 'invalid_input',
        field: 'subject',
      });
      await assert.rejects(obs.observe({ subject: 's' } as never), { code: 'invalid_input', field: 'type' });
      await assert.rejects(obs.observe({ subject: 's', type: 't', payload: [1] as never }), {
        field: 'payload',
      });
      await assert.rejects(obs.observe({ subject: 's', type: 't', importance: 11 }), { field: 'importance' });
      await assert.rejects(
        obs.subscribe({ cursor: -1 }, () => {}),
        { code: 'invalid_input', field: 'cursor' },
      );
      await assert.rejects(obs.query({ since: 'yesterday' as never }), {
        code: 'invalid_input',
        field: 'since',
      });
      await assert.rejects(obs.query({ limit: 0 }), { code: 'invalid_input', field: 'limit' });
      assert.equal(await count(), before);
    });
  },
  { start: T0 },
);
