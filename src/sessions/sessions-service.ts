import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { ownerFilters, Params } from '../db/sql.js';
import { ConflictError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { END, GET, INSERT, LIST, toSession } from './sessions-queries.js';
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
      const s = resolveScope(input.scope);
      const id = input.id ?? (s.session || randomUUID());
      const { rows } = await db.query(INSERT, [
        s.tenant,
        id,
        s.user,
        s.agent,
        clock.now(),
        JSON.stringify(input.metadata ?? {}),
      ]);
      if (!rows[0])
        throw new ConflictError(
          `session "${id}" already exists: choose another id, or omit it to get a new one`,
          {
            id,
          },
        );
      return toSession(rows[0]);
    },

    async end(raw) {
      const input = parse(sessionEndSchema, raw, 'sessions.end input');
      const s = resolveScope(input.scope);
      const key = [s.tenant, s.user, s.agent, input.id];
      const { rows } = await db.query(END, [...key, clock.now(), input.summary ?? null]);
      if (rows[0]) return toSession(rows[0]);
      const existing = (await db.query(GET, key)).rows[0];
      if (!existing)
        throw new NotFoundError(
          `no session "${input.id}" in this scope: check the id, tenant, user and agent`,
          'id',
        );
      throw new ConflictError(
        `session "${input.id}" already ended at ${(existing.ended_at as Date).toISOString()}`,
        { id: input.id },
      );
    },

    async get(raw) {
      const input = parse(sessionGetSchema, raw, 'sessions.get input');
      const s = resolveScope(input.scope);
      const { rows } = await db.query(GET, [s.tenant, s.user, s.agent, input.id]);
      return rows[0] ? toSession(rows[0]) : null;
    },

    async list(raw = {}) {
      const input = parse(sessionListSchema, raw, 'sessions.list input');
      const s = resolveScope(input.scope);
      const p = new Params();
      const where = [
        `tenant_id = ${p.add(s.tenant)}`,
        ...ownerFilters(p, s, ['user', 'agent'], input.scopeMatch ?? 'exact'),
      ];
      let sql = `${LIST} where ${where.join(' and ')}`;
      if (input.active === true) sql += ' and ended_at is null';
      if (input.active === false) sql += ' and ended_at is not null';
      sql += ` order by started_at desc, id limit ${p.add(input.limit ?? 100)}`;
      const { rows } = await db.query(sql, p.values);
      return rows.map(toSession);
    },
  };
}
