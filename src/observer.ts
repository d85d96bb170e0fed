/**
 * What a memory tells an observer as it works (recall timings, LLM calls, cache
 * lookups, rows embedded), so a server can export metrics without globals. Every
 * hook is optional and must not throw; a memory without an observer tells no one.
 *
 * @example
 * const observer: MemoryObserver = { recall: (s) => hist.observe(s), cacheLookup: (hit) => n[hit ? 'hit' : 'miss']++ };
 * const mem = await createMemory({ observer });
 */
export interface MemoryObserver {
  /** One recall (or context build's recall) finished, successfully or not, after `seconds`. */
  recall?(seconds: number): void;
  /** One `completeJson` call of the memory's LLM client ended (its retries are inside it). */
  llmCall?(call: LlmCallReport): void;
  /** One LLM output cache lookup: `hit` true when no model was asked. */
  cacheLookup?(hit: boolean): void;
  /** The background indexer wrote embeddings for `rows` rows. */
  embedded?(rows: number): void;
}

/**
 * What {@link MemoryObserver.llmCall} is told.
 *
 * @example
 * const r: LlmCallReport = { outcome: 'ok', promptTokens: 120, completionTokens: 30, cost: 0.0001 };
 */
export interface LlmCallReport {
  outcome: 'ok' | 'error';
  /** Tokens of a successful call (0 for a failed one: the client reports usage only with an answer). */
  promptTokens: number;
  completionTokens: number;
  /** Dollars, when the client has pricing; else 0. */
  cost: number;
}

/**
 * `fn`, telling `observe` how many seconds each call took (resolved or not); `fn`
 * itself when there is no one to tell.
 *
 * @example
 * const recall = timed((input: RecallInput) => made.recall(input), observer?.recall);
 */
export function timed<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  observe: ((seconds: number) => void) | undefined,
): (...args: A) => Promise<R> {
  if (!observe) return fn;
  return async (...args: A) => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      observe((performance.now() - started) / 1000);
    }
  };
}
