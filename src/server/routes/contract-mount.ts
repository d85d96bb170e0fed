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
  const skip = new Set(['scope', ...pathParams(op)]);
  const extra: Record<string, z.ZodType> = {};
  for (const [k, s] of Object.entries(op.input.shape as Record<string, z.ZodType>))
    if (!skip.has(k)) extra[k] = queryParam(s);
  return scopeQuery.extend(extra);
}

/**
 * The route definition of an operation (what the OpenAPI document shows).
 *
 * @example
 * app.openapi(routeOf(factsGet), handler);
 */
export function routeOf(op: AnyOperation) {
  const { http } = op;
  const params = pathParams(op);
  const inQuery = http.method === 'get' || http.method === 'delete';
  const shape = op.input.shape as Record<string, z.ZodType>;
  const request: Record<string, unknown> = {};
  if (params.length > 0) request.params = z.object(Object.fromEntries(params.map((p) => [p, shape[p]])));
  request.query = inQuery ? queryOf(op) : scopeQuery;
  if (!inQuery) {
    const schema = params.length > 0 ? withoutFields(op.input, params) : documented(op.input);
    request.body = { ...jsonBody(schema), required: !http.bodyOptional };
  }
  const errors = Object.fromEntries(
    Object.entries(http.errors ?? {}).map(([status, description]) => [
      status,
      json(errorBodySchema, description),
    ]),
  );
  return createRoute({
    method: http.method,
    path: http.path,
    operationId: op.id,
    tags: [http.tag ?? op.area ?? 'memory'],
    summary: http.summary,
    ...(http.description ? { description: http.description } : {}),
    request,
    responses: {
      [http.status ?? 200]: json(wireSchema(op), http.response),
      ...errors,
      ...commonErrorResponses,
    },
    ...(op.access === 'admin' ? { middleware: [requireScope('admin')] } : {}),
  });
}

/**
 * Mounts operations on the app: one route each, all served by the same handler.
 *
 * @example
 * mountOperations(app, OPERATIONS);
 */
export function mountOperations(app: MnemoApp, ops: readonly AnyOperation[]): void {
  for (const op of ops) {
    const params = pathParams(op);
    const inQuery = op.http.method === 'get' || op.http.method === 'delete';
    const absent = op.absent;
    // biome-ignore lint/suspicious/noExplicitAny: one handler serves every operation's validated input
    (app.openapi as any)(
      routeOf(op),
      // biome-ignore lint/suspicious/noExplicitAny: as above
      async (c: any) => {
        const { scope: queryScope, rest } = splitQuery(c.req.valid('query') ?? {});
        const body = (inQuery ? {} : (c.req.valid('json') ?? {})) as Record<string, unknown>;
        const path = (params.length > 0 ? c.req.valid('param') : {}) as Record<string, unknown>;
        const input = {
          ...rest,
          ...body,
          ...path,
          scope: scopeOf(c, queryScope, body.scope as never),
        };
        const result = await methodOf(c.get('memory'), op)(input);
        if (absent && result === (absent.value ?? null))
          throw new NotFoundError(
            `${absent.what} ${String(input[absent.field as keyof typeof input] ?? '')}`.trim() +
              ' does not exist in this tenant and scope',
            absent.field,
          );
        return c.json(encodeResult(op, result), op.http.status ?? 200);
      },
      routeHook,
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
