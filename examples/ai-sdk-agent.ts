/**
 * An AI SDK agent with mnemo's memory tools: in a first conversation the model decides to
 * remember what the user said; in a second one, mnemo's context block in the system prompt
 * and the recall tool bring it back. Run: npm run example:ai-sdk
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs } from 'ai';
import { createMemory, type Memory } from 'mnemo';
import { memorySystemPrompt, memoryTools } from 'mnemo/ai-sdk';
import {
  chatCompletion,
  isMain,
  startFakeOpenAiServer,
  systemMessage,
  toolCall,
  toolResults,
} from './scripted-llm.js';

export async function main(opts: { memory?: Memory; log?: (line: string) => void } = {}) {
  const log = opts.log ?? console.log;
  const memory = opts.memory ?? (await createMemory({ dataDir: ':memory:', embedder: null }));
  const llm = await startFakeOpenAiServer();
  // a real provider: createOpenAICompatible({ name, baseURL, apiKey }).chatModel('your-model')
  const model = createOpenAICompatible({ name: 'local', baseURL: llm.baseUrl }).chatModel('scripted');
  const scope = { tenant: 'example-ai-sdk', user: 'ada', agent: 'concierge' };
  const tools = memoryTools({ memory, scope, tokenBudget: 800 });
  try {
    // Turn 1: the model calls remember, then answers.
    llm.enqueue(
      'chat',
      toolCall('remember', { text: 'Ada is vegetarian and allergic to peanuts' }),
      chatCompletion('Noted: vegetarian, no peanuts.'),
    );
    const first = await generateText({
      model,
      tools,
      stopWhen: stepCountIs(4),
      prompt: "I'm vegetarian and allergic to peanuts.",
    });
    log(`user: I'm vegetarian and allergic to peanuts.\nagent: ${first.text}`);

    // Turn 2, a new conversation: the context block says what is known; the model recalls to be sure.
    const question = 'Can you suggest a vegetarian dinner for me tonight?';
    const system = await memorySystemPrompt({
      memory,
      scope,
      query: question,
      system: 'You are a concierge.',
    });
    llm.enqueue('chat', toolCall('recall', { query: 'peanuts vegetarian' }), (req) => {
      const knew =
        systemMessage(req).includes('peanuts') && toolResults(req).some((r) => r.includes('peanuts'));
      return chatCompletion(knew ? 'A peanut-free vegetable curry.' : 'Steak?');
    });
    const second = await generateText({ model, tools, system, stopWhen: stepCountIs(4), prompt: question });
    log(`user: ${question}\nagent: ${second.text}`);
    const facts = await memory.facts.list({ scope: { tenant: scope.tenant, user: 'ada' } });
    log(`memory: ${facts.items.map((f) => f.content).join(' | ')}`);
    return { first: first.text, second: second.text, facts: facts.items.map((f) => f.content), system };
  } finally {
    await llm.close();
    if (!opts.memory) await memory.close();
  }
}

if (isMain(import.meta.url)) await main();
