import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  COLUMNS,
  deleteFactChains,
  INSERT_AUDIT,
  type PurgeFilter,
  scopeCondition,
} from './purge-queries.js';
import { PURGED_TABLES, type PurgeInput, type PurgeResult, purgeSchema } from './purge-schema.js';

/**
 * Explicit, audited erasure.
 *
 * @example
 * const purge: Purge = mem.purge; await purge.purge({ scope: { agent: 'rogue' }, by: 'admin' });
 */
export interface Purge {
  /** Erases every copy of the target's content in one transaction and records an audit row without content. */
  purge(input: PurgeInput): Promise<PurgeResult>;
}

type Counts = PurgeResult['counts'];
type Deleted = { id?: string; user_id: string };

/**
 * Builds the purge. What goes (all in one transaction): episodes; facts of the scope,
 * facts citing a purged episode, and every version of those facts; conflicts naming a
 * purged fact; decisions of the scope or recorded on a purged episode; sessions; tasks;
 * brain keys and their history; LLM cache rows of the scope and of every user whose
 * content was purged (cached outputs may be derived from it). Embeddings and full-text
 * vectors are columns of those rows and go with them.
 *
 * Limits, on purpose: the brain and tasks have no session column, so a session purge
 * leaves brain keys alone and finds the session's tasks by the session their payload
 * names (`session`, `sessionId` or `scope.session`). Over-deleting cache rows is
 * accepted: a cache is recomputed on demand. Deleted rows leave the visible database at
 * commit; their bytes stay in dead tuples and the WAL until VACUUM and checkpoints reuse
 * them (run `VACUUM` on a server for physical erasure).
 *
 * @example
 * const purge = createPurge({ db, clock: systemClock });
 * const { auditId, counts } = await purge.purge({ scope: { user: 'alice' }, reason: 'erasure request', by: 'dpo' });
 * await purge.purge({ memory: { kind: 'brain', key: 'identity.name' }, scope: { user: 'bob' } });
 */
export function createPurge({ db, clock }: { db: Db; clock: Clock }): Purge {
  return {
    async purge(input) {
      const i = parse(purgeSchema, input, 'input');
      const s = resolveScope(i.scope);
      const filter: PurgeFilter = { user: s.user, agent: s.agent, session: s.session };
      const scoped = Boolean(s.user || s.agent || s.session);
      if (!scoped && !i.memory && !i.all)
        throw new InvalidInputError(
          'nothing to purge: set scope.user, scope.agent or scope.session, name one memory, or pass all: true to erase the whole tenant',
          'scope',
        );
      if (i.all && i.memory)
        throw new InvalidInputError('"all": cannot be combined with memory; purge one or the other', 'all');

      return db.transaction(async (tx) => {
        const counts = Object.fromEntries(PURGED_TABLES.map((t) => [t, 0])) as Counts;
        const users = new Set<string>();
        const del = async (table: keyof Counts, sql: string, params: unknown[]): Promise<Deleted[]> => {
          const { rows } = await tx.query<Deleted>(sql, params);
          counts[table] += rows.length;
          for (const r of rows) users.add(r.user_id);
          return rows;
        };
        const m = i.memory;
        if (!m) await purgeScope(s.tenant, filter, del);
        else if (m.kind === 'brain') {
          const args = [s.tenant, s.user, s.agent, m.key];
          const where = 'tenant_id = $1 and user_id = $2 and agent_id = $3 and key = $4';
          const a = await del('brain', `delete from brain where ${where} returning user_id`, args);
          const b = await del(
            'brain_history',
            `delete from brain_history where ${where} returning user_id`,
            args,
          );
          if (!a.length && !b.length)
            throw new NotFoundError(
              `"memory.key": brain key "${m.key}" does not exist for this user and agent`,
              'memory.key',
            );
        } else {
          const p = new Params();
          p.add(s.tenant);
          const where = `id = ${p.add(m.id)} and ${scopeCondition(p, COLUMNS.episodes, filter)}`;
          let found: Deleted[];
          if (m.kind === 'episode') {
            found = await del(
              'episodes',
              `delete from episodes where tenant_id = $1 and ${where} returning id, user_id`,
              p.values,
            );
            if (found.length) await cascade(s.tenant, found, [], del);
          } else if (m.kind === 'fact') {
            found = await del('facts', deleteFactChains(where), p.values);
            if (found.length) await cascade(s.tenant, [], found, del);
          } else {
            found = await del(
              'decisions',
              `delete from decisions where tenant_id = $1 and ${where} returning id, user_id`,
              p.values,
            );
          }
          if (!found.length)
            throw new NotFoundError(
              `"memory.id": ${m.kind} ${m.id} does not exist in this scope`,
              'memory.id',
            );
        }
        // Cached LLM outputs: the target's own rows, and rows of every user whose content went.
        const p = new Params();
        p.add(s.tenant);
        const own = m ? null : scopeCondition(p, COLUMNS.llm_cache, filter);
        const ofUsers = `user_id = any(${p.add([...users])}::text[])`;
        await del(
          'llm_cache',
          `delete from llm_cache where tenant_id = $1 and (${own ? `(${own}) or ` : ''}${ofUsers}) returning user_id`,
          p.values,
        );
        const target = {
          ...(s.user ? { user: s.user } : {}),
          ...(s.agent ? { agent: s.agent } : {}),
          ...(s.session ? { session: s.session } : {}),
          ...(i.all ? { all: true } : {}),
          ...(m ? { memory: m } : {}),
        };
        const { rows } = await tx.query<{ id: string }>(INSERT_AUDIT, [
          s.tenant,
          JSON.stringify(target),
          JSON.stringify(counts),
          i.reason ?? '',
          i.by ?? '',
          clock.now(),
        ]);
        return { auditId: rows[0].id, counts };
      });
    },
  };
}

type Del = (table: keyof Counts, sql: string, params: unknown[]) => Promise<Deleted[]>;

/** Everything of a scope (an empty filter = the whole tenant). */
async function purgeScope(tenant: string, f: PurgeFilter, del: Del): Promise<void> {
  const simple = async (
    table: 'episodes' | 'decisions' | 'sessions' | 'brain' | 'brain_history' | 'conflicts',
  ) => {
    const p = new Params();
    p.add(tenant);
    const c = scopeCondition(p, COLUMNS[table], f);
    const ret = table === 'brain' || table === 'brain_history' ? 'user_id' : 'user_id, id';
    return c
      ? del(table, `delete from ${table} where tenant_id = $1 and ${c} returning ${ret}`, p.values)
      : [];
  };
  const episodes = await simple('episodes');
  const p = new Params();
  p.add(tenant);
  const factSeed = scopeCondition(p, COLUMNS.facts, f) ?? 'false';
  const facts = await del('facts', deleteFactChains(factSeed), p.values);
  await cascade(tenant, episodes, facts, del);
  await simple('conflicts');
  await simple('decisions');
  await simple('sessions');
  await simple('brain');
  await simple('brain_history');
  // Tasks have no session column: a session's tasks are found by the session their payload names.
  const t = new Params();
  t.add(tenant);
  const parts = [scopeCondition(t, COLUMNS.tasks, { ...f, session: '' }) ?? 'false'];
  if (f.session) {
    const sp = t.add(f.session);
    parts.push(
      `(payload->>'session' = ${sp} or payload->>'sessionId' = ${sp} or payload->'scope'->>'session' = ${sp})`,
    );
  }
  await del(
    'tasks',
    `delete from tasks where tenant_id = $1 and ${parts.join(' and ')} returning user_id, id`,
    t.values,
  );
}

/**
 * What is derived from purged episodes and facts: facts citing a purged episode (with
 * their versions), decisions recorded on a purged episode, conflicts naming a purged fact.
 */
async function cascade(tenant: string, episodes: Deleted[], facts: Deleted[], del: Del): Promise<void> {
  const epIds = episodes.map((e) => e.id as string);
  const factIds = facts.map((x) => x.id as string);
  if (epIds.length) {
    const derived = await del('facts', deleteFactChains('source_episode_ids && $2::uuid[]'), [tenant, epIds]);
    factIds.push(...derived.map((x) => x.id as string));
    await del(
      'decisions',
      'delete from decisions where tenant_id = $1 and episode_id = any($2::uuid[]) returning id, user_id',
      [tenant, epIds],
    );
  }
  if (factIds.length)
    await del(
      'conflicts',
      'delete from conflicts where tenant_id = $1 and fact_ids && $2::uuid[] returning id, user_id',
      [tenant, factIds],
    );
}
