/** Brain, episodes, facts, decisions and sessions over HTTP, through a real socket, on both backends. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

type Res = Awaited<ReturnType<TestServer['call']>>;
const NO_ID = '00000000-0000-4000-8000-000000000000';

/** Asserts the status (showing the body when it differs) and returns the body. */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
function expectStatus(r: Res, status: number): any {
  assert.equal(r.status, status, `${status} expected, got ${r.status}: ${r.text}`);
  return r.body;
}

/** Asserts a 400 invalid_input naming `field`. */
function expectField(r: Res, field: string): void {
  const body = expectStatus(r, 400);
  assert.equal(body.error.code, 'invalid_input');
  assert.equal(body.error.field, field, r.text);
}

describeBackends('http routes: brain, episodes, facts, decisions, sessions', (ctx) => {
  let t: TestServer;
  let key: string;
  const call = (path: string, method = 'GET', json?: unknown) => t.call(path, { key, method, json });
  before(async () => {
    t = await startServer(ctx.db());
    key = await t.key({ scopes: ['read', 'write'] });
  });
  after(() => t.close());

  it('brain: put, get, list, history, delete', async () => {
    const set = expectStatus(
      await call('/v1/brain/identity.name?user=alice', 'PUT', { value: { first: 'Ada' }, priority: 8 }),
      200,
    );
    assert.deepEqual([set.key, set.user, set.tenant, set.version], ['identity.name', 'alice', 'acme', 1]);
    assert.match(set.createdAt, /^\d{4}-\d\d-\d\dT/);
    const again = await call('/v1/brain/identity.name', 'PUT', {
      scope: { user: 'alice' },
      value: 'Ada L.',
      expectedVersion: 1,
    });
    assert.equal(expectStatus(again, 200).version, 2);
    const got = expectStatus(await call('/v1/brain/identity.name?user=alice'), 200);
    assert.equal(got.value, 'Ada L.');
    expectStatus(await call('/v1/brain/identity.age?user=alice', 'PUT', { value: 36 }), 200);
    expectStatus(await call('/v1/brain/session.task?user=alice', 'PUT', { value: 'T-1' }), 200);
    const list = expectStatus(await call('/v1/brain?user=alice&prefix=identity.*'), 200);
    assert.deepEqual(
      list.items.map((e: { key: string }) => e.key),
      ['identity.age', 'identity.name'],
    );
    const history = expectStatus(await call('/v1/brain/identity.name/history?user=alice'), 200);
    assert.deepEqual(
      history.items.map((h: { newValue: unknown }) => h.newValue),
      [{ first: 'Ada' }, 'Ada L.'],
    );
    expectStatus(await call('/v1/brain/identity.name?user=alice&expectedVersion=9', 'DELETE'), 409);
    assert.deepEqual(expectStatus(await call('/v1/brain/identity.name?user=alice', 'DELETE'), 200), {
      deleted: true,
    });
    expectStatus(await call('/v1/brain/identity.name?user=alice'), 404);
    expectStatus(await call('/v1/brain/identity.name?user=alice', 'DELETE'), 404);
  });

  it('brain: 404 for a key of another user, 400 naming the field', async () => {
    expectStatus(await call('/v1/brain/session.task?user=bob'), 404);
    const bad = await call('/v1/brain/a..b', 'PUT', { value: 1 });
    expectField(bad, 'key');
    assert.equal(bad.body.error.details.in, 'path');
    expectField(await call('/v1/brain/x.y', 'PUT', { value: 1, priority: 11 }), 'priority');
    expectField(await call('/v1/brain/x.y', 'PUT', { value: 1, valeu: 1 }), 'valeu');
    expectField(
      await call('/v1/brain/x.y', 'PUT', { value: 1, ttlSeconds: 5, expiresAt: '2030-01-01' }),
      'ttlSeconds',
    );
    expectField(await call('/v1/brain?limit=zero'), 'limit');
    expectField(await call('/v1/brain/x.y?user=a', 'PUT', { value: 1, scope: { user: 'b' } }), 'scope.user');
  });

  it('episodes: append one and a batch, list with filters and cursors, get', async () => {
    const one = expectStatus(
      await call('/v1/episodes?user=alice&session=s1', 'POST', { content: 'deployed v2', tags: ['deploy'] }),
      201,
    );
    assert.deepEqual([one.user, one.session, one.role, one.tags], ['alice', 's1', 'user', ['deploy']]);
    const batch = expectStatus(
      await call('/v1/episodes', 'POST', {
        scope: { user: 'alice', session: 's1' },
        episodes: [
          { content: 'first', importance: 2 },
          { content: 'second', importance: 9, role: 'assistant' },
        ],
      }),
      201,
    );
    assert.equal(batch.items.length, 2);
    const page1 = expectStatus(await call('/v1/episodes?user=alice&session=s1&limit=2'), 200);
    assert.equal(page1.items.length, 2);
    assert.ok(page1.nextCursor);
    const page2 = expectStatus(
      await call(`/v1/episodes?user=alice&session=s1&limit=2&cursor=${encodeURIComponent(page1.nextCursor)}`),
      200,
    );
    assert.equal(page2.items.length, 1);
    assert.equal(page2.nextCursor, null);
    const ids = [...page1.items, ...page2.items].map((e: { id: string }) => e.id).sort();
    assert.deepEqual(ids, [one.id, ...batch.items.map((e: { id: string }) => e.id)].sort());
    const important = expectStatus(await call('/v1/episodes?user=alice&minImportance=8&role=assistant'), 200);
    assert.deepEqual(
      important.items.map((e: { content: string }) => e.content),
      ['second'],
    );
    const tagged = expectStatus(await call('/v1/episodes?user=alice&tags=deploy&includeArchived=false'), 200);
    assert.deepEqual(
      tagged.items.map((e: { id: string }) => e.id),
      [one.id],
    );
    assert.equal(expectStatus(await call(`/v1/episodes/${one.id}`), 200).content, 'deployed v2');
  });

  it('episodes: 404 and 400 naming the field', async () => {
    expectStatus(await call(`/v1/episodes/${NO_ID}`), 404);
    expectField(await call('/v1/episodes/not-a-uuid'), 'id');
    expectField(await call('/v1/episodes', 'POST', { content: 'x', importance: 'high' }), 'importance');
    expectField(
      await call('/v1/episodes', 'POST', { episodes: [{ content: 'ok' }, { content: '' }] }),
      'episodes.1.content',
    );
    expectField(await call('/v1/episodes', 'POST', { conten: 'x' }), 'conten'); // the misspelt field headlines
    expectField(await call('/v1/episodes', 'POST', {}), 'content');
    expectField(await call('/v1/episodes?minImportance=11'), 'minImportance');
    expectField(await call('/v1/episodes?includeArchived=maybe'), 'includeArchived');
    expectField(await call('/v1/episodes?since=yesterday'), 'since');
  });

  it('facts: assert, list, get, supersede, chain, invalidate', async () => {
    const f = expectStatus(
      await call('/v1/facts?user=alice', 'POST', { subject: 'alice.city', content: 'Alice lives in Lyon' }),
      201,
    );
    assert.equal(f.current, true);
    const sup = expectStatus(
      await call(`/v1/facts/${f.id}/supersede?user=alice`, 'POST', {
        fact: { content: 'Alice lives in Paris' },
      }),
      200,
    );
    assert.equal(sup.old.supersededBy, sup.new.id);
    assert.equal(sup.new.subject, 'alice.city');
    const chain = expectStatus(await call(`/v1/facts/${sup.new.id}/chain?user=alice`), 200);
    assert.deepEqual(
      chain.items.map((x: { content: string }) => x.content),
      ['Alice lives in Lyon', 'Alice lives in Paris'],
    );
    const current = expectStatus(await call('/v1/facts?user=alice&subject=alice.city'), 200);
    assert.deepEqual(
      current.items.map((x: { id: string }) => x.id),
      [sup.new.id],
    );
    const all = expectStatus(await call('/v1/facts?user=alice&subject=alice.city&includeHistory=true'), 200);
    assert.equal(all.items.length, 2);
    const inv = expectStatus(
      await call(`/v1/facts/${sup.new.id}/invalidate?user=alice`, 'POST', { reason: 'moved' }),
      200,
    );
    assert.equal(inv.current, false);
    expectStatus(await call(`/v1/facts/${sup.new.id}/invalidate?user=alice`, 'POST', {}), 409);
    assert.equal(
      expectStatus(await call(`/v1/facts/${f.id}?user=alice`), 200).content,
      'Alice lives in Lyon',
    );
  });

  it('facts: 404 and 400 naming the field', async () => {
    expectStatus(await call(`/v1/facts/${NO_ID}`), 404);
    expectStatus(await call(`/v1/facts/${NO_ID}/chain`), 404);
    expectStatus(await call(`/v1/facts/${NO_ID}/supersede`, 'POST', { fact: { content: 'x' } }), 404);
    expectStatus(await call(`/v1/facts/${NO_ID}/invalidate`, 'POST', {}), 404);
    expectField(await call('/v1/facts', 'POST', { content: 'x', confidence: 2 }), 'confidence');
    expectField(await call(`/v1/facts/${NO_ID}/supersede`, 'POST', {}), 'fact');
    expectField(await call(`/v1/facts/${NO_ID}/supersede`, 'POST', { fact: { content: 1 } }), 'fact.content');
    expectField(await call('/v1/facts?asOf=never'), 'asOf');
    expectField(await call('/v1/facts?kind=episodic'), 'kind');
  });

  it('decisions: record, list, get, resolve, lessons', async () => {
    const d = expectStatus(
      await call('/v1/decisions', 'POST', {
        subject: 'db',
        context: 'pick a store',
        alternatives: ['sqlite', { option: 'postgres', pros: ['concurrency'] }],
        chosen: 'postgres',
      }),
      201,
    );
    assert.equal(d.status, 'pending');
    const list = expectStatus(await call('/v1/decisions?status=pending&subject=db'), 200);
    assert.deepEqual(
      list.items.map((x: { id: string }) => x.id),
      [d.id],
    );
    const resolved = expectStatus(
      await call(`/v1/decisions/${d.id}/resolve`, 'POST', {
        status: 'success',
        lessons: 'postgres held the load',
        feedback: 'positive',
      }),
      200,
    );
    assert.equal(resolved.status, 'success');
    assert.match(resolved.resolvedAt, /^\d{4}-/);
    expectStatus(await call(`/v1/decisions/${d.id}/resolve`, 'POST', { status: 'failure' }), 409);
    const lessons = expectStatus(await call('/v1/decisions/lessons?subject=db'), 200);
    assert.deepEqual(
      lessons.items.map((x: { lessons: string }) => x.lessons),
      ['postgres held the load'],
    );
    assert.equal(expectStatus(await call(`/v1/decisions/${d.id}`), 200).chosen, 'postgres');
    expectStatus(await call(`/v1/decisions/${NO_ID}`), 404);
    expectStatus(await call(`/v1/decisions/${NO_ID}/resolve`, 'POST', { status: 'success' }), 404);
    expectField(await call('/v1/decisions', 'POST', { context: 'x' }), 'chosen');
    expectField(await call(`/v1/decisions/${d.id}/resolve`, 'POST', { status: 'great' }), 'status');
    expectField(await call('/v1/decisions?limit=0'), 'limit');
  });

  it('sessions: start, end, list, get', async () => {
    const s = expectStatus(await call('/v1/sessions?user=alice', 'POST'), 201);
    assert.match(s.id, /^[0-9a-f-]{36}$/);
    const named = expectStatus(
      await call('/v1/sessions', 'POST', { id: 'run-42', metadata: { ch: 'slack' } }),
      201,
    );
    assert.deepEqual([named.id, named.metadata], ['run-42', { ch: 'slack' }]);
    expectStatus(await call('/v1/sessions', 'POST', { id: 'run-42' }), 409);
    const ended = expectStatus(await call('/v1/sessions/run-42/end', 'POST', { summary: 'shipped' }), 200);
    assert.equal(ended.summary, 'shipped');
    expectStatus(await call('/v1/sessions/run-42/end', 'POST', {}), 409);
    const active = expectStatus(await call('/v1/sessions?user=alice&active=true'), 200);
    assert.deepEqual(
      active.items.map((x: { id: string }) => x.id),
      [s.id],
    );
    assert.equal(expectStatus(await call('/v1/sessions/run-42'), 200).endedAt, ended.endedAt);
    expectStatus(await call('/v1/sessions/no-such-session'), 404);
    expectStatus(await call('/v1/sessions/no-such-session/end', 'POST'), 404);
    expectField(await call('/v1/sessions', 'POST', { metadata: [1] }), 'metadata');
    expectField(await call('/v1/sessions?active=yes'), 'active');
  });
});
