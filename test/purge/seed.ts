// Seeds one user's content (a marker word) into every table that can hold content.
// Tables owned by other areas are written with plain SQL, as their services would.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import { createEpisodes } from '../../src/episodes/episodes-service.js';
import { createFacts } from '../../src/facts/facts-service.js';

/** What was seeded for one user, to check afterwards. */
export interface Seeded {
  marker: string;
  episodeIds: string[];
  factIds: string[];
  decisionId: string;
}

/** A unique lower-case word that stems to itself. */
export function newMarker(): string {
  return `zq${randomBytes(5)
    .toString('hex')
    .replace(/\d/g, (d) => 'abcdefghij'[Number(d)])}x`;
}

/**
 * Seeds, for (tenant, user): a brain key with history, two episodes (one in `session`),
 * a fact superseded once, a conflict, a decision, a session with a summary, a task
 * payload and an LLM cache row, each carrying the marker.
 */
export async function seedUser(
  db: Db,
  clock: Clock,
  tenant: string,
  user: string,
  session: string,
  marker = newMarker(),
): Promise<Seeded> {
  const scope = { tenant, user };
  await db.query(
    `insert into brain (tenant_id, user_id, key, value, description) values ($1, $2, 'identity.note', $3::jsonb, $4)`,
    [tenant, user, JSON.stringify({ note: `remember ${marker}` }), `about ${marker}`],
  );
  await db.query(
    `insert into brain_history (tenant_id, user_id, key, op, old_value, new_value, version)
     values ($1, $2, 'identity.note', 'set', $3::jsonb, $4::jsonb, 2)`,
    [tenant, user, JSON.stringify(`old ${marker}`), JSON.stringify({ note: `remember ${marker}` })],
  );
  const eps = createEpisodes({ db, clock });
  const e1 = await eps.append({
    scope,
    content: `I told you about ${marker}`,
    subject: marker,
    tags: [marker],
  });
  const e2 = await eps.append({
    scope: { ...scope, session },
    content: `more on ${marker}`,
    metadata: { quote: marker },
  });
  const facts = createFacts({ db, clock });
  const f1 = await facts.assert({
    scope,
    subject: `${marker} topic`,
    content: `${marker} is first`,
    tags: [marker],
  });
  const f2 = await facts.supersede({ scope, id: f1.id, fact: { content: `${marker} is second` } });
  await db.query(
    `insert into conflicts (tenant_id, user_id, subject, category, fact_ids) values ($1, $2, $3, 'fact', $4::uuid[])`,
    [tenant, user, `${marker} topic`, [f2.new.id]],
  );
  const d = await db.query<{ id: string }>(
    `insert into decisions (tenant_id, user_id, session_id, context, chosen, alternatives, reasoning, lessons)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) returning id`,
    [tenant, user, session, `ctx ${marker}`, `pick ${marker}`, JSON.stringify([marker]), marker, marker],
  );
  await db.query(
    `insert into sessions (tenant_id, id, user_id, summary, metadata) values ($1, $2, $3, $4, $5::jsonb)`,
    [tenant, session, user, `we discussed ${marker}`, JSON.stringify({ topic: marker })],
  );
  await db.query(
    `insert into tasks (tenant_id, user_id, queue, payload, result, error) values ($1, $2, 'jobs', $3::jsonb, $4::jsonb, $5)`,
    [tenant, user, JSON.stringify({ text: marker }), JSON.stringify({ out: marker }), marker],
  );
  await db.query(
    `insert into llm_cache (tenant_id, content_hash, user_id, content) values ($1, $2, $3, $4::jsonb)`,
    [tenant, randomBytes(32).toString('hex'), user, JSON.stringify({ summary: `${marker} summary` })],
  );
  return {
    marker,
    episodeIds: [e1.id, e2.id],
    factIds: [f1.id, f2.new.id],
    decisionId: d.rows[0].id,
  };
}

/** Row counts of every table a purge touches, for one tenant. */
export async function tableCounts(db: Db, tenant: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of [
    'episodes',
    'facts',
    'conflicts',
    'decisions',
    'sessions',
    'tasks',
    'brain',
    'brain_history',
    'llm_cache',
    'purge_audit',
  ]) {
    const { rows } = await db.query<{ n: number }>(`select count(*) as n from ${t} where tenant_id = $1`, [
      tenant,
    ]);
    out[t] = Number(rows[0].n);
  }
  return out;
}
