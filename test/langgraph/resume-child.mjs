// One process of an agent run, for test/langgraph/graph-resume.test.ts: `start` runs a
// StateGraph on the mnemo store and checkpointer until its approval step interrupts, then
// the process exits; `resume` is a new process that compiles the same graph, finds the
// run where it stopped and finishes it. Prints one JSON line. Uses the built package.
import { Annotation, Command, END, interrupt, START, StateGraph } from '@langchain/langgraph';
import { createMemory } from '../../dist/index.js';
import { MnemoCheckpointSaver, MnemoStore } from '../../dist/langgraph/index.js';

const [mode, location] = process.argv.slice(2);
const memory = await createMemory({
  ...(location.startsWith('postgres') ? { databaseUrl: location } : { dataDir: location }),
  embedder: null,
  llm: null,
  indexer: false,
});

const State = Annotation.Root({
  topic: Annotation(),
  log: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

const graph = new StateGraph(State)
  .addNode('plan', (s) => ({ log: [`plan ${s.topic} (pid ${process.pid})`] }))
  .addNode('approve', () => ({ log: [`approved: ${interrupt({ question: 'ship it?' })}`] }))
  .addNode('act', async (s, config) => {
    await config.store.put(['runs', 'decisions'], s.topic, { text: `shipped ${s.topic}`, pid: process.pid });
    return { log: [`act (pid ${process.pid})`] };
  })
  .addEdge(START, 'plan')
  .addEdge('plan', 'approve')
  .addEdge('approve', 'act')
  .addEdge('act', END)
  .compile({
    checkpointer: new MnemoCheckpointSaver({ memory, tenant: 'runs' }),
    store: new MnemoStore({ memory, scope: { tenant: 'runs', user: 'ops' } }),
  });

const config = { configurable: { thread_id: 'release-42' } };
let out;
if (mode === 'start') {
  const result = await graph.invoke({ topic: 'v2' }, config);
  const state = await graph.getState(config);
  out = { interrupts: result.__interrupt__?.map((i) => i.value), next: state.next, log: state.values.log };
} else {
  const before = await graph.getState(config);
  const result = await graph.invoke(new Command({ resume: 'yes' }), config);
  const after = await graph.getState(config);
  const store = new MnemoStore({ memory, scope: { tenant: 'runs', user: 'ops' } });
  const item = await store.get(['runs', 'decisions'], 'v2');
  const recalled = await memory.recall({
    scope: { tenant: 'runs', user: 'ops' },
    query: 'shipped',
    kinds: ['brain'],
  });
  out = {
    nextBefore: before.next,
    log: result.log,
    nextAfter: after.next,
    item: item?.value,
    recalled: recalled.items.map((i) => i.id),
    pid: process.pid,
  };
}
await memory.close();
console.log(JSON.stringify(out));
