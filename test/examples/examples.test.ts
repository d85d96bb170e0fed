/**
 * The three examples of examples/ (what `npm run example:langgraph`, `example:ai-sdk` and
 * `example:swarm` run), each against its scripted local LLM server, on one memory of the
 * built package: PostgreSQL when the suite has one (cheaper than a PGlite per example),
 * else embedded PGlite.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createMemory, type LocalMemory } from 'mnemo';
import { main as aiSdk } from '../../examples/ai-sdk-agent.js';
import { main as langgraph } from '../../examples/langgraph-agent.js';
import { main as swarm } from '../../examples/swarm.js';
import { createTestDatabase, PG_URL } from '../support/backends.js';

describe(`examples [${PG_URL ? 'postgres' : 'pglite'}]`, () => {
  let memory: LocalMemory;
  let drop = async () => {};
  const log = () => {};
  before(async () => {
    const pg = PG_URL ? await createTestDatabase('mnemo_ex') : null;
    if (pg) drop = pg.drop;
    memory = await createMemory({
      ...(pg ? { databaseUrl: pg.url } : { dataDir: ':memory:' }),
      embedder: null,
      indexer: false,
    });
  });
  after(async () => {
    await memory?.close();
    await drop();
  });

  it('each has its npm script', () => {
    const scripts = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).scripts;
    assert.equal(scripts['example:langgraph'], 'tsx examples/langgraph-agent.ts');
    assert.equal(scripts['example:ai-sdk'], 'tsx examples/ai-sdk-agent.ts');
    assert.equal(scripts['example:swarm'], 'tsx examples/swarm.ts');
  });

  it('langgraph: a fact told in one thread answers a question in another', async () => {
    const r = await langgraph({ memory, log });
    assert.equal(r.answer, 'assistant: Your favourite colour is teal.');
    assert.ok(r.steps >= 4, `${r.steps} checkpoints`);
    assert.ok(r.recalled.some((c) => c.includes('my favourite colour is teal')));
  });

  it('ai-sdk: the model remembers, then the context block and recall bring it back', async () => {
    const r = await aiSdk({ memory, log });
    assert.equal(r.first, 'Noted: vegetarian, no peanuts.');
    assert.equal(r.second, 'A peanut-free vegetable curry.');
    assert.deepEqual(r.facts, ['Ada is vegetarian and allergic to peanuts']);
    assert.match(r.system, /<memory>[\s\S]*peanuts/);
  });

  it('swarm: two workers claim different tasks, complete them and tell the planner', async () => {
    const r = await swarm({ memory, log });
    assert.deepEqual(
      r.tasks.map((t) => [t.status, t.claimedBy, (t.payload as { city: string }).city]).sort(),
      [
        ['done', 'scout-a', 'Lisbon'],
        ['done', 'scout-b', 'Oslo'],
      ],
    );
    assert.deepEqual(r.observations.map((o) => o.agent).sort(), ['scout-a', 'scout-b']);
  });
});
