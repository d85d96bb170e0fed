/**
 * SQL of consolidation. Observations (role `event`) are the agents' shared history and
 * are never consolidated.
 */

/**
 * Groups (user, agent, session) with old, unarchived turns. $1 tenant, $2 cutoff, then
 * the scope filters appended by the caller.
 *
 * @example
 * await db.query(`${OLD_GROUPS} group by 1, 2, 3`, [tenant, cutoff]);
 */
export const OLD_GROUPS = `select user_id, agent_id, session_id, count(*)::int as n
  from episodes
  where tenant_id = $1 and occurred_at < $2 and archived_at is null and role <> 'event'`;

/**
 * The oldest unarchived turns of one group, in conversation order. $1 tenant, $2 user,
 * $3 agent, $4 session, $5 cutoff, $6 limit.
 *
 * @example
 * await db.query(OLD_TURNS, [tenant, user, agent, session, cutoff, 100]);
 */
export const OLD_TURNS = `select id, role, content, metadata, occurred_at
  from episodes
  where tenant_id = $1 and user_id = $2 and agent_id = $3 and session_id = $4
    and occurred_at < $5 and archived_at is null and role <> 'event'
  order by occurred_at, seq
  limit $6`;

/**
 * Marks episodes archived (the content stays). $1 tenant, $2 ids, $3 now.
 *
 * @example
 * await db.query(ARCHIVE, [tenant, ids, clock.now()]);
 */
export const ARCHIVE = `update episodes set archived_at = $3
  where tenant_id = $1 and id = any($2::uuid[]) and archived_at is null`;

/**
 * A summary already written for exactly these episodes (a re-run after a crash). $1 tenant, $2 key.
 *
 * @example
 * const done = (await db.query(SUMMARY_EXISTS, [tenant, key])).rows.length > 0;
 */
export const SUMMARY_EXISTS = `select id from facts
  where tenant_id = $1 and category = 'summary' and metadata->>'consolidationKey' = $2 limit 1`;

/**
 * Closes duplicates in favour of the fact kept: superseded_by points at it, so
 * facts.chain leads from a duplicate to the survivor. $1 tenant, $2 ids, $3 now, $4 kept id.
 *
 * @example
 * await db.query(MERGE, [tenant, duplicateIds, clock.now(), kept.id]);
 */
export const MERGE = `update facts set valid_to = greatest($3::timestamptz, valid_from), superseded_by = $4,
    metadata = metadata || jsonb_build_object('mergedInto', $4::text)
  where tenant_id = $1 and id = any($2::uuid[]) and valid_to is null and id <> $4`;
