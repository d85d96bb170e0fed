/**
 * Scripted OpenAI chat completions that call tools, for AI SDK tests on the fake server.
 */
import type { ScriptedResponse } from './fake-openai-server.js';

/**
 * A completion whose assistant message calls one tool with these arguments.
 *
 * @example
 * server.enqueue('chat', toolCall('remember', { text: 'Alice likes tea' }));
 */
export function toolCall(name: string, args: Record<string, unknown>, id = `call_${name}`): ScriptedResponse {
  return {
    status: 200,
    body: {
      id: 'chatcmpl-fake-tools',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
    },
  };
}
