/**
 * mnemo's AI SDK tools in a real `generateText` call against a local server speaking the
 * OpenAI API with scripted answers: the model remembers, then recalls; what it said is in
 * the memory; an attempt to pass another scope (or a budget) is refused; the context block
 * goes into the system prompt. Both backends.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs } from 'ai';
import { memorySystemPrompt, memoryTools } from '../../src/ai-sdk/index.js';
import { fixedClock } from '../../src/clock.js';
import { MnemoError } from '../../src/errors.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';
import {
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';
import { toolCall } from '../support/fake-openai-tools.js';

const ALICE = { tenant: 'acme', user: 'alice', agent: 'support' };

describeBackends('ai-sdk memory tools', (ctx) => {
  let mem: LocalMemory;
  let server: FakeOpenAiServer;
  before(async () => {
    mem = await createMemory({
      db: ctx.db(),
      clock: fixedClock(new Date('2026-03-01T00:00:00Z')),
      embedder: null,
      llm: null,
      indexer: false,
    });
    server = await startFakeOpenAiServer();
  });
  after(async () => {
    await mem.close();
    await server.close();
  });
  const model = () =>
    createOpenAICompatible({ name: 'fake', baseURL: server.baseUrl }).chatModel('fake-model');

  it('remembers then recalls through generateText; another scope is refused', async () => {
    server.reset();
    server.enqueue(
      'chat',
      toolCall('remember', { text: 'Alice prefers green tea with her breakfast' }),
      toolCall('recall', { query: 'green tea' }),
      toolCall('remember', { text: 'Bob owes money', scope: { user: 'bob' } }),
      toolCall('context', { query: 'tea', tokenBudget: 100_000 }),
      chatCompletion('You prefer green tea.'),
    );
    const tools = memoryTools({ memory: mem, scope: ALICE, tokenBudget: 300 });
    const result = await generateText({
      model: model(),
      tools,
      stopWhen: stepCountIs(6),
      prompt: 'Remember that I prefer green tea with breakfast, then tell me what I like.',
    });
    assert.equal(result.text, 'You prefer green tea.');
    const steps = result.steps;
    assert.equal(steps.length, 5);

    // 1: remember stored a fact in Alice's scope, authored by the agent
    const facts = await mem.facts.list({ scope: { tenant: 'acme', user: 'alice' } });
    assert.deepEqual(
      facts.items.map((f) => [f.content, f.user, f.agent]),
      [['Alice prefers green tea with her breakfast', 'alice', 'support']],
    );
    // 2: recall found it and gave it back to the model
    const recalled = steps[1]?.toolResults[0];
    assert.equal(recalled?.toolName, 'recall');
    assert.match(String(recalled?.output), /green tea/);
    // 3: the attempt to write in Bob's scope was refused before anything ran
    const refused = steps[2]?.content.find((p) => p.type === 'tool-error');
    assert.ok(refused, 'the call with a scope is a tool error');
    assert.match(String((refused as { error: unknown }).error), /scope|Unrecognized|unrecognized/);
    assert.equal((await mem.facts.list({ scope: { tenant: 'acme', user: 'bob' } })).items.length, 0);
    assert.equal((await mem.facts.list({ scope: { tenant: 'acme' } })).items.length, 1);
    // 4: a budget from the model is refused too
    assert.ok(steps[3]?.content.some((p) => p.type === 'tool-error'));

    // what the model was offered: no scope, no budget, the fixed tool set
    const offered = server.requests('chat')[0]?.body.tools as {
      function: { name: string; parameters: { properties: object } };
    }[];
    assert.deepEqual(
      offered.map((t) => t.function.name),
      [
        'remember',
        'recall',
        'context',
        'brain_get',
        'brain_set',
        'facts_assert',
        'fact_supersede',
        'task_claim',
        'task_complete',
        'observe',
      ],
    );
    for (const t of offered) {
      assert.ok(!('scope' in t.function.parameters.properties), `${t.function.name} offers no scope`);
      assert.ok(!('tokenBudget' in t.function.parameters.properties), `${t.function.name} offers no budget`);
    }
  });

  it('limits the tool set with allow, and runs brain, facts, tasks and observe tools in the scope', async () => {
    const tools = memoryTools({ memory: mem, scope: ALICE, allow: ['recall', 'context'] });
    assert.deepEqual(Object.keys(tools), ['recall', 'context']);
    assert.throws(
      () => memoryTools({ memory: mem, scope: ALICE, allow: ['purge' as never] }),
      (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input',
    );
    const all = memoryTools({ memory: mem, scope: ALICE });
    const exec = (name: string, input: unknown) =>
      // biome-ignore lint/suspicious/noExplicitAny: calling a tool's execute directly, as the SDK does
      (all[name] as any).execute(input, { toolCallId: name, messages: [] });
    await exec('brain_set', { key: 'identity.name', value: 'Alice' });
    assert.deepEqual((await exec('brain_get', { key: 'identity.name' })).found, true);
    assert.equal((await mem.brain.get({ scope: ALICE, key: 'identity.name' }))?.value, 'Alice');
    const fact = await exec('facts_assert', { content: 'Alice lives in Lyon' });
    const next = await exec('fact_supersede', { id: fact.id, fact: { content: 'Alice lives in Paris' } });
    assert.equal(next.new.content, 'Alice lives in Paris');
    assert.equal(next.old.supersededBy, next.new.id);
    await mem.tasks.create({ scope: ALICE, queue: 'support', payload: { ticket: 7 } });
    const claimed = await exec('task_claim', { queue: 'support' });
    assert.deepEqual(claimed.task.payload, { ticket: 7 });
    const done = await exec('task_complete', { id: claimed.task.id, result: { ok: true } });
    assert.equal(done.status, 'done');
    await exec('observe', { subject: 'ticket-7', type: 'solved', content: 'ticket 7 solved' });
    const seen = await mem.observations.query({ scope: { tenant: 'acme' }, subject: 'ticket-7' });
    assert.deepEqual(
      seen.map((o) => [o.agent, o.user, o.content]),
      [['support', 'alice', 'ticket 7 solved']],
    );
  });

  it('puts the context block into a call’s system prompt', async () => {
    server.reset();
    const scope = { ...ALICE, user: 'carol' };
    await mem.remember({ scope, text: 'Carol drinks green tea at work' });
    server.enqueue('chat', chatCompletion('Green tea, as usual.'));
    const system = await memorySystemPrompt({
      memory: mem,
      scope,
      query: 'what tea?',
      tokenBudget: 500,
      system: 'You are a support agent.',
    });
    assert.match(system, /^You are a support agent\.\n\n<memory>\n[\s\S]*green tea[\s\S]*<\/memory>$/);
    const result = await generateText({ model: model(), system, prompt: 'what tea?' });
    assert.equal(result.text, 'Green tea, as usual.');
    const sent = server.requests('chat').at(-1)?.body.messages[0];
    assert.equal(sent.role, 'system');
    assert.match(sent.content, /green tea/);
  });
});
