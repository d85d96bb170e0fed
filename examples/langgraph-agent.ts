/**
 * A LangGraph.js agent on mnemo: the checkpointer keeps each conversation thread (every
 * step, resumable), the store keeps what the agent learns about a user across threads, as
 * mnemo memories (recall, export and the dashboard see them). Run: npm run example:langgraph
 */
import { Annotation, END, type LangGraphRunnableConfig, START, StateGraph } from '@langchain/langgraph';
import { createMemory, type LocalMemory } from 'mnemo';
import { MnemoCheckpointSaver, MnemoStore } from 'mnemo/langgraph';
import { chatCompletion, isMain, startFakeOpenAiServer, systemMessage } from './scripted-llm.js';

const State = Annotation.Root({
  user: Annotation<string>(),
  messages: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  memories: Annotation<string[]>(),
});

/** One chat completion from an OpenAI-compatible endpoint (use your provider's client in real code). */
async function chat(baseUrl: string, system: string, user: string): Promise<string> {
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'scripted',
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: user },
      ],
    }),
  });
  const body = (await res.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? '';
}

export function buildGraph(memory: LocalMemory, llmUrl: string) {
  const lastMessage = (s: typeof State.State) => s.messages[s.messages.length - 1] ?? '';
  return new StateGraph(State)
    .addNode('load_memories', async (s, config: LangGraphRunnableConfig) => {
      const found = await config.store?.search(['memories', s.user], { query: lastMessage(s), limit: 3 });
      return { memories: (found ?? []).map((i) => String(i.value.text)) };
    })
    .addNode('respond', async (s) => {
      const system = `You are a helpful assistant. What you know about the user:\n${s.memories.map((m) => `- ${m}`).join('\n')}`;
      return { messages: [`assistant: ${await chat(llmUrl, system, lastMessage(s))}`] };
    })
    .addNode('save_memory', async (s, config: LangGraphRunnableConfig) => {
      const said = s.messages.findLast((m) => m.startsWith('user: ')) ?? '';
      const fact = /remember:?\s*(.*)$/i.exec(said)?.[1];
      if (fact) await config.store?.put(['memories', s.user], `m${Date.now()}`, { text: fact });
      return {};
    })
    .addEdge(START, 'load_memories')
    .addEdge('load_memories', 'respond')
    .addEdge('respond', 'save_memory')
    .addEdge('save_memory', END)
    .compile({
      checkpointer: new MnemoCheckpointSaver({ memory, tenant: 'example-langgraph' }),
      store: new MnemoStore({ memory, scope: { tenant: 'example-langgraph' } }),
    });
}

export async function main(opts: { memory?: LocalMemory; log?: (line: string) => void } = {}) {
  const log = opts.log ?? console.log;
  const memory = opts.memory ?? (await createMemory({ dataDir: ':memory:', embedder: null }));
  const llm = await startFakeOpenAiServer();
  llm.enqueue('chat', chatCompletion("Got it, I'll remember that."), (req) =>
    chatCompletion(systemMessage(req).includes('teal') ? 'Your favourite colour is teal.' : 'I do not know.'),
  );
  try {
    const graph = buildGraph(memory, llm.baseUrl);
    const say = async (thread: string, text: string) => {
      const out = await graph.invoke(
        { user: 'grace', messages: [`user: ${text}`] },
        { configurable: { thread_id: thread } },
      );
      const reply = out.messages[out.messages.length - 1] as string;
      log(`[${thread}] user: ${text}\n[${thread}] ${reply}`);
      return reply;
    };
    await say('monday', 'Remember: my favourite colour is teal');
    // another thread: nothing of Monday's conversation, but the store remembers the user
    const answer = await say('tuesday', 'What is my favourite colour?');
    let steps = 0;
    for await (const _ of new MnemoCheckpointSaver({ memory, tenant: 'example-langgraph' }).list({
      configurable: { thread_id: 'monday' },
    }))
      steps++;
    const recalled = await memory.recall({
      scope: { tenant: 'example-langgraph' },
      query: 'favourite colour',
    });
    log(
      `checkpoints of thread monday: ${steps}; recall finds: ${recalled.items.map((i) => i.content).join(' | ')}`,
    );
    return { answer, steps, recalled: recalled.items.map((i) => i.content) };
  } finally {
    await llm.close();
    if (!opts.memory) await memory.close();
  }
}

if (isMain(import.meta.url)) await main();
