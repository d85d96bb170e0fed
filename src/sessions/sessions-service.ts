import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { endSession, getSession, insertSession, listSessions } from './sessions-queries.js';
import {
  type Sessions,
  sessionEndSchema,
  sessionGetSchema,
  sessionListSchema,
  sessionStartSchema,
} from './sessions-schema.js';

/**
 * Builds the sessions area over a migrated store. Reads, `end` included, see only the
 * sessions of the exact user and agent of the scope.
 *
 * @example
 * const sessions = createSessions({ db, clock: systemClock });
 * const s = await sessions.start({ scope: { user: 'alice' }, metadata: { channel: 'cli' } });
 * await sessions.end({ scope: { user: 'alice' }, id: s.id, summary: 'planned the trip' });
 */
export function createSessions({ db, clock }: { db: Db; clock: Clock }): Sessions {
  return {
    async start(raw = {}) {
      const input = parse(sessionStartSchema, raw, 'sessions.start input');
      const scope = resolveScope(input.scope);
      const id = input.id ?? (scope.session || randomUUID());
      const session = await insertSession(db, {
        scope,
        id,
        now: clock.now(),
        metadata: input.metadata ?? {},
      });
      if (!session)
        throw new ConflictError(
          `session "${id}" already exists: choose another id, or omit it to get a new one`,
          { id },
        );
      return session;
    },

    async end(raw) {
      const input = parse(sessionEndSchema, raw, 'sessions.end input');
      const scope = resolveScope(input.scope);
      const ended = await endSession(db, {
        scope,
        id: input.id,
        now: clock.now(),
        summary: input.summary ?? null,
      });
      if (ended) return ended;
      const existing = await getSession(db, scope, input.id);
      if (!existing)
        throw new NotFoundError(
          `no session "${input.id}" in this scope: check the id, tenant, user and agent`,
          'id',
        );
      throw new ConflictError(
        `session "${input.id}" already ended at ${(existing.endedAt as Date).toISOString()}`,
        { id: input.id },
      );
    },

    async get(raw) {
      const input = parse(sessionGetSchema, raw, 'sessions.get input');
      return getSession(db, resolveScope(input.scope), input.id);
    },

    async list(raw = {}) {
      const input = parse(sessionListSchema, raw, 'sessions.list input');
      return listSessions(db, {
        scope: resolveScope(input.scope),
        active: input.active,
        limit: input.limit ?? 100,
        scopeMatch: input.scopeMatch ?? 'exact',
      });
    },
  };
}
