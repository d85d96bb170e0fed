/** An LLM client whose calls are reported to an observer (metrics), answers unchanged. */
import type { z } from 'zod';
import type { MemoryObserver } from '../observer.js';
import type { CompleteJsonRequest, CompleteJsonResult, LlmClient } from './llm-schema.js';

/**
 * Wraps `llm` so each `completeJson` call reports its outcome, tokens and cost to
 * `observer.llmCall`; without that hook (or without a client) it returns `llm` as is.
 *
 * @example
 * const llm = observeLlm(createLlmClient({ baseUrl, model }), { llmCall: (c) => console.log(c.outcome) });
 */
export function observeLlm(llm: LlmClient | null, observer: MemoryObserver | undefined): LlmClient | null {
  const report = observer?.llmCall;
  if (!llm || !report) return llm;
  return {
    model: llm.model,
    async completeJson<S extends z.ZodType>(
      req: CompleteJsonRequest<S>,
    ): Promise<CompleteJsonResult<z.output<S>>> {
      let r: CompleteJsonResult<z.output<S>>;
      try {
        r = await llm.completeJson(req);
      } catch (e) {
        report({ outcome: 'error', promptTokens: 0, completionTokens: 0, cost: 0 });
        throw e;
      }
      report({
        outcome: 'ok',
        promptTokens: r.usage.promptTokens,
        completionTokens: r.usage.completionTokens,
        cost: r.usage.cost,
      });
      return r;
    },
  };
}
