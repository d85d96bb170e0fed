import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { isOutOfSpace, outOfSpaceError } from '../db/storage-errors.js';
import { type ErrorCode, errorStatus, InvalidInputError, isMnemoError, MnemoError } from '../errors.js';
import type { ServerLogger } from './server-types.js';

/**
 * The one error body every `/v1` failure has.
 *
 * @example
 * // { "error": { "code": "invalid_input", "message": "\"importance\": must be 1 to 10", "field": "importance" } }
 */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string(),
      field: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

/**
 * The error responses every authenticated route can give, for OpenAPI route definitions.
 *
 * @example
 * createRoute({ ..., responses: { 200: ok, ...commonErrorResponses } });
 */
export const commonErrorResponses = {
  400: { description: 'invalid input', content: { 'application/json': { schema: errorBodySchema } } },
  401: {
    description: 'no, unknown, revoked or expired API key',
    content: { 'application/json': { schema: errorBodySchema } },
  },
  403: {
    description: 'the key lacks the scope, or names another tenant',
    content: { 'application/json': { schema: errorBodySchema } },
  },
  429: {
    description: 'rate limit or monthly quota exceeded (see Retry-After)',
    content: { 'application/json': { schema: errorBodySchema } },
  },
} as const;

/**
 * Turns a zod failure into `invalid_input` naming the first field at fault.
 *
 * @example
 * throw zodToInvalidInput(result.error, 'query');
 */
export function zodToInvalidInput(err: ZodError, where?: string): InvalidInputError {
  const issue = err.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const label = field ? `"${field}"` : (where ?? 'input');
  return new InvalidInputError(`${label}: ${issue?.message ?? 'is invalid'}`, field || undefined, {
    ...(where ? { in: where } : {}),
    issues: err.issues.slice(0, 5).map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  });
}

const WHERE: Record<string, string> = { json: 'body', query: 'query', param: 'path', header: 'header' };

const emptyJsonBodies = new WeakSet<Request>();

/**
 * Marks a request whose JSON body is empty (no bytes): it is validated as `{}`, so a
 * missing field is named (`"value": is required`), and refused where `{}` would pass.
 *
 * @example
 * if (c.req.header('content-length') === '0') markEmptyJsonBody(c.req.raw);
 */
export function markEmptyJsonBody(req: Request): void {
  emptyJsonBodies.add(req);
}

/**
 * Throws `invalid_input` (field `body`) when a marked empty body passed its schema:
 * an empty body never does something by accident.
 *
 * @example
 * refuseEmptyBody(result, c);
 */
export function refuseEmptyBody(
  result: { success: boolean; target: string },
  c?: { req: { raw: Request } },
): void {
  if (result.success && result.target === 'json' && c && emptyJsonBodies.has(c.req.raw))
    throw new InvalidInputError(
      'the request body is empty: send a JSON object ({} when no field is needed)',
      'body',
      { in: 'body' },
    );
}

/**
 * The validation hook of every route: a request that fails its zod schema is a
 * 400 `invalid_input` naming the field (and whether it is in the body, query or path).
 *
 * @example
 * new OpenAPIHono({ defaultHook: validationHook });
 */
export function validationHook(
  result: { success: boolean; error?: ZodError; target: string },
  c?: { req: { raw: Request } },
): void {
  refuseEmptyBody(result, c);
  if (!result.success && result.error)
    throw zodToInvalidInput(result.error, WHERE[result.target] ?? result.target);
}

function fromHttpException(e: HTTPException): { status: number; error: MnemoError } {
  if (e.status === 400 && /json/i.test(e.message))
    return {
      status: 400,
      error: new InvalidInputError('request body is not valid JSON: check quoting and commas', 'body'),
    };
  if (e.status === 413)
    return { status: 413, error: new MnemoError('payload_too_large', 'request body is too large') };
  if (e.status === 415)
    return {
      status: 415,
      error: new InvalidInputError(
        'send the body as JSON with "Content-Type: application/json"',
        'content-type',
      ),
    };
  const code = (Object.entries(errorStatus).find(([, s]) => s === e.status)?.[0] ?? 'internal') as ErrorCode;
  if (code === 'internal') return { status: 500, error: new MnemoError('internal', 'internal error') };
  return { status: e.status, error: new MnemoError(code, e.message || code) };
}

/**
 * Maps anything thrown to a status and a safe body. Unknown errors become
 * `500 internal` and their detail goes to the log only, never to the caller.
 *
 * @example
 * const { status, body } = toErrorResponse(e, logger, 'GET /v1/x');
 */
export function toErrorResponse(
  e: unknown,
  logger: ServerLogger,
  where: string,
): { status: number; body: { error: ReturnType<MnemoError['toJSON']> }; retryAfter?: number } {
  let status: number;
  let error: MnemoError;
  if (isMnemoError(e)) {
    error = e;
    status = errorStatus[e.code] ?? 500;
  } else if (e instanceof ZodError) {
    error = zodToInvalidInput(e);
    status = 400;
  } else if (e instanceof HTTPException) {
    ({ status, error } = fromHttpException(e));
  } else if (isOutOfSpace(e)) {
    logger.error(`${where}: the database is out of disk space`, e);
    error = outOfSpaceError('the write that failed is not in the store', e);
    status = errorStatus.unavailable;
  } else {
    logger.error(`${where}: internal error`, e);
    error = new MnemoError('internal', 'internal error');
    status = 500;
  }
  if (error.code === 'internal') {
    if (isMnemoError(e)) logger.error(`${where}: internal error`, e);
    error = new MnemoError('internal', 'internal error');
  }
  const retry = error.details?.retryAfterSeconds;
  return {
    status,
    body: { error: error.toJSON() },
    ...(typeof retry === 'number' ? { retryAfter: retry } : {}),
  };
}

/**
 * Sends the error body for `e` on `c`.
 *
 * @example
 * app.get('/x', (c) => sendError(c, new NotFoundError('no x'), logger));
 */
export function sendError(c: Context, e: unknown, logger: ServerLogger): Response {
  const { status, body, retryAfter } = toErrorResponse(e, logger, `${c.req.method} ${c.req.path}`);
  if (retryAfter !== undefined) c.header('Retry-After', String(retryAfter));
  return c.json(body, status as ContentfulStatusCode);
}

/**
 * The app's error handler.
 *
 * @example
 * app.onError(errorHandler(logger));
 */
export function errorHandler(logger: ServerLogger): ErrorHandler {
  return (e, c) => sendError(c, e, logger);
}

/** A route path as hono registers it (`/v1/brain/:key`) turned into a matcher. */
function pathMatcher(path: string): RegExp {
  const src = path
    .split('/')
    .map((seg) =>
      seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${src}$`);
}

/**
 * The methods registered for a request path, from the app's own route table
 * (middleware, registered for every method, does not count).
 *
 * @example
 * allowedMethods(app.routes, '/v1/brain/a.b') // ['PUT', 'GET', 'DELETE']
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const out = new Set<string>();
  for (const r of routes) if (r.method !== 'ALL' && pathMatcher(r.path).test(path)) out.add(r.method);
  if (out.has('GET')) out.add('HEAD');
  return [...out];
}

/**
 * Unknown routes: a JSON 404, never an HTML page; a known path with another method is
 * `405 method_not_allowed` with an `Allow` header listing the path's methods.
 *
 * @example
 * app.notFound(notFoundHandler(() => app.routes));
 */
export function notFoundHandler(routes: () => readonly { method: string; path: string }[]): NotFoundHandler {
  return (c) => {
    const allow = allowedMethods(routes(), c.req.path);
    if (allow.length > 0) {
      c.header('Allow', allow.join(', '));
      return c.json(
        {
          error: {
            code: 'method_not_allowed',
            message: `${c.req.method} is not a method of ${c.req.path}: use ${allow.join(', ')} (see /v1/docs)`,
          },
        },
        405,
      );
    }
    return c.json(
      {
        error: {
          code: 'not_found',
          message: `no route ${c.req.method} ${c.req.path}: see /v1/docs for the API`,
        },
      },
      404,
    );
  };
}
