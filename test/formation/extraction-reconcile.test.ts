// Extraction and reconciliation through the formation worker, against a fake
// OpenAI-compatible server over a real socket, on both backends.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { systemClock } from '../../src/clock.js';
import type { Task } from '../../src/coordination/tasks-schema.js';
import { EXTRACT_QUEUE, type FormationDeps } from '../../src/formation/extraction-schema.js';
import { startFormationWorker } from '../../src/formation/formation-worker.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { waitFor } from '../coordination/wait.js';
import { describeBackends } from '../support/backends.js';
import {
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

const conversation = [
  { role: 'user' as const, content: "Hi, I'm Alice. I live in Lyon." },
  { role: 'assistant' as const, content: 'Nice to meet you, Alice!' },
  { role: 'user' as const, content: "I'm vegetarian, and please always answer me in French." },
  { role: 'assistant' as const, content: "D'accord !" },
];

const candidates = {
  candidates: [
    {
      kind: 'semantic',
      category: 'fact',
      subject: 'user.city',
      content: 'The user lives in Lyon.',
      confidence: 0.9,
      sourceTurns: [0],
    },
    {
      kind: 'semantic',
      category: 'preference',
      subject: 'user.diet',
      content: 'The user is vegetarian.',
      confidence: 0.9,
      sourceTurns: [2],
    },
    {
      kind: 'procedural',
      category: 'rule',
      subject: 'assistant.language',
      content: 'Always answer the user in French.',
      confidence: 1,
      sourceTurns: [2, 2],
    },
  ],
};

describeBackends('extraction and reconciliation', (ctx) => {
  let server: FakeOpenAiServer;
  let mem: LocalMemory;
  let deps: FormationDeps;

  before(async () => {
    server = await startFakeOpenAiServer();
    const llm = createLlmClient({
      baseUrl: server.baseUrl,
      model: 'fake-model',
      maxRetries: 1,
      retryBaseDelayMs: 1,
      maxRetryDelayMs: 5,
    });
    mem = await createMemory({ db: ctx.db(), llm, embedder: null, indexer: false });
    deps = { ...mem, clock: systemClock, llm };
  });
  after(async () => {
    await mem.close();
    await server.close();
  });

  /** Runs the formation worker until the task is done or failed (or waits for a retry). */
  async function settle(tenant: string, id: string, d: FormationDeps = deps): Promise<Task> {
    const errors: unknown[] = [];
    const w = startFormationWorker(d, { pollIntervalMs: 20, onError: (e) => errors.push(e) });
    let t: Task | undefined;
    try {
      await waitFor(
        async () => {
          t = (await mem.tasks.get({ scope: { tenant }, id })) ?? undefined;
          return t?.status === 'done' || t?.status === 'failed';
        },
        20_000,
        `task ${id}`,
      );
    } finally {
      await w.close();
    }
    assert.deepEqual(errors, []);
    return t as Task;
  }

  it('adds facts with provenance: each fact cites the episodes of the turns that support it', async () => {
    const scope = { tenant: 'x1', user: 'alice', session: 's1' };
    server.enqueue('chat', chatCompletion(candidates));
    const before = server.count('chat');
    const r = await mem.ingest({ scope, messages: conversation });
    assert.equal(r.episodes.length, 4);
    assert.equal(r.extraction.status, 'queued');
    if (r.extraction.status !== 'queued') return;
    const queued = await mem.tasks.get({ scope, id: r.extraction.taskId });
    assert.ok(queued);
    assert.equal(queued.queue, EXTRACT_QUEUE);
    assert.deepEqual(
      (queued.payload as { episodeIds: string[] }).episodeIds,
      r.episodes.map((e) => e.id),
    );

    const t = await settle('x1', r.extraction.taskId);
    assert.equal(t.status, 'done', t.error ?? '');
    assert.deepEqual(
      { ...(t.result as Record<string, unknown>), factIds: undefined },
      {
        added: 3,
        superseded: 0,
        invalidated: 0,
        unchanged: 0,
        candidates: 3,
        factIds: undefined,
        llmRequests: 1,
        missingEpisodes: 0,
      },
    );
    assert.equal(server.count('chat') - before, 1, 'no similar fact: no reconciliation question');

    // The model saw numbered turns and a schema that only admits turns 0..3.
    const req = server.requests('chat').at(-1)?.body;
    const user = req.messages.find((m: { role: string }) => m.role === 'user').content as string;
    assert.match(user, /^\[0\] user: Hi, I'm Alice\. I live in Lyon\.$/m);
    assert.match(user, /^\[3\] assistant: D'accord !$/m);
    assert.match(JSON.stringify(req.response_format), /"maximum":3/);

    const facts = (await mem.facts.list({ scope: { tenant: 'x1', user: 'alice' } })).items;
    const bySubject = new Map(facts.map((f) => [f.subject, f]));
    assert.equal(facts.length, 3);
    const city = bySubject.get('user.city');
    assert.deepEqual(city?.sourceEpisodeIds, [r.episodes[0].id]);
    assert.equal(city?.source, 'extraction');
    assert.equal(city?.session, '', 'facts belong to the user, not to the session');
    assert.deepEqual(bySubject.get('user.diet')?.sourceEpisodeIds, [r.episodes[2].id]);
    assert.equal(bySubject.get('user.diet')?.category, 'preference');
    const rule = bySubject.get('assistant.language');
    assert.deepEqual([rule?.kind, rule?.category], ['procedural', 'rule']);
    assert.deepEqual(rule?.sourceEpisodeIds, [r.episodes[2].id]);
  });

  it('re-ingesting the same conversation costs no LLM request and adds nothing', async () => {
    const scope = { tenant: 'x1', user: 'alice', session: 's2' };
    const before = server.count('chat');
    const r = await mem.ingest({ scope, messages: conversation });
    if (r.extraction.status !== 'queued') throw new Error('extraction was not queued');
    const t = await settle('x1', r.extraction.taskId);
    assert.equal(t.status, 'done', t.error ?? '');
    assert.equal(server.count('chat'), before, 'answered from the cache');
    const res = t.result as Record<string, number>;
    assert.deepEqual([res.added, res.unchanged, res.llmRequests], [0, 3, 0]);
    assert.equal((await mem.facts.list({ scope: { tenant: 'x1' } })).items.length, 3);
    assert.ok((await mem.cache.stats({ scope: { tenant: 'x1' } })).hits >= 1);
  });

  it('a contradicting conversation supersedes the old fact (kept in history) and invalidates another', async () => {
    const owner = { tenant: 'x2', user: 'bob' };
    const lyon = await mem.remember({
      scope: owner,
      fact: { subject: 'user.city', content: 'The user lives in Lyon.' },
    });
    const dog = await mem.remember({
      scope: owner,
      fact: { subject: 'user.pets', content: 'The user has a dog.' },
    });
    if (lyon.kind !== 'fact' || dog.kind !== 'fact') throw new Error('remember stored no fact');
    server.enqueue(
      'chat',
      chatCompletion({
        candidates: [
          {
            kind: 'semantic',
            category: 'fact',
            subject: 'user.city',
            content: 'The user lives in Paris.',
            confidence: 0.95,
            sourceTurns: [0],
          },
          {
            kind: 'semantic',
            category: 'fact',
            subject: 'user.pets',
            content: 'The user no longer has a dog.',
            confidence: 0.9,
            sourceTurns: [2],
          },
        ],
      }),
      chatCompletion({ action: 'SUPERSEDE', target: 0, reason: 'the user moved' }),
      chatCompletion({ action: 'INVALIDATE', target: 0, reason: 'the dog died' }),
    );
    const r = await mem.ingest({
      scope: { ...owner, session: 'later' },
      messages: [
        { role: 'user', content: 'I moved to Paris last month.' },
        { role: 'assistant', content: 'Congratulations on the move!' },
        { role: 'user', content: 'Sadly my dog died, I have no pet now.' },
      ],
    });
    if (r.extraction.status !== 'queued') throw new Error('extraction was not queued');
    const t = await settle('x2', r.extraction.taskId);
    assert.equal(t.status, 'done', t.error ?? '');
    const res = t.result as Record<string, number>;
    assert.deepEqual([res.added, res.superseded, res.invalidated, res.unchanged], [0, 1, 1, 0]);

    // The reconciliation question showed the stored fact.
    const reconcile = server.requests('chat').at(-2)?.body;
    assert.match(JSON.stringify(reconcile.messages), /The user lives in Lyon/);

    const current = (await mem.facts.list({ scope: owner })).items;
    assert.deepEqual(
      current.map((f) => f.content),
      ['The user lives in Paris.'],
    );
    const paris = current[0];
    assert.deepEqual(paris.sourceEpisodeIds, [r.episodes[0].id]);
    assert.equal(paris.source, 'extraction');
    const chain = await mem.facts.chain({ scope: owner, id: paris.id });
    assert.deepEqual(
      chain.map((f) => [f.content, f.current]),
      [
        ['The user lives in Lyon.', false],
        ['The user lives in Paris.', true],
      ],
    );
    assert.equal(chain[0].supersededBy, paris.id);
    const gone = await mem.facts.get({ scope: owner, id: dog.fact.id });
    assert.equal(gone?.current, false);
    assert.match(JSON.stringify(gone?.metadata.invalidation), /the dog died/);
  });

  it('rejects invalid JSON and hallucinated turn numbers, and the retry is written', async () => {
    const scope = { tenant: 'x3', user: 'carol' };
    const good = {
      kind: 'semantic',
      category: 'goal',
      subject: 'user.goal',
      content: 'The user wants to run a marathon.',
      confidence: 0.8,
      sourceTurns: [1],
    };
    server.enqueue(
      'chat',
      chatCompletion('Sure! Here are the facts: none really'),
      chatCompletion({ candidates: [good] }),
      chatCompletion({ candidates: [{ ...good, sourceTurns: [7] }] }),
      chatCompletion({ candidates: [good] }),
    );
    const before = server.count('chat');
    const a = await mem.ingest({
      scope,
      messages: [
        { role: 'assistant', content: 'What are you training for?' },
        { role: 'user', content: 'I want to run a marathon next year.' },
      ],
    });
    if (a.extraction.status !== 'queued') throw new Error('extraction was not queued');
    assert.equal((await settle('x3', a.extraction.taskId)).status, 'done');
    const b = await mem.ingest({
      scope,
      messages: [
        { role: 'assistant', content: 'Any goals this year?' },
        { role: 'user', content: 'Running a marathon is my goal.' },
      ],
    });
    if (b.extraction.status !== 'queued') throw new Error('extraction was not queued');
    const tb = await settle('x3', b.extraction.taskId);
    assert.equal(tb.status, 'done', tb.error ?? '');
    assert.equal(server.count('chat') - before, 4);
    const retry = JSON.stringify(server.requests('chat').at(-1)?.body.messages);
    assert.match(retry, /previous answer was invalid/);
    assert.match(retry, /sourceTurns/);
    const facts = (await mem.facts.list({ scope })).items;
    assert.equal(facts.length, 1, 'the second conversation repeated the same fact');
    assert.deepEqual(facts[0].sourceEpisodeIds, [a.episodes[1].id]);
    assert.equal((tb.result as { unchanged: number }).unchanged, 1);
  });
});
