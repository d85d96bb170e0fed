import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ownerFilters, Params, type ScopeMatch } from '../db/sql.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { type ResolvedScope, resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { GET, INSERT, LIST, RESOLVE, toDecision } from './decisions-queries.js';
import {
  type Decisions,
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
} from './decisions-schema.js';

/** Starts a filtered query on the scope's decisions. */
function scoped(s: ResolvedScope, match: ScopeMatch = 'exact'): { p: Params; sql: string } {
  const p = new Params();
  // Exact: the decisions of this user and agent, any session; given: also narrowed by a session.
  const parts: ('user' | 'agent' | 'session')[] =
    match === 'exact' ? ['user', 'agent'] : ['user', 'agent', 'session'];
  const where = [`tenant_id = ${p.add(s.tenant)}`, ...ownerFilters(p, s, parts, match)];
  return { p, sql: `${LIST} where ${where.join(' and ')}` };
}

/** Adds the optional subject and full-text filters; returns the text-rank expression, if any. */
function filters(q: { p: Params; sql: string }, subject?: string, text?: string): string | null {
  if (subject !== undefined) q.sql += ` and subject = ${q.p.add(subject)}`;
  if (text === undefined) return null;
  const tsq = `websearch_to_tsquery('english', ${q.p.add(text)})`;
  q.sql += ` and tsv @@ ${tsq}`;
  return `ts_rank(tsv, ${tsq})`;
}

/**
 * Builds the decisions area over a migrated store. Reads and `resolve` see only the
 * decisions of the exact user and agent of the scope; `record` labels the decision with
 * the scope's session.
 *
 * @example
 * const decisions = createDecisions({ db, clock: systemClock });
 * const d = await decisions.record({ context: 'cache layer', alternatives: ['redis', 'postgres'], chosen: 'postgres' });
 * await decisions.resolve({ id: d.id, status: 'success', lessons: 'one less service to run' });
 */
export function createDecisions({ db, clock }: { db: Db; clock: Clock }): Decisions {
  return {
    async record(raw) {
      const input = parse(decisionRecordSchema, raw, 'decisions.record input');
      const s = resolveScope(input.scope);
      const { rows } = await db.query(INSERT, [
        s.tenant,
        s.user,
        s.agent,
        s.session,
        input.subject ?? '',
        input.context,
        JSON.stringify(input.alternatives ?? []),
        input.chosen,
        input.reasoning ?? '',
        input.tags ?? [],
        JSON.stringify(input.metadata ?? {}),
        input.episodeId ?? null,
        clock.now(),
      ]);
      if (!rows[0])
        throw new NotFoundError(
          `no episode "${input.episodeId}" in this tenant: link an existing episode or omit episodeId`,
          'episodeId',
        );
      return toDecision(rows[0]);
    },

    async resolve(raw) {
      const input = parse(decisionResolveSchema, raw, 'decisions.resolve input');
      const s = resolveScope(input.scope);
      const key = [s.tenant, s.user, s.agent, input.id];
      const { rows } = await db.query(RESOLVE, [
        ...key,
        input.status,
        input.outcome === undefined ? null : JSON.stringify(input.outcome),
        input.lessons ?? null,
        input.feedback ?? null,
        clock.now(),
      ]);
      if (rows[0]) return toDecision(rows[0]);
      const existing = (await db.query(GET, key)).rows[0];
      if (!existing)
        throw new NotFoundError(
          `no decision "${input.id}" in this scope: check the id, tenant, user and agent`,
          'id',
        );
      throw new ConflictError(
        `decision "${input.id}" was already resolved (${existing.status}) at ${(existing.resolved_at as Date).toISOString()}`,
        { id: input.id, status: existing.status },
      );
    },

    async get(raw) {
      const input = parse(decisionGetSchema, raw, 'decisions.get input');
      const s = resolveScope(input.scope);
      const { rows } = await db.query(GET, [s.tenant, s.user, s.agent, input.id]);
      return rows[0] ? toDecision(rows[0]) : null;
    },

    async list(raw = {}) {
      const input = parse(decisionListSchema, raw, 'decisions.list input');
      const q = scoped(resolveScope(input.scope), input.scopeMatch);
      if (input.status !== undefined) q.sql += ` and status = ${q.p.add(input.status)}`;
      const rank = filters(q, input.subject, input.text);
      q.sql += ` order by ${rank ? `${rank} desc, ` : ''}created_at desc, id limit ${q.p.add(input.limit ?? 100)}`;
      const { rows } = await db.query(q.sql, q.p.values);
      return rows.map(toDecision);
    },

    async lessons(raw = {}) {
      const input = parse(decisionLessonsSchema, raw, 'decisions.lessons input');
      const q = scoped(resolveScope(input.scope), input.scopeMatch);
      q.sql += " and status <> 'pending' and lessons is not null";
      filters(q, input.subject, input.text);
      q.sql += ` order by resolved_at desc, id limit ${q.p.add(input.limit ?? 20)}`;
      const { rows } = await db.query(q.sql, q.p.values);
      return rows.map(toDecision);
    },
  };
}
