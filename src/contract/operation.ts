/**
 * One public operation of the memory API, declared once. The HTTP route, its OpenAPI
 * entry, the remote client's method and the MCP tool are all derived from this
 * declaration (src/server/contract-mount.ts, src/client/remote-operations.ts,
 * src/mcp/mcp-operations.ts); docs/conventions.md has the recipe "add an operation".
 */
import { z } from 'zod';

/** What a caller's key must hold: `read`, `write` (implies nothing else) or `admin` (implies all). */
export type Access = 'read' | 'write' | 'admin';

/** HTTP statuses an operation may answer with besides the common ones (400, 401, 403, 429). */
export type ErrorStatus = 404 | 409 | 422 | 502 | 503;

/**
 * How an operation is served over HTTP. Path parameters (`{id}`) are input fields; on
 * GET and DELETE the other fields are query parameters, on POST and PUT the JSON body.
 * Scope parts may always come in the query string too (`?user=alice`).
 *
 * @example
 * const http: OperationHttp = { method: 'get', path: '/v1/facts/{id}', summary: 'Get a fact', response: 'the fact' };
 */
export interface OperationHttp {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  /** The success status (default 200). */
  status?: 200 | 201 | 202;
  /** One line for the OpenAPI document. */
  summary: string;
  /** More prose for the OpenAPI document, when one line is not enough. */
  description?: string;
  /** What the success response holds, for the OpenAPI document. */
  response: string;
  /** The statuses this operation may answer besides the common ones, with what each means. */
  errors?: Partial<Record<ErrorStatus, string>>;
  /** POST/PUT: may the body be left out (default: required)? */
  bodyOptional?: boolean;
  /**
   * The result travels as `{ [envelope]: result }` (`{ items: [...] }` for a list the
   * library returns as an array, `{ deleted: true }`).
   */
  envelope?: string;
  /** The OpenAPI tag (default: the area, else `memory`). */
  tag?: string;
  /**
   * Served on the route of the operation with the same method and path (a batch beside
   * its single form): a body holding this field runs this operation, any other body the
   * route's own. The route's body and response are then the union of both; its summary,
   * id and response description are the route owner's.
   */
  sharesRouteWhen?: string;
  /**
   * The scope parts the query string carries (default all three). A part left out
   * leaves its name to the input field of the same name: observations' `agent` is the
   * publisher to filter by, not the scope's agent, which plays no part there.
   */
  scopeQuery?: readonly ScopePart[];
}

/**
 * A scope part a request may give in its query string.
 *
 * @example
 * const parts: ScopePart[] = ['user', 'session'];
 */
export type ScopePart = 'user' | 'agent' | 'session';

/**
 * An operation offered to a model as an MCP tool. Its input is the operation's input
 * schema, minus the fields in `omit` (default `by`, filled in from the scope) and with
 * the connection's scope in place of the tenant-bearing one.
 *
 * @example
 * const tool: OperationTool = { name: 'facts_list', title: 'List facts', description: 'List facts ...' };
 */
export interface OperationTool {
  name: string;
  title: string;
  description: string;
  /** Idempotent (same call twice, same effect) or destructive (removes or closes something). */
  hints?: { idempotent?: boolean; destructive?: boolean };
  /** Input fields the model is not offered (default `['by']`: the author is the scope's agent or user). */
  omit?: readonly string[];
  /** Text for the model instead of the JSON result (recall, context). */
  render?(result: unknown): string;
  /** The structured result for the model when it is not the JSON result itself (`{ found, entry }`). */
  data?(result: unknown): Record<string, unknown>;
}

/**
 * One public operation: which area method runs it, what it takes and returns, who may
 * call it, and how it is served over HTTP and (where it is a tool) MCP.
 *
 * @example
 * export const factsGet = defineOperation({
 *   id: 'factsGet', area: 'facts', method: 'get', access: 'read',
 *   input: factIdSchema, output: factSchema.nullable(), absent: { field: 'id', what: 'fact' },
 *   http: { method: 'get', path: '/v1/facts/{id}', summary: 'Get a fact (any version)', response: 'the fact' },
 * });
 */
export interface Operation<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType> {
  /** The OpenAPI operationId, camelCase, area then verb (`factsGet`); stable. */
  id: string;
  /** The area (`memory.facts`), or absent for a method of the memory itself (`memory.recall`). */
  area?: string;
  /** The method name: `memory[area][method]` or `memory[method]`. */
  method: string;
  /** The area's input schema: plain JSON, a `scope`, nothing that cannot travel. */
  input: I;
  /** The output schema of the in-process result (dates as date codecs). */
  output: O;
  access: Access;
  /**
   * The result for "there is none" (`null` by default; `false` for a delete): a 404
   * naming `field` on the wire, turned back into `value` by the remote client.
   */
  absent?: { field: string; what: string; value?: null | false };
  /**
   * A check the served API (HTTP, MCP) makes for an outside caller before running the
   * operation, which the in-process API does not (mnemo's own code may fill its own
   * `mnemo.*` queues, callers may not). Throws a typed error.
   */
  guard?(input: Record<string, unknown>): void;
  /**
   * Another method of the area served by this same route (`tasks.claim`, one task or
   * null, over the route of `tasks.claimBatch`): its own input schema, and how its
   * result comes from this operation's. The remote client offers it too.
   */
  alias?: { method: string; input: z.ZodObject; result(out: unknown): unknown };
  http: OperationHttp;
  tool?: OperationTool;
}

/**
 * Declares an operation (the identity function, for the types).
 *
 * @example
 * export const FACTS_OPERATIONS = [defineOperation({ id: 'factsAssert', ... })];
 */
export function defineOperation<I extends z.ZodObject, O extends z.ZodType>(
  op: Operation<I, O>,
): Operation<I, O> {
  return op;
}

/** Any operation, whatever its schemas. */
// biome-ignore lint/suspicious/noExplicitAny: a list of operations holds every input and output type
export type AnyOperation = Operation<any, any>;

/**
 * The schema of an operation's result as it travels (its envelope around the output).
 *
 * @example
 * z.encode(wireSchema(op), result) // JSON-ready
 */
export function wireSchema(op: AnyOperation): z.ZodType {
  const env = op.http.envelope;
  return env ? z.object({ [env]: op.output }) : op.output;
}

/**
 * The result as JSON: dates as ISO strings, inside the envelope when there is one.
 *
 * @example
 * c.json(encodeResult(op, fact), 200);
 */
export function encodeResult(op: AnyOperation, result: unknown): unknown {
  const env = op.http.envelope;
  return z.encode(wireSchema(op), env ? { [env]: result } : result);
}

/**
 * The in-process result from its JSON (dates revived by the output schema).
 *
 * @example
 * const fact = decodeResult(op, await res.json());
 */
export function decodeResult(op: AnyOperation, json: unknown): unknown {
  const env = op.http.envelope;
  const v = z.decode(wireSchema(op), json) as Record<string, unknown>;
  return env ? v[env] : v;
}

/**
 * The scope parts an operation takes from a query string (see `OperationHttp.scopeQuery`).
 *
 * @example
 * queryScopeParts(observationsQuery) // ['user', 'session']
 */
export function queryScopeParts(op: AnyOperation): readonly ScopePart[] {
  return op.http.scopeQuery ?? ['user', 'agent', 'session'];
}

/** The names of an operation's path parameters (`/v1/facts/{id}` → `['id']`). */
export function pathParams(op: AnyOperation): string[] {
  return [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

/**
 * The function that runs an operation on a memory: `memory[area][method]`, bound.
 *
 * @example
 * const out = await methodOf(memory, op)(input);
 */
export function methodOf(memory: object, op: AnyOperation): (input: unknown) => Promise<unknown> {
  const owner = (op.area ? (memory as Record<string, unknown>)[op.area] : memory) as Record<string, unknown>;
  const fn = owner?.[op.method];
  if (typeof fn !== 'function') throw new TypeError(`the memory has no method ${op.area ?? ''}.${op.method}`);
  return (input) => (fn as (i: unknown) => Promise<unknown>).call(owner, input);
}
