import { createHash, timingSafeEqual } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { MnemoError } from '../errors.js';
import { KEY_SCOPES, type KeyScope } from '../keys/keys-schema.js';
import type { Keys } from '../keys/keys-service.js';
import type { Scope } from '../scope.js';
import type { AppEnv, AuthInfo } from './server-types.js';

/**
 * The tenant of requests made without a key in open loopback mode.
 *
 * @example
 * c.get('auth').tenant === OPEN_TENANT // in open loopback mode
 */
export const OPEN_TENANT = 'default';

/**
 * Paths under /v1 that need no key: the API description.
 *
 * @example
 * PUBLIC_PATHS.has('/v1/docs') // => true
 */
export const PUBLIC_PATHS = new Set(['/v1/openapi.json', '/v1/docs']);

function unauthorized(message: string): MnemoError {
  return new MnemoError('unauthorized', message);
}

function forbidden(message: string): MnemoError {
  return new MnemoError('forbidden', message);
}

/** The raw key of a request: `Authorization: Bearer <key>` or `x-api-key: <key>`; undefined when neither is sent. */
function presentedKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <key>"');
    return m[1];
  }
  const x = c.req.header('x-api-key');
  return x === undefined ? undefined : x.trim();
}

/**
 * True when the caller holds `scope` (`admin` implies every scope).
 *
 * @example
 * if (!hasScope(c.get('auth'), 'write')) ...
 */
export function hasScope(auth: AuthInfo, scope: KeyScope): boolean {
  return auth.scopes.includes(scope) || auth.scopes.includes('admin');
}

/**
 * Route middleware demanding a scope beyond the method's default (GET = read,
 * other methods = write): admin routes use `requireScope('admin')`.
 *
 * @example
 * app.openapi({ ...route, middleware: [requireScope('admin')] }, handler);
 */
export function requireScope(scope: KeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get('auth');
    if (!auth || !hasScope(auth, scope))
      throw forbidden(`this route needs the "${scope}" scope and the key has ${describeScopes(auth)}`);
    await next();
  };
}

function describeScopes(auth: AuthInfo | undefined): string {
  return auth?.scopes.length ? auth.scopes.join(', ') : 'none';
}

/**
 * The scope a request needs by its method alone: GET (HEAD, OPTIONS) read, the rest write.
 *
 * @example
 * methodScope('POST') // 'write'
 */
export function methodScope(method: string): KeyScope {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write';
}

/**
 * The scope a handler acts on: the key's tenant, with user/agent/session from the
 * request. A request naming another tenant is refused (403), never served.
 *
 * @example
 * const scope = requestScope(c, body.scope); // { tenant: <the key's>, user: ... }
 */
export function requestScope(c: Context<AppEnv>, scope?: Scope): Scope {
  const auth = c.get('auth');
  if (scope?.tenant !== undefined && scope.tenant !== auth.tenant)
    throw forbidden(
      `scope.tenant "${scope.tenant}" is not this key's tenant: a key acts only on its own tenant ("${auth.tenant}"); omit scope.tenant`,
    );
  return { ...scope, tenant: auth.tenant };
}

/** The JSON object body of a request, or undefined (read as text: hono caches it for the route's validator). */
async function jsonBody(c: Context<AppEnv>): Promise<Record<string, unknown> | undefined> {
  const type = c.req.header('content-type') ?? '';
  if (c.req.method === 'GET' || c.req.method === 'HEAD' || !/^application\/([\w.-]+\+)?json/i.test(type))
    return undefined;
  const text = await c.req.text();
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MnemoError('invalid_input', 'request body is not valid JSON: check quoting and commas', {
      field: 'body',
    });
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

/** The tenant a request names (query `tenant`, body `scope.tenant`, body `tenant`), if any. */
async function namedTenant(c: Context<AppEnv>): Promise<string | undefined> {
  const q = c.req.query('tenant');
  if (q !== undefined) return q;
  const b = (await jsonBody(c)) as { tenant?: unknown; scope?: { tenant?: unknown } } | undefined;
  const t = b?.scope?.tenant ?? b?.tenant;
  return typeof t === 'string' ? t : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}

function fromLoopback(c: Context<AppEnv>): boolean {
  try {
    const address = getConnInfo(c).remote.address ?? '';
    return address === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(address);
  } catch {
    return false; // not a node socket (app.request in tests): never local
  }
}

/** Refuses a query `tenant` or JSON body `scope.tenant` / `tenant` naming another tenant. */
async function guardTenant(c: Context<AppEnv>, tenant: string): Promise<void> {
  const q = c.req.query('tenant');
  if (q !== undefined && q !== tenant)
    throw forbidden(
      `tenant "${q}" is not this key's tenant ("${tenant}"): a key acts only on its own tenant`,
    );
  const body = await jsonBody(c);
  if (!body) return;
  const b = body as { tenant?: unknown; scope?: { tenant?: unknown } };
  for (const [name, value] of [
    ['scope.tenant', b.scope?.tenant],
    ['tenant', b.tenant],
  ] as const) {
    if (value !== undefined && value !== tenant)
      throw forbidden(
        `${name} "${String(value)}" is not this key's tenant ("${tenant}"): a key acts only on its own tenant; omit ${name}`,
      );
  }
}

/**
 * Authenticates every `/v1` request (except the API description), sets `auth` on the
 * context, checks the method's scope (GET = read, others = write) and refuses any
 * tenant other than the key's. In open mode, with no key in the store at all, a
 * request without a key is tenant `default` with every scope.
 *
 * @example
 * app.use('/v1/*', authMiddleware({ keys, openMode: true }));
 */
export function authMiddleware(deps: {
  keys: Keys;
  openMode: boolean;
  /** The data folder owner's local admin token (see `ServerConfig.localToken`); empty or absent: none. */
  localToken?: string;
  /** The scope a request needs (default: GET = read, others = write); MCP needs read and checks writes per tool. */
  scopeFor?: (c: Context<AppEnv>) => KeyScope;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (PUBLIC_PATHS.has(c.req.path)) return next();
    const raw = presentedKey(c);
    let auth: AuthInfo;
    if (raw === undefined || raw === '') {
      if (!deps.openMode || (await deps.keys.count()) > 0)
        throw unauthorized(
          'no API key: send "Authorization: Bearer <key>" or "x-api-key: <key>" (an administrator creates keys with `mnemo keys create --tenant T`)',
        );
      auth = { tenant: OPEN_TENANT, keyId: null, scopes: [...KEY_SCOPES], open: true, key: null };
    } else if (deps.localToken && raw.startsWith('mnemo_local_')) {
      if (!sameSecret(raw, deps.localToken))
        throw unauthorized('unknown local admin token: it belongs to another run of `mnemo serve`');
      if (!fromLoopback(c))
        throw unauthorized('the local admin token is accepted only from this machine (loopback)');
      const tenant = (await namedTenant(c)) ?? OPEN_TENANT;
      auth = { tenant, keyId: null, scopes: [...KEY_SCOPES], open: false, local: true, key: null };
    } else {
      const key = await deps.keys.verify(raw);
      auth = { tenant: key.tenant, keyId: key.id, scopes: key.scopes, open: false, key };
    }
    c.set('auth', auth);
    const needed = deps.scopeFor?.(c) ?? methodScope(c.req.method);
    if (!hasScope(auth, needed))
      throw forbidden(`${c.req.method} needs the "${needed}" scope and the key has ${describeScopes(auth)}`);
    await guardTenant(c, auth.tenant);
    await next();
  };
}
