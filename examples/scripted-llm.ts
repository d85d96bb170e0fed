/**
 * The "LLM" of the examples: a local server on 127.0.0.1 speaking the OpenAI chat API
 * with scripted answers (the same fake server the test suite uses), so every example runs
 * offline and gives the same output every time. Swap it for a real provider by giving the
 * examples another base URL and model (see each example's `model` line).
 */
import {
  chatCompletion,
  type FakeOpenAiServer,
  type RecordedRequest,
  type Responder,
  startFakeOpenAiServer,
} from '../test/support/fake-openai-server.js';
import { toolCall } from '../test/support/fake-openai-tools.js';

export { chatCompletion, type FakeOpenAiServer, type Responder, startFakeOpenAiServer, toolCall };

/** The results of tool calls the model has been sent so far in this request (newest last). */
export function toolResults(req: RecordedRequest): string[] {
  const messages = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  return messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
}

/** The last user message of a request. */
export function lastUserMessage(req: RecordedRequest): string {
  const messages = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  const m = messages.filter((x) => x.role === 'user').pop();
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

/** The system message of a request ('' when none). */
export function systemMessage(req: RecordedRequest): string {
  const messages = (req.body?.messages ?? []) as { role: string; content: unknown }[];
  const m = messages.find((x) => x.role === 'system');
  return typeof m?.content === 'string' ? m.content : '';
}

/** True when this module is the script node was started with. */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url === new URL(`file://${process.argv[1]}`).href;
}
