/**
 * Neighbouring turns: the answer often sits next to the turn that names the topic, so
 * the turns around the best matches join recall's candidates (episodes only), and a
 * recall may add the turns around its hits (`neighbors`).
 */
import type { Db } from '../db/db.js';
import { type CandidateRow, RECALL_KIND_SPECS } from './recall-kinds.js';

/** Matches whose neighbours join the candidates, per signal (words, meaning). */
const NEIGHBOR_SOURCES = 30;

/**
 * The `n` turns before and after episode `c` in its session, with their distance:
 * two index probes, whatever the session's length.
 */
function around(c: string, n: string): string {
  const same = `e.tenant_id = ${c}.tenant_id and e.user_id = ${c}.user_id and e.session_id = ${c}.session_id
    and e.archived_at is null`;
  return `select p.id, p.dist from unnest(array(select e.id from episodes e where ${same}
        and (e.occurred_at, e.seq) < (${c}.occurred_at, ${c}.seq) order by e.occurred_at desc, e.seq desc limit ${n}))
        with ordinality as p(id, dist)
      union all
      select p.id, p.dist from unnest(array(select e.id from episodes e where ${same}
        and (e.occurred_at, e.seq) > (${c}.occurred_at, ${c}.seq) order by e.occurred_at, e.seq limit ${n}))
        with ordinality as p(id, dist)`;
}

/**
 * `${k}_nbrel(id, src, dist)`: for the best matches by words (`${k}_bm1`) and by meaning
 * (`${k}_vec`), the two turns before and after in their session (turn, the match it
 * neighbours, distance in turns); `${k}_nb(id)` and `${k}_near(id, near)` from it.
 * Empty for kinds without neighbours.
 *
 * @example
 * neighborCandidates('episode', true); // => ['episode_nbrel as (...)', 'episode_nb as (...)', 'episode_near as (...)']
 */
export function neighborCandidates(k: string, neighbors: boolean): string[] {
  return [
    // The turns around the best text matches join the candidates even when they only
    // contain common terms: the answer often sits next to the turn that names the topic.
    // For the best matches by words and by meaning, the two turns before and after in
    // their session: (turn, the match it neighbours, distance in turns).
    neighbors
      ? `${k}_nbrel as (select n.id::text as id, src.id as src, n.dist from (
              (select b.id from ${k}_bm1 b order by b.bm25 desc limit ${NEIGHBOR_SOURCES})
              union (select v.id from ${k}_vec v order by v.dist limit ${NEIGHBOR_SOURCES})) src
            join episodes c on c.id = src.id::uuid and c.tenant_id = $1 and c.session_id <> ''
            cross join lateral (${around('c', '2')}) n)`
      : `${k}_nbrel as (select null::text as id, null::text as src, 0::bigint as dist where false)`,
    `${k}_nb as (select distinct id from ${k}_nbrel)`,
    `${k}_near as (select id, array_agg(src || '/' || dist) as near from ${k}_nbrel group by id)`,
  ];
}

/** The turns around some episodes: $1 tenant, $2 ids, $3 how many on each side. */
const EPISODES_AROUND = `select n.id::text as id, c.id::text as hit, n.dist from episodes c
  cross join lateral (${around('c', '$3::int')}) n
  where c.tenant_id = $1 and c.id = any($2::uuid[]) and c.session_id <> ''`;

/**
 * The `n` turns on each side of each episode `ids` in its session (neighbour expansion
 * of recall's hits): each with the hit it neighbours and its distance in turns.
 *
 * @example
 * await episodesAround(db, 'default', [hit.id], 2); // => [{ id, hit: hit.id, dist: 1 }, ...]
 */
export async function episodesAround(
  db: Db,
  tenant: string,
  ids: string[],
  n: number,
): Promise<Array<{ id: string; hit: string; dist: number }>> {
  const { rows } = await db.query<{ id: string; hit: string; dist: number }>(EPISODES_AROUND, [
    tenant,
    ids,
    n,
  ]);
  return rows;
}

/** Episodes by id in the candidate shape, with no signals (neighbour expansion). */
const EPISODES_BY_ID = `select 'episode' as kind, t.id::text as id, ${RECALL_KIND_SPECS.episode.select},
  0::float8 as bm25, 0::float8 as bm25_ideal, null::float8 as cos, null::text[] as near
  from episodes t where t.tenant_id = $1 and t.id = any($2::uuid[])`;

/**
 * Fetches episodes by id as candidate rows without signals (the turns around a hit).
 *
 * @example
 * const rows = await episodesById(db, 'default', ['0190...']); // => [{ kind: 'episode', id, content, ... }]
 */
export async function episodesById(db: Db, tenant: string, ids: string[]): Promise<CandidateRow[]> {
  const { rows } = await db.query<CandidateRow>(EPISODES_BY_ID, [tenant, ids]);
  return rows;
}
