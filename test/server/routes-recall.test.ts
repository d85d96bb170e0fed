/** Recall, context, remember, ingest and consolidate over HTTP, through a real socket, on both backends. */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

type Res = Awaited<ReturnType<TestServer['call']>>;

// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
function expectStatus(r: Res, status: number): any {
  assert.equal(r.status, status, `${status} expected, got ${r.status}: ${r.text}`);
  return r.body;
}

function expectField(r: Res, field: string): void {
  const body = expectStatus(r, 400);
  assert.equal(body.error.code, 'invalid_input');
  assert.equal(body.error.field, field, r.text);
}

describeBackends('http routes: recall, context, remember, ingest, consolidate', (ctx) => {
  let t: TestServer;
  let key: string;
  const call = (path: string, method = 'GET', json?: unknown, as = key) =>
    t.call(path, { key: as, method, json });
  before(async () => {
    t = await startServer(ctx.db());
    key = await t.key({ scopes: ['read', 'write'] });
  });
  after(() => t.close());

  it('remember: text as a fact, a fact, an episode', async () => {
    const text = expectStatus(
      await call('/v1/remember?user=alice', 'POST', {
        text: 'Alice is allergic to peanuts',
        subject: 'alice.allergy',
        category: 'fact',
      }),
      201,
    );
    assert.deepEqual([text.kind, text.fact.user, text.fact.subject], ['fact', 'alice', 'alice.allergy']);
    const fact = expectStatus(
      await call('/v1/remember', 'POST', {
        scope: { user: 'alice' },
        fact: { content: 'Alice likes tea', category: 'preference' },
      }),
      201,
    );
    assert.equal(fact.fact.category, 'preference');
    const ep = expectStatus(
      await call('/v1/remember?user=alice', 'POST', { episode: { content: 'Alice booked a trip to Kyoto' } }),
      201,
    );
    assert.deepEqual([ep.kind, ep.episode.content], ['episode', 'Alice booked a trip to Kyoto']);
    expectField(await call('/v1/remember', 'POST', {}), 'text');
    expectField(await call('/v1/remember', 'POST', { text: 'a', episode: { content: 'b' } }), 'episode');
    expectField(await call('/v1/remember', 'POST', { text: 'a', confidence: 3 }), 'confidence');
  });

  it('ingest: stores the turns at once; extraction is skipped without an LLM', async () => {
    const r = expectStatus(
      await call('/v1/ingest?user=alice', 'POST', {
        session: 'chat-1',
        messages: [
          { role: 'user', content: 'I moved to Lyon last spring.' },
          { role: 'assistant', content: 'Noted: Lyon.' },
        ],
      }),
      201,
    );
    assert.deepEqual(
      r.episodes.map((e: { role: string; session: string; user: string }) => [e.role, e.session, e.user]),
      [
        ['user', 'chat-1', 'alice'],
        ['assistant', 'chat-1', 'alice'],
      ],
    );
    assert.equal(r.extraction.status, 'skipped');
    expectField(await call('/v1/ingest', 'POST', { messages: [] }), 'messages');
    expectField(
      await call('/v1/ingest', 'POST', { messages: [{ role: 'robot', content: 'x' }] }),
      'messages.0.role',
    );
  });

  it('recall: ranks what matches the query, with scores on request', async () => {
    const r = expectStatus(
      await call('/v1/recall?user=alice', 'POST', { query: 'peanuts allergy', k: 5, explain: true }),
      200,
    );
    assert.equal(r.usedVector, false);
    assert.ok(r.items.length >= 1, 'found something');
    assert.equal(r.items[0].content, 'Alice is allergic to peanuts');
    assert.equal(typeof r.items[0].scores.text, 'number');
    assert.match(r.items[0].occurredAt, /^\d{4}-/);
    const episodes = expectStatus(
      await call('/v1/recall?user=alice', 'POST', {
        query: 'Lyon',
        kinds: ['episode'],
        filters: { session: 'chat-1' },
      }),
      200,
    );
    assert.ok(episodes.items.length >= 1);
    assert.ok(episodes.items.every((i: { kind: string }) => i.kind === 'episode'));
    const other = expectStatus(await call('/v1/recall?user=bob', 'POST', { query: 'peanuts' }), 200);
    assert.deepEqual(other.items, [], "another user's memories are not recalled");
    expectField(await call('/v1/recall', 'POST', { query: '' }), 'query');
    expectField(await call('/v1/recall', 'POST', { query: 'x', k: 1000 }), 'k');
    expectField(await call('/v1/recall', 'POST', { query: 'x', kinds: ['dream'] }), 'kinds.0');
  });

  it('context: a block within the token budget', async () => {
    const r = expectStatus(
      await call('/v1/context?user=alice', 'POST', {
        query: 'what should I cook for Alice',
        tokenBudget: 500,
      }),
      200,
    );
    assert.ok(r.tokens <= 500);
    assert.match(r.text, /peanuts/);
    assert.ok(r.items.length >= 1);
    expectField(await call('/v1/context', 'POST', { tokenBudget: 10 }), 'tokenBudget');
  });

  it('consolidate: merges duplicate facts; without an LLM nothing is archived', async () => {
    const r = expectStatus(await call('/v1/consolidate?user=alice', 'POST', { olderThanSeconds: 60 }), 200);
    assert.equal(r.archived, 0);
    assert.equal(r.skipped, 'no LLM configured');
    expectStatus(await call('/v1/consolidate', 'POST'), 200);
    expectField(await call('/v1/consolidate', 'POST', { olderThanSeconds: -5 }), 'olderThanSeconds');
    expectField(await call('/v1/consolidate', 'POST', { llm: null }), 'llm');
  });
});
