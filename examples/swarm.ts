/**
 * A two-agent swarm on one mnemo memory: a planner queues tasks; two AI SDK workers each
 * claim the next task with the task_claim tool (a claim is atomic: no task goes to both),
 * complete it, and publish what they found with observe; the planner then reads the
 * observations. Run: npm run example:swarm
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs } from 'ai';
import { createMemory, type Memory } from 'mnemo';
import { memoryTools } from 'mnemo/ai-sdk';
import {
  chatCompletion,
  isMain,
  type Responder,
  startFakeOpenAiServer,
  toolCall,
  toolResults,
} from './scripted-llm.js';

const TENANT = 'example-swarm';

/** The scripted worker model: claim, complete the claimed task, observe, answer. */
function workerScript(agent: string): Responder[] {
  const claimed = (req: Parameters<Extract<Responder, (...a: never[]) => unknown>>[0]) =>
    JSON.parse(toolResults(req)[0] ?? '{}').task as { id: string; payload: { city: string } } | null;
  return [
    toolCall('task_claim', { queue: 'research', leaseSeconds: 60 }),
    (req) => {
      const task = claimed(req);
      return task
        ? toolCall('task_complete', { id: task.id, result: { summary: `${task.payload.city}: sunny` } })
        : chatCompletion('Nothing to do.');
    },
    (req) => {
      const task = claimed(req);
      return toolCall('observe', {
        subject: task?.payload.city ?? 'none',
        type: 'finding',
        content: `${agent} found ${task?.payload.city} sunny`,
      });
    },
    chatCompletion('Done.'),
  ];
}

export async function main(opts: { memory?: Memory; log?: (line: string) => void } = {}) {
  const log = opts.log ?? console.log;
  const memory = opts.memory ?? (await createMemory({ dataDir: ':memory:', embedder: null }));
  const llm = await startFakeOpenAiServer();
  const model = createOpenAICompatible({ name: 'local', baseURL: llm.baseUrl }).chatModel('scripted');
  try {
    // the planner queues the work
    for (const city of ['Lisbon', 'Oslo'])
      await memory.tasks.create({
        scope: { tenant: TENANT, agent: 'planner' },
        queue: 'research',
        payload: { city },
      });

    // two workers, each with tools fixed to its own agent name (one after the other here:
    // the scripted server answers in order; real workers run concurrently and claims stay atomic)
    for (const agent of ['scout-a', 'scout-b']) {
      llm.enqueue('chat', ...workerScript(agent));
      const tools = memoryTools({
        memory,
        scope: { tenant: TENANT, agent },
        allow: ['task_claim', 'task_complete', 'observe', 'recall'],
      });
      const r = await generateText({
        model,
        tools,
        stopWhen: stepCountIs(6),
        prompt: 'Work the research queue.',
      });
      log(`${agent}: ${r.text} (${r.steps.length} steps)`);
    }

    const observations = await memory.observations.query({ scope: { tenant: TENANT }, type: 'finding' });
    const tasks = await memory.tasks.list({ scope: { tenant: TENANT }, queue: 'research' });
    log(`planner sees: ${observations.map((o) => `${o.agent}: ${o.content}`).join(' | ')}`);
    log(
      `tasks: ${tasks.map((t) => `${(t.payload as { city: string }).city} ${t.status} by ${t.claimedBy}`).join(', ')}`,
    );
    return {
      observations: observations.map((o) => ({ agent: o.agent, content: o.content })),
      tasks: tasks.map((t) => ({ status: t.status, payload: t.payload, claimedBy: t.claimedBy })),
    };
  } finally {
    await llm.close();
    if (!opts.memory) await memory.close();
  }
}

if (isMain(import.meta.url)) await main();
