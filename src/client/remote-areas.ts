import type { Scope } from '../scope.js';

import { parse } from '../validation.js';
import { scopeParams } from './remote-http.js';

type Input = { scope?: Scope } & Record<string, unknown>;

/**
 * Checks an input with the area's own schema (the same typed error, field and message
 * as in process, before any request) and returns it as given, to be sent as JSON.
 *
 * @example
 * const input = checked(decisionGetSchema, raw, 'decisions.get input');
 */
export function checked<T>(schema: Parameters<typeof parse>[0], input: T, what: string): T & Input {
  parse(schema, input ?? {}, what);
  return (input ?? {}) as T & Input;
}

/**
 * Query parameters of a GET: the scope parts and every other field of the input.
 *
 * @example
 * asQuery({ scope: { user: 'alice' }, limit: 5 }) // { user: 'alice', limit: 5, tenant: undefined, ... }
 */
export function asQuery(input: Input, omit: string[] = []): Record<string, unknown> {
  const { scope, ...rest } = input;
  for (const k of omit) delete rest[k];
  return { ...scopeParams(scope), ...rest };
}

/**
 * The input minus the fields that went into the path.
 *
 * @example
 * without({ id: 'x', status: 'success' }, 'id') // { status: 'success' }
 */
export function without(input: Input, ...keys: string[]): Input {
  const rest = { ...input };
  for (const k of keys) delete rest[k];
  return rest;
}
