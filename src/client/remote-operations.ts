/**
 * The one generic implementation of the remote client: each contract operation becomes
 * a method that checks its input with the operation's own schema (the same typed error
 * as in process, before any request), sends it where the operation's HTTP shape says,
 * and decodes the answer with the operation's output schema (dates become Dates).
 */
import { type AnyOperation, decodeResult, pathParams, queryScopeParts } from '../contract/operation.js';
import type { Scope } from '../scope.js';
import { parse } from '../validation.js';
import { type RemoteHttp, scopeParams } from './remote-http.js';

type Input = { scope?: Scope } & Record<string, unknown>;

/**
 * The client method of one operation.
 *
 * @example
 * const get = remoteOperation(http, factsGet); const fact = await get({ id }); // Fact | null
 */
export function remoteOperation(http: RemoteHttp, op: AnyOperation): (raw?: unknown) => Promise<unknown> {
  const params = pathParams(op);
  const method = op.http.method.toUpperCase() as 'GET' | 'POST' | 'PUT' | 'DELETE';
  const inQuery = method === 'GET' || method === 'DELETE';
  const what = `${op.area ? `${op.area}.` : ''}${op.method} input`;
  // A scope part the query string does not carry is left out (its name may be a field's).
  const dropped = (['user', 'agent', 'session'] as const).filter((p) => !queryScopeParts(op).includes(p));
  return async (raw = {}) => {
    // As in process: only a left-out input means {}; null or a non-object is refused.
    parse(op.input, raw, what);
    const input = { ...(raw as Input) };
    const path = op.http.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(String(input[k])));
    for (const p of params) delete input[p];
    let query: Record<string, unknown> | undefined;
    let body: unknown;
    if (inQuery) {
      const { scope, ...rest } = input;
      const parts = scopeParams(scope);
      for (const p of dropped) delete parts[p];
      query = { ...parts, ...rest };
    } else body = input;
    const json = await http.send({ method, path, query, body, absentField: op.absent?.field });
    if (json === undefined && op.absent) return op.absent.value ?? null;
    return decodeResult(op, json);
  };
}

/**
 * The methods of an area (or of the memory itself: `area` undefined) from the operations.
 *
 * @example
 * const facts = remoteArea(http, OPERATIONS, 'facts') as Facts;
 */
export function remoteArea(
  http: RemoteHttp,
  ops: readonly AnyOperation[],
  area: string | undefined,
): Record<string, (raw?: unknown) => Promise<unknown>> {
  const out: Record<string, (raw?: unknown) => Promise<unknown>> = {};
  for (const op of ops) {
    if (op.area !== area) continue;
    const send = remoteOperation(http, op);
    out[op.method] = send;
    const alias = op.alias;
    if (alias)
      out[alias.method] = async (raw = {}) => {
        parse(alias.input, raw ?? {}, `${area ? `${area}.` : ''}${alias.method} input`);
        return alias.result(await send(raw));
      };
  }
  return out;
}
