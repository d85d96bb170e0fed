import {
  ConflictError,
  type ErrorCode,
  InvalidInputError,
  MnemoError,
  NotFoundError,
  UnavailableError,
} from '../errors.js';
import type { Scope } from '../scope.js';

/**
 * The fetch the client uses (the global one by default; tests and proxies pass their own).
 *
 * @example
 * createRemoteMemory({ url, apiKey, fetch: (input, init) => fetch(input, { ...init, keepalive: true }) });
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * One request of the remote client: method, path under the server URL, query
 * parameters (arrays are repeated, dates sent as ISO strings) and a JSON body.
 *
 * @example
 * const req: RemoteRequest = { method: 'GET', path: '/v1/brain', query: { prefix: 'identity' } };
 */
export interface RemoteRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, unknown>;
  body?: unknown;
  /** A 404 naming this field (`key`, `id`) means "absent": resolve to undefined instead of throwing. */
  absentField?: string;
}

/**
 * The HTTP core of the remote client: sends requests with the API key, decodes JSON,
 * and turns error bodies back into the MnemoError the server raised.
 *
 * @example
 * const http = createRemoteHttp({ url: 'http://127.0.0.1:7411', apiKey: key });
 * const entry = await http.send({ method: 'GET', path: '/v1/brain/identity.name' });
 */
export interface RemoteHttp {
  readonly url: string;
  send<T = unknown>(req: RemoteRequest): Promise<T>;
  /** Opens a streaming GET (Server-Sent Events); the caller reads the body. */
  stream(
    path: string,
    query: Record<string, unknown>,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<Response>;
}

/**
 * The MnemoError an error body describes: same class, code, message, field and details
 * as the server raised.
 *
 * @example
 * errorFromBody({ error: { code: 'invalid_input', message: '"key": bad', field: 'key' } }, 400) // InvalidInputError
 */
export function errorFromBody(body: unknown, status: number): MnemoError {
  const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown; details?: unknown } })
    ?.error;
  if (!e || typeof e.code !== 'string' || typeof e.message !== 'string')
    return new MnemoError(
      status >= 500 ? 'unavailable' : 'internal',
      `the server answered HTTP ${status} without a mnemo error body`,
    );
  const field = typeof e.field === 'string' ? e.field : undefined;
  const details =
    typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : undefined;
  const code = e.code as ErrorCode;
  let err: MnemoError;
  if (code === 'invalid_input') err = new InvalidInputError(e.message, field, details);
  else if (code === 'not_found') err = new NotFoundError(e.message, field);
  else if (code === 'conflict') err = new ConflictError(e.message, details);
  else if (code === 'unavailable') err = new UnavailableError(e.message);
  else err = new MnemoError(code, e.message, { field, details });
  return err;
}

/**
 * The scope as query parameters (`user`, `agent`, `session`, and `tenant` when given).
 *
 * @example
 * scopeParams({ user: 'alice' }) // { tenant: undefined, user: 'alice', agent: undefined, session: undefined }
 */
export function scopeParams(scope: Scope | undefined): Record<string, string | undefined> {
  return { tenant: scope?.tenant, user: scope?.user, agent: scope?.agent, session: scope?.session };
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (!query) return '';
  const p = new URLSearchParams();
  const put = (k: string, v: unknown) => {
    if (v === undefined || v === null) return;
    p.append(k, v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v));
  };
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const x of v) put(k, x);
    else put(k, v);
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * Builds the HTTP core for a server URL and API key.
 *
 * @example
 * const http = createRemoteHttp({ url: server.url, apiKey: key });
 */
export function createRemoteHttp(opts: { url: string; apiKey?: string; fetch?: FetchLike }): RemoteHttp {
  let base: URL;
  try {
    base = new URL(opts.url);
  } catch {
    throw new InvalidInputError(
      'url must be the address of a mnemo server, such as http://127.0.0.1:7411',
      'url',
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new InvalidInputError('url must start with http:// or https://', 'url');
  const url = base.toString().replace(/\/+$/, '');
  const doFetch: FetchLike = opts.fetch ?? ((input, init) => fetch(input, init));
  const auth: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};

  async function call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await doFetch(`${url}${path}`, init);
    } catch (e) {
      throw new UnavailableError(`cannot reach the mnemo server at ${url}: ${(e as Error)?.message ?? e}`, e);
    }
  }

  return {
    url,
    async send<T>(req: RemoteRequest): Promise<T> {
      const headers: Record<string, string> = { ...auth, accept: 'application/json' };
      let body: string | undefined;
      if (req.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(req.body);
      }
      const res = await call(`${req.path}${queryString(req.query)}`, { method: req.method, headers, body });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new MnemoError(
          res.ok ? 'internal' : 'unavailable',
          `the server at ${url} answered HTTP ${res.status} with a body that is not JSON: is it a mnemo server?`,
        );
      }
      // The caller decodes it with the operation's output schema (dates become Dates there).
      if (res.ok) return parsed as T;
      const err = errorFromBody(parsed, res.status);
      if (res.status === 404 && req.absentField && err.code === 'not_found' && err.field === req.absentField)
        return undefined as T;
      throw err;
    },
    async stream(path, query, headers, signal) {
      const res = await call(`${path}${queryString(query)}`, {
        method: 'GET',
        headers: { ...auth, accept: 'text/event-stream', ...headers },
        signal,
      });
      if (!res.ok) {
        const text = await res.text();
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        throw errorFromBody(parsed, res.status);
      }
      return res;
    },
  };
}
