/**
 * The LLM client behind the output cache: one call that asks the model only when the
 * same question (model, prompt version, messages, schema, parameters) was never
 * answered for the tenant.
 */
import type { z } from 'zod';
import type { Scope } from '../scope.js';
import { parse } from '../validation.js';
import type { LlmCache } from './cache-schema.js';
import { toProviderSchema } from './llm-output.js';
import {
  type CompleteJsonRequest,
  completeJsonRequestSchema,
  type LlmClient,
  type LlmUsage,
} from './llm-schema.js';

/** Input of {@link cachedCompleteJson}. */
export interface CachedCompleteJsonInput<S extends z.ZodType> {
  llm: LlmClient;
  cache: LlmCache;
  scope?: Scope;
  /** Version of the prompt template: bump it when the wording changes so old answers miss. */
  promptVersion: string | number;
  request: CompleteJsonRequest<S>;
  ttlSeconds?: number;
  /** Label stored with the output (`facts`, `summary`); default the schema name. */
  contentType?: string;
}

/** Result of {@link cachedCompleteJson}. */
export interface CachedCompleteJsonResult<T> {
  data: T;
  /** True when the answer came from the cache (no request was sent). */
  hit: boolean;
  hash: string;
  /** What this call spent: zero on a hit. */
  usage: LlmUsage;
  /** HTTP requests made by this call: 0 on a hit. */
  attempts: number;
}

/**
 * `llm.completeJson` through the cache. The key holds the model, the prompt version,
 * the system prompt and messages (input) and the JSON Schema, schema name,
 * temperature and max tokens (params); so changing any of them misses. The signal
 * is not part of the key.
 *
 * @example
 * const r = await cachedCompleteJson({
 *   llm, cache: mem.cache, scope: { user: 'alice' }, promptVersion: 'extract-v1',
 *   request: { system, messages, schema: factsSchema, schemaName: 'facts' },
 * });
 * if (!r.hit) console.log(`spent $${r.usage.cost}`);
 */
export async function cachedCompleteJson<S extends z.ZodType>(
  input: CachedCompleteJsonInput<S>,
): Promise<CachedCompleteJsonResult<z.output<S>>> {
  const { llm, cache, request } = input;
  parse(completeJsonRequestSchema, request, 'request'); // bad requests fail before any lookup
  let spent: { usage: LlmUsage; attempts: number } = {
    usage: { promptTokens: 0, completionTokens: 0, cost: 0 },
    attempts: 0,
  };
  const r = await cache.getOrCompute<z.output<S>>({
    ...(input.scope ? { scope: input.scope } : {}),
    key: {
      model: llm.model,
      promptVersion: input.promptVersion,
      input: { system: request.system ?? '', messages: request.messages },
      params: {
        schemaName: request.schemaName,
        schema: toProviderSchema(request.schema).schema,
        temperature: request.temperature ?? 0,
        maxTokens: request.maxTokens ?? null,
      },
    },
    compute: async () => {
      const out = await llm.completeJson(request);
      spent = { usage: out.usage, attempts: out.attempts };
      return {
        content: out.data,
        model: out.model,
        promptTokens: out.usage.promptTokens,
        completionTokens: out.usage.completionTokens,
        cost: out.usage.cost,
        latencyMs: out.latencyMs,
      };
    },
    ...(input.ttlSeconds !== undefined ? { ttlSeconds: input.ttlSeconds } : {}),
    contentType: input.contentType ?? request.schemaName,
  });
  return { data: r.content, hit: r.hit, hash: r.hash, ...spent };
}
