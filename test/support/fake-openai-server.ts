/**
 * A local HTTP server speaking the OpenAI-compatible API (POST /v1/chat/completions and
 * POST /v1/embeddings) with scripted answers, over a real socket on 127.0.0.1. Every
 * test of an LLM or embedding feature talks to one of these instead of a real provider.
 *
 * Each route has a queue of scripted responses, consumed in order; when a queue is
 * empty the route's default answers (chat: a 500 saying nothing was scripted, so a
 * test never passes by accident; embeddings: deterministic vectors). Every request is
 * recorded (path, headers, parsed body) and counted.
 *
 * @example
 * const server = await startFakeOpenAiServer();
 * server.enqueue('chat', chatCompletion({ facts: [] }), { status: 500, body: { error: { message: 'boom' } } });
 * const client = createLlmClient({ baseUrl: server.baseUrl, model: 'test-model' });
 * // ... server.count('chat'), server.requests('chat')[0].body.messages
 * await server.close();
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The routes the server speaks. Anything else answers 404 (and is still recorded). */
export type FakeRoute = 'chat' | 'embeddings';

/** One recorded request. */
export interface RecordedRequest {
  route: FakeRoute | 'other';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of what a client sent
  body: any;
  /** Raw body text. */
  raw: string;
}

/** One scripted answer. */
export interface ScriptedResponse {
  /** HTTP status; default 200. */
  status?: number;
  /** Extra response headers (e.g. `{ 'retry-after': '1' }`). */
  headers?: Record<string, string>;
  /** JSON body (serialised). Ignored when `raw` is given. */
  body?: unknown;
  /** Raw body text sent as is (malformed JSON, HTML error pages, ...). */
  raw?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer: hold the request until the client gives up (or the server closes). */
  hang?: boolean;
  /** Destroy the socket without any response (a network error on the client). */
  destroy?: boolean;
}

/** A scripted answer, or a function computing one from the request. */
export type Responder =
  | ScriptedResponse
  | ((req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>);

/** Options of {@link startFakeOpenAiServer}. */
export interface FakeServerOptions {
  /** Dimension of the default embedding vectors; default 8. */
  dimensions?: number;
  /** Answer when the chat queue is empty; default a 500 "nothing scripted". */
  chatDefault?: Responder;
  /** Answer when the embeddings queue is empty; default deterministic vectors. */
  embeddingsDefault?: Responder;
}

/** A running fake server. */
export interface FakeOpenAiServer {
  /** `http://127.0.0.1:PORT/v1`: what a client takes as `baseUrl`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Appends scripted answers to a route's queue. */
  enqueue(route: FakeRoute, ...responses: Responder[]): void;
  /** Replaces the answer used when a route's queue is empty. */
  setDefault(route: FakeRoute, responder: Responder): void;
  /** Recorded requests, all or of one route, oldest first. */
  requests(route?: FakeRoute | 'other'): RecordedRequest[];
  /** Number of requests received, all or of one route. */
  count(route?: FakeRoute | 'other'): number;
  /** Scripted answers not consumed yet on a route. */
  pending(route: FakeRoute): number;
  /** Forgets recorded requests and queued answers (defaults stay). */
  reset(): void;
  /** Stops the server, cutting held requests. */
  close(): Promise<void>;
}

/**
 * Builds an OpenAI chat-completion body whose message content is `content` (objects
 * are JSON-serialised; strings are sent as is, so fenced or broken JSON can be scripted).
 *
 * @example
 * server.enqueue('chat', chatCompletion('```json\n{"ok":true}\n```', { promptTokens: 12 }));
 */
export function chatCompletion(
  content: unknown,
  opts: {
    model?: string;
    promptTokens?: number;
    completionTokens?: number;
    finishReason?: string;
    refusal?: string;
  } = {},
): ScriptedResponse {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  const promptTokens = opts.promptTokens ?? 10;
  const completionTokens = opts.completionTokens ?? 5;
  return {
    status: 200,
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: opts.model ?? 'fake-model',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: opts.refusal ? null : text,
            ...(opts.refusal ? { refusal: opts.refusal } : {}),
          },
          finish_reason: opts.finishReason ?? 'stop',
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}

/**
 * An OpenAI-style error answer: `{ error: { message, type, code } }` with a status.
 *
 * @example
 * server.enqueue('chat', apiError(429, 'slow down', { 'retry-after': '1' }));
 */
export function apiError(
  status: number,
  message: string,
  headers?: Record<string, string>,
): ScriptedResponse {
  return {
    status,
    ...(headers ? { headers } : {}),
    body: {
      error: { message, type: status === 429 ? 'rate_limit_error' : 'invalid_request_error', code: null },
    },
  };
}

/**
 * A deterministic unit vector for a text (sha256-seeded), so embedding tests can
 * compare results without a model. Equal texts give equal vectors.
 *
 * @example
 * fakeEmbedding('hello', 8).length // => 8
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const out: number[] = [];
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; out.length < dimensions; i++) {
    if (i > 0 && i % 16 === 0) block = createHash('sha256').update(block).digest();
    out.push(block.readUInt16BE((i % 16) * 2) / 65535 - 0.5);
  }
  const norm = Math.hypot(...out) || 1;
  return out.map((v) => v / norm);
}

/**
 * An OpenAI embeddings body for the given vectors.
 *
 * @example
 * server.enqueue('embeddings', embeddingResponse([[0.1, 0.2]]));
 */
export function embeddingResponse(vectors: number[][], opts: { model?: string; promptTokens?: number } = {}) {
  return {
    status: 200,
    body: {
      object: 'list',
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      model: opts.model ?? 'fake-embedding',
      usage: {
        prompt_tokens: opts.promptTokens ?? vectors.length,
        total_tokens: opts.promptTokens ?? vectors.length,
      },
    },
  } satisfies ScriptedResponse;
}

function routeOf(method: string, path: string): FakeRoute | 'other' {
  if (method !== 'POST') return 'other';
  const p = path.split('?')[0].replace(/\/+$/, '');
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/embeddings')) return 'embeddings';
  return 'other';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 with a free port.
 *
 * @example
 * const server = await startFakeOpenAiServer({ dimensions: 16 });
 * after(() => server.close());
 */
export async function startFakeOpenAiServer(opts: FakeServerOptions = {}): Promise<FakeOpenAiServer> {
  const dimensions = opts.dimensions ?? 8;
  const queues: Record<FakeRoute, Responder[]> = { chat: [], embeddings: [] };
  const defaults: Record<FakeRoute, Responder> = {
    chat: opts.chatDefault ?? apiError(500, 'fake server: no scripted chat response left'),
    embeddings:
      opts.embeddingsDefault ??
      ((req) => {
        const input = req.body?.input;
        const texts: string[] = Array.isArray(input) ? input.map(String) : [String(input ?? '')];
        const dims = typeof req.body?.dimensions === 'number' ? req.body.dimensions : dimensions;
        return embeddingResponse(
          texts.map((t) => fakeEmbedding(t, dims)),
          { model: req.body?.model },
        );
      }),
  };
  const recorded: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const route = routeOf(method, path);
    const rec: RecordedRequest = { route, method, path, headers: { ...req.headers }, body, raw };
    recorded.push(rec);
    if (route === 'other') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake server: no route ${method} ${path}` } }));
      return;
    }
    const next = queues[route].shift() ?? defaults[route];
    const answer = typeof next === 'function' ? await next(rec) : next;
    if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (answer.hang) return; // held until the client aborts or the server closes
    if (answer.destroy) {
      req.socket.destroy();
      return;
    }
    const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    res.writeHead(answer.status ?? 200, {
      'content-type': answer.raw !== undefined ? 'text/plain' : 'application/json',
      ...(answer.headers ?? {}),
    });
    res.end(text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `fake server failed: ${(e as Error).message}` } }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    baseUrl: `${origin}/v1`,
    origin,
    enqueue(route, ...responses) {
      queues[route].push(...responses);
    },
    setDefault(route, responder) {
      defaults[route] = responder;
    },
    requests(route) {
      return route ? recorded.filter((r) => r.route === route) : [...recorded];
    },
    count(route) {
      return route ? recorded.filter((r) => r.route === route).length : recorded.length;
    },
    pending(route) {
      return queues[route].length;
    },
    reset() {
      recorded.length = 0;
      queues.chat.length = 0;
      queues.embeddings.length = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
