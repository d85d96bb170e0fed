/** The scope and filters a dashboard page reads from its query string. */
import type { Context } from 'hono';
import { MnemoError } from '../errors.js';
import type { Scope } from '../scope.js';
import type { DashEnv } from './dashboard-auth.js';

/**
 * A query parameter, trimmed; undefined when absent or empty. Over 500 characters is refused.
 *
 * @example
 * const user = param(c, 'user');
 */
export function param(c: Context<DashEnv>, name: string): string | undefined {
  const v = c.req.query(name)?.trim();
  if (v === undefined || v === '') return undefined;
  if (v.length > 500)
    throw new MnemoError('invalid_input', `"${name}" must be at most 500 characters`, { field: name });
  return v;
}

/**
 * The scope of a page: the viewer's tenant (never from the query), user, agent and session from the query.
 *
 * @example
 * const scope = pageScope(c); // { tenant: 'acme', user: 'alice' }
 */
export function pageScope(c: Context<DashEnv>): Scope {
  const scope: Scope = { tenant: c.get('viewer').tenant };
  for (const k of ['user', 'agent', 'session'] as const) {
    const v = param(c, k);
    if (v !== undefined) scope[k] = v;
  }
  return scope;
}

/**
 * The query string of the scope, to carry it from page to page.
 *
 * @example
 * scopeQuery({ tenant: 't', user: 'alice' }) // 'user=alice'
 */
export function scopeQuery(scope: Scope): string {
  const q = new URLSearchParams();
  for (const k of ['user', 'agent', 'session'] as const) if (scope[k]) q.set(k, scope[k] as string);
  return q.toString();
}
