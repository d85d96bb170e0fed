import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  type Deleted,
  deleteBrainKey,
  deleteCacheRows,
  deleteConflictsOfFacts,
  deleteDecisionsOfEpisodes,
  deleteFactChains,
  deleteOne,
  deleteScopeRows,
  deleteScopeTasks,
  foldRecallStats,
  insertAudit,
  type PurgeFilter,
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
        const del: Del = async (table, rows) => {
          const deleted = await rows(tx);
          counts[table] += deleted.length;
          for (const r of deleted) users.add(r.user_id);
          return deleted;
        };
        const m = i.memory;
        if (!m) await purgeScope(s.tenant, filter, del);
        else if (m.kind === 'brain') {
          const key = { tenant: s.tenant, user: s.user, agent: s.agent, key: m.key };
          const a = await del('brain', (t) => deleteBrainKey(t, 'brain', key));
          const b = await del('brain_history', (t) => deleteBrainKey(t, 'brain_history', key));
          if (!a.length && !b.length)
            throw new NotFoundError(
              `"memory.key": brain key "${m.key}" does not exist for this user and agent`,
              'memory.key',
            );
        } else {
          let found: Deleted[];
          if (m.kind === 'episode') {
            found = await del('episodes', (t) => deleteOne(t, 'episodes', s.tenant, m.id, filter));
            if (found.length) await cascade(s.tenant, found, [], del);
          } else if (m.kind === 'fact') {
            found = await del('facts', (t) => deleteFactChains(t, s.tenant, { id: m.id, filter }));
            if (found.length) await cascade(s.tenant, [], found, del);
          } else {
            found = await del('decisions', (t) => deleteOne(t, 'decisions', s.tenant, m.id, filter));
          }
          if (!found.length)
            throw new NotFoundError(
              `"memory.id": ${m.kind} ${m.id} does not exist in this scope`,
              'memory.id',
            );
        }
        // Cached LLM outputs: the target's own rows, and rows of every user whose content went.
        await del('llm_cache', (t) => deleteCacheRows(t, s.tenant, m ? null : filter, [...users]));
        const target = {
          ...(s.user ? { user: s.user } : {}),
          ...(s.agent ? { agent: s.agent } : {}),
          ...(s.session ? { session: s.session } : {}),
          ...(i.all ? { all: true } : {}),
          ...(m ? { memory: m } : {}),
        };
        await foldRecallStats(tx);
        const auditId = await insertAudit(tx, {
          tenant: s.tenant,
          target,
          counts,
          reason: i.reason ?? '',
          by: i.by ?? '',
          at: clock.now(),
        });
        return { auditId, counts };
      });
    },
  };
}

/** Runs one delete and counts what it removed (and whose it was). */
type Del = (table: keyof Counts, rows: (tx: Db) => Promise<Deleted[]>) => Promise<Deleted[]>;

/** Everything of a scope (an empty filter = the whole tenant). */
async function purgeScope(tenant: string, f: PurgeFilter, del: Del): Promise<void> {
  const simple = (table: Parameters<typeof deleteScopeRows>[1]) =>
    del(table, (tx) => deleteScopeRows(tx, table, tenant, f));
  const episodes = await simple('episodes');
  const facts = await del('facts', (tx) => deleteFactChains(tx, tenant, { filter: f }));
  await cascade(tenant, episodes, facts, del);
  await simple('conflicts');
  await simple('decisions');
  await simple('sessions');
  await simple('brain');
  await simple('brain_history');
  await del('tasks', (tx) => deleteScopeTasks(tx, tenant, f));
}

/**
 * What is derived from purged episodes and facts: facts citing a purged episode (with
 * their versions), decisions recorded on a purged episode, conflicts naming a purged fact.
 */
async function cascade(tenant: string, episodes: Deleted[], facts: Deleted[], del: Del): Promise<void> {
  const epIds = episodes.map((e) => e.id as string);
  const factIds = facts.map((x) => x.id as string);
  if (epIds.length) {
    const derived = await del('facts', (tx) => deleteFactChains(tx, tenant, { episodeIds: epIds }));
    factIds.push(...derived.map((x) => x.id as string));
    await del('decisions', (tx) => deleteDecisionsOfEpisodes(tx, tenant, epIds));
  }
  if (factIds.length) await del('conflicts', (tx) => deleteConflictsOfFacts(tx, tenant, factIds));
}
