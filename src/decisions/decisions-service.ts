import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { decisionById, insertDecision, listDecisions, resolveDecision } from './decisions-queries.js';
import {
  type Decisions,
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
} from './decisions-schema.js';

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
      const d = await insertDecision(db, {
        owner: s,
        session: s.session,
        subject: input.subject ?? '',
        context: input.context,
        alternatives: input.alternatives ?? [],
        chosen: input.chosen,
        reasoning: input.reasoning ?? '',
        tags: input.tags ?? [],
        metadata: input.metadata ?? {},
        episodeId: input.episodeId ?? null,
        now: clock.now(),
      });
      if (!d)
        throw new NotFoundError(
          `no episode "${input.episodeId}" in this tenant: link an existing episode or omit episodeId`,
          'episodeId',
        );
      return d;
    },

    async resolve(raw) {
      const input = parse(decisionResolveSchema, raw, 'decisions.resolve input');
      const owner = resolveScope(input.scope);
      const resolved = await resolveDecision(db, {
        owner,
        id: input.id,
        status: input.status,
        outcome: input.outcome,
        lessons: input.lessons ?? null,
        feedback: input.feedback ?? null,
        now: clock.now(),
      });
      if (resolved) return resolved;
      const existing = await decisionById(db, { owner, id: input.id });
      if (!existing)
        throw new NotFoundError(
          `no decision "${input.id}" in this scope: check the id, tenant, user and agent`,
          'id',
        );
      throw new ConflictError(
        `decision "${input.id}" was already resolved (${existing.status}) at ${existing.resolvedAt?.toISOString()}`,
        { id: input.id, status: existing.status },
      );
    },

    async get(raw) {
      const input = parse(decisionGetSchema, raw, 'decisions.get input');
      return decisionById(db, { owner: resolveScope(input.scope), id: input.id });
    },

    async list(raw = {}) {
      const input = parse(decisionListSchema, raw, 'decisions.list input');
      return listDecisions(db, {
        scope: resolveScope(input.scope),
        match: input.scopeMatch,
        status: input.status,
        subject: input.subject,
        text: input.text,
        limit: input.limit ?? 100,
      });
    },

    async lessons(raw = {}) {
      const input = parse(decisionLessonsSchema, raw, 'decisions.lessons input');
      return listDecisions(db, {
        scope: resolveScope(input.scope),
        match: input.scopeMatch,
        subject: input.subject,
        text: input.text,
        lessons: true,
        limit: input.limit ?? 20,
      });
    },
  };
}
