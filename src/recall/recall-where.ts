/**
 * The rows of one kind a recall may see: the scope (tenant, user) and the filters, as a
 * condition on the kind's table aliased `t`. The candidate query, the pending-row count
 * and the fresh-row claim all use this one clause, so they agree on what is visible.
 */
import type { Params } from '../db/sql.js';
import type { ResolvedScope } from '../scope.js';
import { kindSpec, type RecallKind, type ResolvedFilters } from './recall-kinds.js';

/**
 * The `where` condition of one kind's visible rows; values go into `p`, whose `$1` must
 * already be the tenant.
 *
 * @example
 * const p = new Params(); p.add('acme');
 * kindWhere('fact', p, { tenant: 'acme', user: 'alice' }, {}, new Date());
 * // => 't.tenant_id = $1 and t.user_id = $2 and t.valid_to is null and t.archived_at is null'
 */
export function kindWhere(
  kind: RecallKind,
  p: Params,
  scope: ResolvedScope,
  f: ResolvedFilters,
  now: Date,
): string {
  const spec = kindSpec(kind);
  const w = [`t.tenant_id = $1`];
  if (scope.user) w.push(`t.user_id = ${p.add(scope.user)}`);
  if (f.agent !== undefined) w.push(`t.agent_id = ${p.add(f.agent)}`);
  if (f.since) w.push(`${spec.time} >= ${p.add(f.since)}`);
  if (f.until) w.push(`${spec.time} < ${p.add(f.until)}`);
  if (f.minImportance) w.push(`${spec.importance} >= ${p.add(f.minImportance)}`);
  // Brain keys carry no tags and only episodes have roles: such filters exclude them.
  if (f.tags?.length) w.push(spec.tags ? `t.tags @> ${p.add(f.tags)}::text[]` : 'false');
  if (f.roles?.length && !spec.roles) w.push('false');
  w.push(...spec.conditions(p, now, f));
  return w.join(' and ');
}

/**
 * The rows of one kind a recall may return, as a table (aliased `t`) and a condition
 * on it; values go into `p`.
 *
 * @example
 * const { table, where } = visibleRows('episode', p, scope, {}, new Date()); // 'episodes', 't.tenant_id = $1 and ...'
 */
export function visibleRows(
  kind: RecallKind,
  p: Params,
  scope: ResolvedScope,
  f: ResolvedFilters,
  now: Date,
): { table: string; where: string } {
  return { table: kindSpec(kind).table, where: kindWhere(kind, p, scope, f, now) };
}
