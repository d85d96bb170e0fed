import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { InvalidInputError, NotFoundError } from '../../errors.js';
import type { Scope } from '../../scope.js';
import { LIMITS } from '../../validation.js';
import { requestScope } from '../auth-middleware.js';
import { errorBodySchema, refuseEmptyBody, validationHook } from '../error-handler.js';
import type { AppEnv } from '../server-types.js';
import { documented, zodDef } from './schema-docs.js';

export { documented, withoutFields } from './schema-docs.js';

/**
 * A JSON response (or request body) entry of a route definition.
 *
 * @example
 * responses: { 200: json(brainEntryWire, 'the entry') }
 */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * A required JSON request body.
 *
 * @example
 * request: { body: jsonBody(documented(assertFactSchema)) }
 */
export function jsonBody<T extends z.ZodType>(schema: T, description = 'JSON body') {
  return { required: true, description, content: { 'application/json': { schema } } };
}

/**
 * The 404 response entry of routes that name a thing.
 *
 * @example
 * responses: { 200: json(x, 'x'), ...notFound('no such episode in this tenant'), ...commonErrorResponses }
 */
export function notFound(description: string) {
  return { 404: json(errorBodySchema, description) };
}

/**
 * The 409 response entry of routes that can lose a race or act twice.
 *
 * @example
 * responses: { 200: json(x, 'x'), ...conflict('already resolved'), ...commonErrorResponses }
 */
export function conflict(description: string) {
  return { 409: json(errorBodySchema, description) };
}

const WHERE: Record<string, string> = { json: 'body', query: 'query', param: 'path' };

/**
 * The validation hook of the area routes: the app's hook, except that a field the
 * schema does not know is named (`"scope.tenantt": is not a field of this request`)
 * instead of being reported on the enclosing object. Valid input is also refused when a
 * string in it holds U+0000: PostgreSQL cannot store that character in text or jsonb,
 * so every route refuses it up front with the field named.
 *
 * @example
 * app.openapi(route, handler, routeHook);
 */
export function routeHook(
  result: { success: boolean; data?: unknown; error?: unknown; target: string },
  c?: { req: { raw: Request } },
): undefined {
  refuseEmptyBody(result, c);
  if (result.success) {
    const at = nulPath(result.data, [], 0);
    if (at !== null) {
      const field = at.join('.');
      throw new InvalidInputError(
        `${field ? `"${field}"` : 'input'}: must not contain the NUL character (U+0000), which PostgreSQL cannot store`,
        field || undefined,
        { in: WHERE[result.target] ?? result.target },
      );
    }
    return undefined;
  }
  if (!result.error) return undefined;
  const issues = (result.error as z.ZodError).issues ?? [];
  // A misspelt field explains the rest (`valeu` sent, so `value` is missing): it headlines.
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue?.code === 'unrecognized_keys') {
    const field = [...issue.path.map(String), issue.keys[0]].join('.');
    const others = issue.keys.length > 1 ? ` (and ${issue.keys.length - 1} more)` : '';
    throw new InvalidInputError(
      `"${field}": is not a field of this request${others}: remove it or check its spelling (see /v1/docs)`,
      field,
      { in: WHERE[result.target] ?? result.target, unknown: issue.keys.slice(0, 10) },
    );
  }
  if (issue && issue.path.length > 0 && valueAt(result.data, issue.path) === undefined) {
    const field = issue.path.map(String).join('.');
    throw new InvalidInputError(
      `"${field}": is required (see /v1/docs for the fields of this request)`,
      field,
      {
        in: WHERE[result.target] ?? result.target,
      },
    );
  }
  validationHook(result as Parameters<typeof validationHook>[0]);
  return undefined;
}

/** The raw input at a path, or undefined when any step is absent. */
function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** The path of the first string (or object key) holding U+0000, or null. */
function nulPath(v: unknown, path: string[], depth: number): string[] | null {
  if (typeof v === 'string') return v.includes('\u0000') ? path : null;
  if (depth > 64 || typeof v !== 'object' || v === null || v instanceof Date) return null;
  for (const [k, x] of Object.entries(v)) {
    if (k.includes('\u0000')) return [...path, k];
    const found = nulPath(x, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

/** Peels optional/default wrappers off a field schema. */
function inner(s: z.ZodType): z.ZodType {
  let cur = s;
  for (;;) {
    const def = zodDef(cur);
    if (def && ['optional', 'default', 'prefault', 'nullable'].includes(def.type) && def.innerType)
      cur = def.innerType as z.ZodType;
    else return cur;
  }
}

const toNumber = (v: unknown) =>
  typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
const toBoolean = (v: unknown) => (v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v);
const toArray = (v: unknown) => (typeof v === 'string' ? [v] : v);

/**
 * Query-string versions of an area's field schemas: query values are strings, so numbers,
 * booleans and lists are converted first and then checked by the area's own schema.
 * Lists are repeated parameters (`?tags=a&tags=b`). Every query parameter is optional.
 *
 * @example
 * const query = z.object({ limit: q.number(listEpisodesSchema.shape.limit), since: q.text(listEpisodesSchema.shape.since) });
 */
export const q = {
  number: <S extends z.ZodType>(s: S) => z.preprocess(toNumber, inner(s)).optional() as QueryParam<S>,
  boolean: <S extends z.ZodType>(s: S) => z.preprocess(toBoolean, inner(s)).optional() as QueryParam<S>,
  list: <S extends z.ZodType>(s: S) => z.preprocess(toArray, inner(s)).optional() as QueryParam<S>,
  text: <S extends z.ZodType>(s: S) => documented(inner(s)).optional() as QueryParam<S>,
};

/** An optional query parameter checked by an area's field schema `S`. */
export type QueryParam<S extends z.ZodType> = z.ZodOptional<z.ZodType<NonNullable<z.output<S>>, unknown>>;

const scopePart = z
  .string()
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters')
  .optional()
  .openapi({ description: 'scope part (also accepted in the JSON body as scope.*)' });

/**
 * The scope parts a request may give in its query string (the tenant always comes from the key).
 *
 * @example
 * request: { query: scopeQuery }
 */
export const scopeQuery = z.object({
  user: scopePart,
  agent: scopePart,
  session: scopePart,
  tenant: z.string().optional().openapi({ description: "if given, must be the key's tenant" }),
});

/** Scope parts of the query string (may be absent). */
export type ScopeQuery = { user?: string; agent?: string; session?: string };

/**
 * The scope a handler acts on: the key's tenant, with user/agent/session from the JSON
 * body's `scope` and the query string (the same part given differently in both is refused).
 *
 * @example
 * const scope = scopeOf(c, c.req.valid('query'), body.scope);
 */
export function scopeOf(c: Context<AppEnv>, query: ScopeQuery = {}, bodyScope?: Scope): Scope {
  const merged: Scope = { ...bodyScope };
  for (const part of ['user', 'agent', 'session'] as const) {
    const fromQuery = query[part];
    if (fromQuery === undefined) continue;
    if (merged[part] !== undefined && merged[part] !== fromQuery)
      throw new InvalidInputError(
        `"scope.${part}": the query string says "${fromQuery}" and the body says "${merged[part]}": give it once`,
        `scope.${part}`,
      );
    merged[part] = fromQuery;
  }
  return requestScope(c, merged);
}

/**
 * Splits a validated query into its scope parts and the rest (the `tenant` parameter,
 * already checked against the key, is dropped).
 *
 * @example
 * const { scope, rest } = splitQuery(c.req.valid('query')); await memory.brain.list({ ...rest, scope: scopeOf(c, scope) });
 */
export function splitQuery<T extends ScopeQuery & { tenant?: string }>(
  query: T,
): { scope: ScopeQuery; rest: Omit<T, 'user' | 'agent' | 'session' | 'tenant'> } {
  const { user, agent, session, tenant: _tenant, ...rest } = query;
  return { scope: { user, agent, session }, rest };
}

/**
 * The value, or a 404 `not_found` naming what is missing.
 *
 * @example
 * return c.json(wire(found(await memory.episodes.get({ scope, id }), `episode ${id}`)), 200);
 */
export function found<T>(value: T | null | undefined, what: string, field = 'id'): T {
  if (value === null || value === undefined)
    throw new NotFoundError(`${what} does not exist in this tenant and scope`, field);
  return value;
}

/**
 * What a value becomes as JSON: dates turn into ISO strings.
 *
 * @example
 * const w: Wire<{ at: Date }> = { at: '2026-05-08T12:00:00.000Z' };
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/**
 * Types a result as it goes out on the wire (`c.json` turns dates into ISO strings);
 * the value itself is unchanged.
 *
 * @example
 * return c.json(wire(entry), 200);
 */
export function wire<T>(value: T): Wire<T> {
  return value as Wire<T>;
}
