/**
 * Embeddings from any server speaking the OpenAI embeddings API
 * (`POST {baseUrl}/embeddings`): OpenAI, Azure OpenAI, Ollama, vLLM, TEI, LM Studio.
 * Batches, retries 429/5xx/network errors/timeouts with exponential backoff
 * (honouring Retry-After), and turns failures into typed errors.
 */
import { InvalidInputError, UnavailableError } from '../../errors.js';
import { checkCalibration, type EmbedderCalibration } from './calibration.js';
import { checkDimension, checkTexts, type Embedder, type EmbedOptions, toUnitVectors } from './embedder.js';

/** Options of {@link createOpenAIEmbedder}. */
export interface OpenAIEmbedderOptions {
  /** API root, e.g. `https://api.openai.com/v1`, `http://localhost:11434/v1` (Ollama). */
  baseUrl: string;
  /** Model name sent to the server, e.g. `text-embedding-3-small`, `nomic-embed-text`. */
  model: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. */
  apiKey?: string;
  /** Vector length; when omitted, probed with one call at creation. */
  dimension?: number;
  /** Texts per request; default 96. */
  batchSize?: number;
  /** Per-request timeout in ms; default 30000. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx, network errors and timeouts; default 3. */
  maxRetries?: number;
  /** First backoff in ms, doubled at each retry (with jitter); default 500. */
  backoffMs?: number;
  /** Extra headers (Azure: `{ 'api-key': '...' }`). */
  headers?: Record<string, string>;
  /** The model's cosine references (bench/calibrate-embedder.ts); default `DEFAULT_CALIBRATION`. */
  calibration?: EmbedderCalibration;
}

/** Longest wait honoured from a Retry-After header. */
const MAX_RETRY_AFTER_MS = 60_000;

class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function positiveInt(v: unknown, field: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    throw new InvalidInputError(`${field} must be a whole number of at least ${min}`, field);
  return v;
}

/** Reads Retry-After (seconds or an HTTP date) in ms. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

/** The server's own words from an error body (`{ error: { message } }` or text). */
function serverMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    const m = typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message);
    if (m) return String(m).slice(0, 500);
  } catch {}
  return body.slice(0, 500) || '(empty body)';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Decodes `encoding_format: base64` vectors (little-endian float32), for servers that insist. */
function decodeEmbedding(e: unknown): ArrayLike<number> {
  if (typeof e === 'string') {
    const b = Buffer.from(e, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  }
  return Array.isArray(e) ? (e as number[]) : [];
}

/**
 * Creates an embedder for an OpenAI-compatible endpoint. Async because, without
 * `dimension`, it asks the server once to learn it.
 *
 * @example
 * const embedder = await createOpenAIEmbedder({
 *   baseUrl: 'http://localhost:11434/v1', model: 'nomic-embed-text',
 * });
 * const openai = await createOpenAIEmbedder({
 *   baseUrl: 'https://api.openai.com/v1', model: 'text-embedding-3-small',
 *   apiKey: process.env.OPENAI_API_KEY, dimension: 1536,
 * });
 */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<Embedder> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidInputError('options must be an object with baseUrl and model', 'options');
  let endpoint: string;
  try {
    const u = new URL(String(options.baseUrl));
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    endpoint = `${u.toString().replace(/\/+$/, '')}/embeddings`;
  } catch {
    throw new InvalidInputError(
      `baseUrl must be an http(s) URL of the API root, like http://localhost:11434/v1 (got ${JSON.stringify(options.baseUrl)})`,
      'baseUrl',
    );
  }
  const model = options.model;
  if (typeof model !== 'string' || model.trim() === '')
    throw new InvalidInputError('model must name the embedding model, e.g. text-embedding-3-small', 'model');
  const batchSize = positiveInt(options.batchSize ?? 96, 'batchSize');
  const timeoutMs = positiveInt(options.timeoutMs ?? 30_000, 'timeoutMs');
  const maxRetries = positiveInt(options.maxRetries ?? 3, 'maxRetries', 0);
  const backoffMs = positiveInt(options.backoffMs ?? 500, 'backoffMs', 0);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(options.headers ?? {}) };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const id = `openai:${model}`;
  const calibration = options.calibration === undefined ? undefined : checkCalibration(options.calibration);

  /** One request, no retries: the vectors, or Retryable, or a typed error. */
  async function attempt(input: string[], signal?: AbortSignal): Promise<ArrayLike<number>[]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res: Response;
    let body: string;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model, input, encoding_format: 'float' }),
        signal: combined,
      });
      body = await res.text();
    } catch (e) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new Retryable(`no answer from ${endpoint} within ${timeoutMs} ms`);
      throw new Retryable(
        `cannot reach ${endpoint}: ${(e as { cause?: Error }).cause?.message ?? (e as Error).message}`,
      );
    }
    if (res.status === 429 || res.status >= 500)
      throw new Retryable(
        `${endpoint} answered ${res.status}: ${serverMessage(body)}`,
        retryAfter(res.headers.get('retry-after')),
      );
    if (res.status >= 400) {
      const hint =
        res.status === 401 || res.status === 403
          ? ' Check the API key (MNEMO_EMBEDDING_API_KEY).'
          : res.status === 404
            ? ' Check baseUrl and the model name.'
            : '';
      throw new InvalidInputError(
        `the embedding server refused the request (${res.status}): ${serverMessage(body)}.${hint}`,
        res.status === 401 || res.status === 403 ? 'apiKey' : 'model',
        { status: res.status },
      );
    }
    let parsed: { data?: { embedding?: unknown; index?: number }[] };
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new UnavailableError(`${endpoint} answered ${res.status} with a body that is not JSON`);
    }
    if (!Array.isArray(parsed.data))
      throw new UnavailableError(`${endpoint} answered without a "data" array: is it an embeddings API?`);
    const data = parsed.data.slice().sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return data.map((d) => decodeEmbedding(d.embedding));
  }

  async function request(input: string[], signal?: AbortSignal): Promise<ArrayLike<number>[]> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt(input, signal);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (retry >= maxRetries)
          throw new UnavailableError(`embedding failed after ${retry + 1} attempts: ${e.message}`, e);
        const backoff = backoffMs * 2 ** retry * (0.75 + Math.random() * 0.5);
        await sleep(e.retryAfterMs ?? backoff, signal);
      }
    }
  }

  let dimension: number;
  if (options.dimension !== undefined) dimension = checkDimension(options.dimension);
  else {
    const [probe] = await request(['dimension probe']);
    if (!probe || probe.length === 0)
      throw new UnavailableError(
        `${endpoint} returned no vector for a probe text: is "${model}" an embedding model?`,
      );
    dimension = checkDimension(probe.length);
  }

  return {
    id,
    dimension,
    maxBatch: batchSize,
    ...(calibration ? { calibration } : {}),
    async embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
      checkTexts(texts);
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        // Some servers reject empty strings: send a space instead.
        const chunk = texts.slice(i, i + batchSize).map((t) => (t.trim() === '' ? ' ' : t));
        const raw = await request(chunk, opts.signal);
        out.push(...toUnitVectors(id, dimension, raw, chunk.length));
      }
      return out;
    },
  };
}
