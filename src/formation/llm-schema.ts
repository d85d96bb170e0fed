/**
 * Input schemas and public types of the LLM client (OpenAI-compatible chat completions).
 */
import { z } from 'zod';

/** Price of a model in USD per million tokens, for cost accounting. */
export interface LlmPricing {
  promptPerMTok: number;
  completionPerMTok: number;
}

/** How structured output is requested from the provider. */
export type LlmJsonMode = 'json_schema' | 'json_object';

/** Options of {@link createLlmClient}. */
export interface LlmClientOptions {
  /** Base URL of an OpenAI-compatible API, up to (not including) `/chat/completions`: `http://localhost:11434/v1`. */
  baseUrl: string;
  /** Model name as the provider knows it. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Time allowed for one attempt (request and answer), in ms; default 60000. */
  timeoutMs?: number;
  /** Further attempts after the first, for transport errors and invalid output alike; default 3. */
  maxRetries?: number;
  /** USD per million prompt/completion tokens; without it cost is 0. */
  pricing?: LlmPricing;
  /** Extra HTTP headers (e.g. `{ 'api-key': '...' }` for Azure). */
  headers?: Record<string, string>;
  /** `json_schema` (default: the provider enforces the schema) or `json_object` (older servers; the schema goes into the system prompt). */
  jsonMode?: LlmJsonMode;
  /** First backoff delay in ms, doubled each retry, with jitter; default 500. */
  retryBaseDelayMs?: number;
  /** Longest wait between attempts in ms (also the longest Retry-After honoured); default 30000. */
  maxRetryDelayMs?: number;
}

const positiveInt = z.number().int('must be a whole number').positive('must be greater than 0');

/** Zod schema of {@link LlmClientOptions}. */
export const llmClientOptionsSchema = z.object({
  baseUrl: z
    .string({ error: 'is required: the OpenAI-compatible base URL, e.g. http://localhost:11434/v1' })
    .refine((s) => {
      try {
        return /^https?:$/.test(new URL(s).protocol);
      } catch {
        return false;
      }
    }, 'must be an http(s) URL such as http://localhost:11434/v1'),
  model: z
    .string({ error: 'is required: the model name, e.g. gpt-4o-mini or llama3.1:8b' })
    .trim()
    .min(1, 'must not be empty')
    .max(256),
  apiKey: z.string().optional(),
  timeoutMs: positiveInt.max(3_600_000, 'must be at most 3600000 (one hour)').default(60_000),
  maxRetries: z.number().int('must be a whole number').min(0).max(10, 'must be 0 to 10').default(3),
  pricing: z
    .object({
      promptPerMTok: z.number().nonnegative('must be 0 or more'),
      completionPerMTok: z.number().nonnegative('must be 0 or more'),
    })
    .strict()
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  jsonMode: z.enum(['json_schema', 'json_object']).default('json_schema'),
  retryBaseDelayMs: z.number().nonnegative().max(60_000).default(500),
  maxRetryDelayMs: z.number().nonnegative().max(600_000).default(30_000),
});

/** One chat message. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Input of `completeJson`. */
export interface CompleteJsonRequest<S extends z.ZodType> {
  /** System prompt, sent first. */
  system?: string;
  /** The conversation; at least one message (or a system prompt). */
  messages: LlmMessage[];
  /** Zod schema the answer must satisfy; its JSON Schema is sent to the provider. */
  schema: S;
  /** Name of the schema for the provider (letters, digits, `_` and `-`, up to 64). */
  schemaName: string;
  /** Sampling temperature; default 0 (repeatable, cacheable). */
  temperature?: number;
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  /** Cancels the call (and any wait between attempts). */
  signal?: AbortSignal;
}

/** Tokens and money spent by one `completeJson` call, summed over its attempts. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** USD, from `pricing`; 0 without it. */
  cost: number;
}

/** Result of `completeJson`. */
export interface CompleteJsonResult<T> {
  /** The answer, parsed and validated by the schema. */
  data: T;
  usage: LlmUsage;
  /** Wall time of the whole call, retries included, in ms. */
  latencyMs: number;
  /** The model that answered, as the provider reports it. */
  model: string;
  /** HTTP requests made (1 when the first answer was good). */
  attempts: number;
}

/** Zod schema of a {@link CompleteJsonRequest} (the schema itself is checked separately). */
export const completeJsonRequestSchema = z
  .object({
    system: z.string().optional(),
    messages: z.array(
      z.object({
        role: z.enum(['system', 'user', 'assistant']),
        content: z.string(),
      }),
    ),
    schema: z.custom<z.ZodType>((v) => v instanceof z.ZodType, {
      message: 'must be a zod schema (z.object({...}))',
    }),
    schemaName: z
      .string({ error: 'is required: a name for the schema, e.g. "extracted_facts"' })
      .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, _ or -'),
    temperature: z.number().min(0, 'must be 0 to 2').max(2, 'must be 0 to 2').default(0),
    maxTokens: positiveInt.optional(),
    signal: z
      .custom<AbortSignal>((v) => v instanceof AbortSignal, { message: 'must be an AbortSignal' })
      .optional(),
  })
  .refine((r) => r.messages.length > 0 || (r.system ?? '') !== '', {
    message: 'give at least one message or a system prompt',
    path: ['messages'],
  });

/** The LLM client. */
export interface LlmClient {
  /** The model requests are sent to. */
  readonly model: string;
  /**
   * Asks for a JSON answer validated by a zod schema; retries transport errors and
   * invalid answers, and accounts tokens and cost.
   */
  completeJson<S extends z.ZodType>(req: CompleteJsonRequest<S>): Promise<CompleteJsonResult<z.output<S>>>;
}
