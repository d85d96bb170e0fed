/**
 * The one generic mount of the contract's operations: for each {@link Operation} a Hono
 * route (and so its OpenAPI entry) built from its declaration, and one handler that
 * gathers the input from path, query and body, merges the scope, runs the operation on
 * the request's memory and answers with its result as JSON.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  type AnyOperation,
  encodeResult,
  methodOf,
  pathParams,
  queryScopeParts,
  type ScopePart,
  wireSchema,
} from '../../contract/operation.js';
import { NotFoundError } from '../../errors.js';
import { requireScope } from '../auth-middleware.js';
import { commonErrorResponses, errorBodySchema } from '../error-handler.js';
import type { MnemoApp } from '../server-types.js';
import {
  documented,
  json,
  jsonBody,
  q,
  routeHook,
  scopeOf,
  scopeQuery,
  splitQuery,
  withoutFields,
} from './route-helpers.js';
import { zodDef } from './schema-docs.js';

/** The kind of query-string conversion a field needs, from its (unwrapped) zod type. */
function queryParam(field: z.ZodType): z.ZodType {
  let cur: z.ZodType = field;
  for (;;) {
    const def = zodDef(cur);
    if (def && ['optional', 'default', 'prefault', 'nullable'].includes(def.type) && def.innerType)
      cur = def.innerType as z.ZodType;
    else break;
  }
  const type = zodDef(cur)?.type;
  if (type === 'number' || type === 'int') return q.number(field);
  if (type === 'boolean') return q.boolean(field);
  if (type === 'array') return q.list(field);
  return q.text(field);
}

/**
 * The query parameters of a GET or DELETE operation: the scope parts, then every input
 * field that is not in the path, converted from its string form and checked by the
 * area's own field schema.
 *
 * @example
 * queryOf(factsList) // scopeQuery.extend({ kind, category, ..., cursor })
 */
export function queryOf(op: AnyOperation) {
  // A field named like a scope part (`session` of episodes.list) is that scope parameter:
  // its value reaches the area as the scope's part, which the area reads the same way.
  const skip = new Set(['scope', 'tenant', ...pathParams(op), ...queryScopeParts(op)]);
  const extra: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(op.input.shape as Record<string, z.ZodType>))
    if (!skip.has(k)) extra[k] = queryParam(s);
  return scopeQueryOf(op).extend(extra).strict();
}

/** The scope parameters of an operation's query string (all, or those `http.scopeQuery` names). */
function scopeQueryOf(op: AnyOperation) {
  if (!op.http.scopeQuery) return scopeQuery;
  const parts = queryScopeParts(op);
  const omit = (['user', 'agent', 'session'] as const).filter((p) => !parts.includes(p));
  return scopeQuery.omit(Object.fromEntries(omit.map((p) => [p, true])) as Partial<Record<ScopePart, true>>);
}

/** A validated query split into the scope parts the operation takes there and its other fields. */
function queryInput(op: AnyOperation, query: Record<string, unknown>) {
  const { scope, rest } = splitQuery(query);
  if (!op.http.scopeQuery) return { scope, rest: rest as Record<string, unknown> };
  const parts = queryScopeParts(op);
  const own: Record<string, unknown> = { ...rest };
  const kept: Record<string, unknown> = {};
  for (const p of ['user', 'agent', 'session'] as const)
    if (parts.includes(p)) kept[p] = scope[p];
    else if (query[p] !== undefined) own[p] = query[p];
  return { scope: kept, rest: own };
}

/** The JSON body of a POST or PUT operation: its input minus the path parameters. */
function bodyOf(op: AnyOperation): z.ZodType {
  const params = pathParams(op);
  return params.length > 0 ? withoutFields(op.input, params) : documented(op.input);
}

/**
 * The route definition of an operation (what the OpenAPI document shows), with the
 * operations that share its route (`sharesRouteWhen`): the body tries theirs first (each
 * is told by its field), the response lists the route's own result first.
 *
 * @example
 * app.openapi(routeOf(factsGet), handler);
 */
export function routeOf(op: AnyOperation, sharing: readonly AnyOperation[] = []) {
  const { http } = op;
  const params = pathParams(op);
  const inQuery = http.method === 'get' || http.method === 'delete';
  const shape = op.input.shape as Record<string, z.ZodType>;
  const request: Record<string, unknown> = {};
  if (params.length > 0) request.params = z.object(Object.fromEntries(params.map((p) => [p, shape[p]])));
  // A query parameter the operation does not know is refused, naming it, like a body field.
  request.query = inQuery ? queryOf(op) : scopeQueryOf(op).strict();
  if (!inQuery) {
    const schema =
      sharing.length > 0
        ? z.union([...sharing.map(bodyOf), bodyOf(op)] as [z.ZodType, z.ZodType])
        : bodyOf(op);
    request.body = { ...jsonBody(schema), required: !http.bodyOptional };
  }
  const errors = Object.fromEntries(
    Object.entries(http.errors ?? {}).map(([status, description]) => [
      status,
      json(errorBodySchema, description),
    ]),
  );
  const result =
    sharing.length > 0
      ? z.union([wireSchema(op), ...sharing.map(wireSchema)] as [z.ZodType, z.ZodType])
      : wireSchema(op);
  return createRoute({
    method: http.method,
    path: http.path,
    operationId: op.id,
    tags: [http.tag ?? op.area ?? 'memory'],
    summary: http.summary,
    ...(http.description ? { description: http.description } : {}),
    request,
    responses: {
      [http.status ?? 200]: json(result, http.response),
      ...errors,
      ...commonErrorResponses,
    },
    ...(op.access === 'admin' ? { middleware: [requireScope('admin')] } : {}),
  });
}

/** Which of a route's operations a body is for: the first sharing one whose field it holds. */
function pick(op: AnyOperation, sharing: readonly AnyOperation[], body: unknown): AnyOperation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return op;
  return sharing.find((o) => (o.http.sharesRouteWhen as string) in body) ?? op;
}

/**
 * The validation hook of a shared route: a body failing the union is checked again as
 * the operation it is for, so the error names the field at fault in the shape meant.
 */
function sharedHook(op: AnyOperation, sharing: readonly AnyOperation[]): typeof routeHook {
  return (result, c) => {
    if (!result.success && result.target === 'json') {
      const r = bodyOf(pick(op, sharing, result.data)).safeParse(result.data);
      if (!r.success) routeHook({ success: false, error: r.error, target: 'json' }, c);
    }
    return routeHook(result, c);
  };
}

/**
 * Mounts operations on the app: one route each, all served by the same handler.
 *
 * @example
 * mountOperations(app, OPERATIONS);
 */
export function mountOperations(app: MnemoApp, ops: readonly AnyOperation[]): void {
  for (const owner of ops) {
    if (owner.http.sharesRouteWhen) continue;
    const sharing = ops.filter(
      (o) => o.http.sharesRouteWhen && o.http.method === owner.http.method && o.http.path === owner.http.path,
    );
    const params = pathParams(owner);
    const inQuery = owner.http.method === 'get' || owner.http.method === 'delete';
    // biome-ignore lint/suspicious/noExplicitAny: one handler serves every operation's validated input
    (app.openapi as any)(
      routeOf(owner, sharing),
      // biome-ignore lint/suspicious/noExplicitAny: as above
      async (c: any) => {
        const { scope: queryScope, rest } = queryInput(owner, c.req.valid('query') ?? {});
        const body = (inQuery ? {} : (c.req.valid('json') ?? {})) as Record<string, unknown>;
        const path = (params.length > 0 ? c.req.valid('param') : {}) as Record<string, unknown>;
        const op = pick(owner, sharing, body);
        const input = {
          ...rest,
          ...body,
          ...path,
          scope: scopeOf(c, queryScope, body.scope as never),
        };
        op.guard?.(input);
        const result = await methodOf(c.get('memory'), op)(input);
        const absent = op.absent;
        if (absent && result === (absent.value ?? null))
          throw new NotFoundError(
            `${absent.what} ${String(input[absent.field as keyof typeof input] ?? '')}`.trim() +
              ' does not exist in this tenant and scope',
            absent.field,
          );
        return c.json(encodeResult(op, result), op.http.status ?? 200);
      },
      sharing.length > 0 ? sharedHook(owner, sharing) : routeHook,
    );
  }
}

/**
 * Which requests run an operation that only reads although its method is not GET
 * (recall, context): the key needs the `read` scope there, not `write`.
 *
 * @example
 * const reads = readOnlyRequests(OPERATIONS); reads('POST', '/v1/recall') // true
 */
export function readOnlyRequests(ops: readonly AnyOperation[]): (method: string, path: string) => boolean {
  const patterns = ops
    .filter((o) => o.access === 'read' && o.http.method !== 'get')
    .map((o) => ({
      method: o.http.method.toUpperCase(),
      re: new RegExp(`^${o.http.path.replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
  return (method, path) => patterns.some((p) => p.method === method && p.re.test(path));
}
