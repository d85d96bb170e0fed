/**
 * mnemo for the Vercel AI SDK (`ai` 7): memory tools whose scope, budget and set are fixed
 * at construction, and the context block for a call's system prompt. docs/integrations.md.
 *
 * @example
 * import { memorySystemPrompt, memoryTools } from 'mnemo/ai-sdk';
 * const tools = memoryTools({ memory: mem, scope: { user: 'alice' } });
 * const system = await memorySystemPrompt({ memory: mem, scope: { user: 'alice' }, query: prompt });
 * await generateText({ model, system, prompt, tools, stopWhen: stepCountIs(5) });
 */
export {
  MEMORY_TOOL_NAMES,
  type MemoryToolName,
  type MemoryToolsOptions,
  memorySystemPrompt,
  memoryTools,
} from './memory-tools.js';
