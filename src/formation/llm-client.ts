/**
 * The LLM client: structured JSON answers from any OpenAI-compatible chat-completions
 * endpoint (OpenAI, Azure, Ollama, vLLM, llama.cpp server, LM Studio), validated by a
 * zod schema, with retries, timeouts and token/cost accounting.
 */
import type { z } from 'zod';
import { MnemoError, UnavailableError } from '../errors.js';
import { parse } from '../validation.js';
import { checkOutput, toProviderSchema } from './llm-output.js';
import { backoffDelay, retryAfterMs, sleep } from './llm-retry.js';
import {
  type CompleteJsonRequest,
  type CompleteJsonResult,
  completeJsonRequestSchema,
  type LlmClient,
  type LlmClientOptions,
  type LlmMessage,
  llmClientOptionsSchema,
} from './llm-schema.js';

type Options = z.output<typeof llmClientOptionsSchema>;

/** Outcome of one HTTP attempt. */
type Attempt =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'retry'; reason: string; waitMs?: number }
  | { kind: 'fatal'; error: MnemoError };

/** Longest piece of a previous answer echoed back to the model when asking it to fix it. */
const ECHO_CHARS = 4000;

/** `{baseUrl}/chat/completions`, keeping a query string (Azure's `?api-version=`). */
function endpoint(baseUrl: string): URL {
  const u = new URL(baseUrl);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/chat/completions`;
  return u;
}

/** The server's own words from an error body (OpenAI `{error:{message}}`, Ollama `{error}`, or text). */
function serverMessage(text: string): string {
  try {
    const b = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const e = b.error;
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string')
      return (e as { message: string }).message;
    if (typeof b.message === 'string') return b.message;
    if (typeof b.detail === 'string') return b.detail;
  } catch {
    // not JSON: use the text
  }
  const t = text.trim().replace(/\s+/g, ' ');
  return t ? t.slice(0, 300) : '(empty body)';
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return ' Check the API key (MNEMO_LLM_API_KEY or OPENAI_API_KEY).';
  if (status === 404) return ' Check the base URL (MNEMO_LLM_BASE_URL) and the model name (MNEMO_LLM_MODEL).';
  return '';
}

/**
 * Creates a client for an OpenAI-compatible chat-completions endpoint. Options are
 * validated here: a bad URL, an empty model or an out-of-range number throws
 * `invalid_input` naming the option.
 *
 * @example
 * const llm = createLlmClient({ baseUrl: 'http://localhost:11434/v1', model: 'llama3.1:8b' });
 * const { data, usage } = await llm.completeJson({
 *   system: 'Extract the facts the user states.',
 *   messages: [{ role: 'user', content: 'I moved to Lyon in May.' }],
 *   schema: z.object({ facts: z.array(z.string()) }),
 *   schemaName: 'facts',
 * });
 */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const o: Options = parse(llmClientOptionsSchema, options, 'LLM options');
  const url = endpoint(o.baseUrl);
  const where = url.host;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
    ...(o.headers ?? {}),
  };

  async function attempt(body: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), o.timeoutMs);
    const combined = signal ? AbortSignal.any([ctrl.signal, signal]) : ctrl.signal;
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: combined });
      const text = await res.text();
      if (res.ok) {
        try {
          const parsed = JSON.parse(text) as unknown;
          if (typeof parsed === 'object' && parsed !== null)
            return { kind: 'ok', body: parsed as Record<string, unknown> };
        } catch {
          // fall through
        }
        return {
          kind: 'retry',
          reason: `the endpoint answered HTTP ${res.status} with a body that is not JSON`,
        };
      }
      const msg = serverMessage(text);
      if (res.status === 429) {
        const wait = retryAfterMs(res.headers);
        if (wait !== undefined && wait > o.maxRetryDelayMs)
          return {
            kind: 'fatal',
            error: new UnavailableError(
              `the LLM endpoint at ${where} is rate limiting us and asks to wait ${Math.ceil(wait / 1000)} s ` +
                `(more than maxRetryDelayMs = ${o.maxRetryDelayMs} ms); retry later. Server said: ${msg}`,
            ),
          };
        return { kind: 'retry', reason: `rate limited (HTTP 429): ${msg}`, waitMs: wait };
      }
      if (res.status >= 500 || res.status === 408)
        return { kind: 'retry', reason: `HTTP ${res.status}: ${msg}`, waitMs: retryAfterMs(res.headers) };
      return {
        kind: 'fatal',
        error: new MnemoError(
          'llm_error',
          `the LLM endpoint at ${where} refused the request (HTTP ${res.status}): ${msg}.${hintFor(res.status)}`,
          { details: { status: res.status } },
        ),
      };
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (ctrl.signal.aborted)
        return { kind: 'retry', reason: `no answer within ${o.timeoutMs} ms (timeoutMs)` };
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      return {
        kind: 'retry',
        reason: `network error: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  async function completeJson<S extends z.ZodType>(
    req: CompleteJsonRequest<S>,
  ): Promise<CompleteJsonResult<z.output<S>>> {
    const r = parse(completeJsonRequestSchema, req, 'request');
    const schema = req.schema;
    const provider = toProviderSchema(schema);
    let system = r.system ?? '';
    if (o.jsonMode === 'json_object')
      system +=
        `${system ? '\n\n' : ''}Answer with one JSON object only, no prose, matching this JSON Schema:\n` +
        JSON.stringify(provider.schema);
    const messages: LlmMessage[] = [
      ...(system ? [{ role: 'system' as const, content: system }] : []),
      ...r.messages,
    ];
    const responseFormat =
      o.jsonMode === 'json_object'
        ? { type: 'json_object' }
        : {
            type: 'json_schema',
            json_schema: { name: r.schemaName, schema: provider.schema, strict: provider.strict },
          };

    const started = performance.now();
    const usage = { promptTokens: 0, completionTokens: 0, cost: 0 };
    let lastReason = '';
    let transportFailure = false;
    const maxAttempts = o.maxRetries + 1;
    for (let n = 1; n <= maxAttempts; n++) {
      const body = JSON.stringify({
        model: o.model,
        messages,
        temperature: r.temperature,
        ...(r.maxTokens ? { max_tokens: r.maxTokens } : {}),
        response_format: responseFormat,
      });
      const a = await attempt(body, r.signal);
      if (a.kind === 'fatal') throw a.error;
      if (a.kind === 'retry') {
        lastReason = a.reason;
        transportFailure = true;
        if (n < maxAttempts) {
          const backoff = backoffDelay(n, o.retryBaseDelayMs, o.maxRetryDelayMs);
          await sleep(Math.min(o.maxRetryDelayMs, Math.max(a.waitMs ?? 0, backoff)), r.signal);
        }
        continue;
      }
      transportFailure = false;
      const u = a.body.usage as { prompt_tokens?: number; completion_tokens?: number } | undefined;
      const pt = Number(u?.prompt_tokens ?? 0) || 0;
      const ct = Number(u?.completion_tokens ?? 0) || 0;
      usage.promptTokens += pt;
      usage.completionTokens += ct;
      if (o.pricing)
        usage.cost += (pt * o.pricing.promptPerMTok + ct * o.pricing.completionPerMTok) / 1_000_000;

      const choice = (
        a.body.choices as { message?: Record<string, unknown>; finish_reason?: string }[] | undefined
      )?.[0];
      const msg = choice?.message;
      if (msg && typeof msg.refusal === 'string' && msg.refusal)
        throw new MnemoError('llm_error', `the model refused to answer: ${msg.refusal.slice(0, 300)}`, {
          details: { attempts: n, model: o.model },
        });
      const content = typeof msg?.content === 'string' ? msg.content : undefined;
      const check =
        content === undefined
          ? ({ ok: false, reason: 'the response had no choices[0].message.content' } as const)
          : checkOutput(content, schema);
      if (check.ok)
        return {
          data: check.data,
          usage,
          latencyMs: performance.now() - started,
          model: typeof a.body.model === 'string' && a.body.model ? a.body.model : o.model,
          attempts: n,
        };
      lastReason =
        choice?.finish_reason === 'length'
          ? `${check.reason} (the answer was cut off at the token limit: raise maxTokens)`
          : check.reason;
      if (content !== undefined && n < maxAttempts) {
        // Show the model what it said and what was wrong, so the retry can fix it.
        messages.push(
          { role: 'assistant', content: content.slice(0, ECHO_CHARS) },
          {
            role: 'user',
            content: `Your previous answer was invalid: ${check.reason}. Answer again with only the JSON object.`,
          },
        );
      }
    }
    if (transportFailure)
      throw new UnavailableError(
        `the LLM endpoint at ${where} failed ${maxAttempts} attempt(s); last: ${lastReason}`,
      );
    throw new MnemoError(
      'llm_error',
      `the model gave no valid answer for "${r.schemaName}" in ${maxAttempts} attempt(s); last: ${lastReason}`,
      { details: { attempts: maxAttempts, model: o.model } },
    );
  }

  return { model: o.model, completeJson };
}
