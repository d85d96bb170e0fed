// Fills a store with a row of every kind export and import move, and digests a store's
// tables as canonical rows (every column but the derived tsvector, embeddings included),
// computed independently of the exporter's own SQL.
import { createHash, randomBytes } from 'node:crypto';
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import type { LocalMemory } from '../../src/memory.js';
import { exportStore } from '../../src/transfer/export-service.js';
import { seedUser } from '../purge/seed.js';
import { exactStats, type StatRow, storedStats } from '../support/recall-stats.js';

/** Every table export can move, by SQL name. */
export const DIGESTED = [
  'sessions',
  'brain',
  'brain_history',
  'episodes',
  'facts',
  'decisions',
  'conflicts',
  'tasks',
  'llm_cache',
  'llm_cache_stats',
  'purge_audit',
  'api_keys',
  'usage_events',
  'lg_checkpoints',
  'lg_blobs',
  'lg_writes',
] as const;

/**
 * Seeds two users of `tenant` through the services and plain SQL: brain keys with history
 * (a set, an update, a delete), episodes (one archived, one per session), a superseded
 * fact chain, a conflict, decisions (one resolved, on an episode), sessions, tasks, LLM
 * cache rows and figures, a purge audit row, an API key and usage events.
 */
export async function seedStore(mem: LocalMemory, tenant: string): Promise<void> {
  const db = mem.db;
  const clock = fixedClock(new Date('2026-03-01T10:00:00Z'));
  await seedUser(db, clock, tenant, 'alice', 's1');
  await seedUser(db, clock, tenant, 'bob', 's2');
  const scope = { tenant, user: 'alice', agent: 'a1' };
  await mem.brain.set({ scope, key: 'session.active_work', value: { step: 1, ratio: 0.125, n: null } });
  await mem.brain.set({ scope, key: 'session.active_work', value: { step: 2 }, ttlSeconds: 3600 });
  await mem.brain.set({ scope, key: 'directive.tone', value: 'dry' });
  await mem.brain.delete({ scope, key: 'directive.tone' });
  const eps = await mem.episodes.appendMany({
    scope: { ...scope, session: 's1' },
    episodes: [
      { role: 'user', content: 'We deploy to Lisbon on Friday', importance: 8, tags: ['deploy', 'ops'] },
      { role: 'assistant', content: 'Noted: Friday deploy.', metadata: { big: 12345678901234, f: 1.5 } },
    ],
  });
  await db.query('update episodes set archived_at = $1 where id = $2', [
    new Date('2026-03-02T00:00:00Z'),
    eps[1].id,
  ]);
  const d = await mem.decisions.record({
    scope,
    subject: 'deploy',
    context: 'which day to deploy',
    alternatives: ['Friday', { day: 'Monday', risk: 0.2 }],
    chosen: 'Friday',
    reasoning: 'the team is there',
    episodeId: eps[0].id,
  });
  await mem.decisions.resolve({
    scope,
    id: d.id,
    status: 'success',
    outcome: null,
    lessons: 'fine',
    feedback: 'positive',
  });
  await mem.facts.assert({
    scope,
    subject: 'deploy day',
    content: 'Deploys happen on Friday',
    confidence: 0.7,
  });
  await db.query(
    `insert into llm_cache_stats (tenant_id, user_id, hits, misses, cost_saved, tokens_saved) values ($1, 'alice', 3, 1, 0.0125, 900)`,
    [tenant],
  );
  await db.query(
    `insert into purge_audit (tenant_id, target, counts, reason, purged_by) values ($1, $2::jsonb, $3::jsonb, 'gdpr', 'admin')`,
    [tenant, JSON.stringify({ user: 'carol' }), JSON.stringify({ episodes: 4 })],
  );
  const key = await db.query<{ id: string }>(
    `insert into api_keys (tenant_id, name, key_hash, key_prefix, monthly_quota) values ($1, 'ci', $2, 'mn_ab', 1000) returning id`,
    [tenant, randomBytes(16).toString('hex')],
  );
  for (const status of [200, 404])
    await db.query(
      `insert into usage_events (tenant_id, key_id, endpoint, method, status, latency_ms, tokens, cost)
       values ($1, $2, '/v1/recall', 'POST', $3, 12.5, 40, 0.0001)`,
      [tenant, key.rows[0].id, status],
    );
  // A LangGraph run (mnemo/langgraph): binary values of every size, base64 in the file
  // (200 bytes: past the 76-character lines PostgreSQL's encode() breaks), an empty one and
  // a blob without a value.
  const bytes = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256));
  await db.query(
    `insert into lg_checkpoints (tenant_id, thread_id, checkpoint_id, parent_checkpoint_id, checkpoint_type,
       checkpoint, metadata_type, metadata, metadata_json)
     values ($1, 't1', 'c1', null, 'json', $2, 'json', $3, '{"step": 0}'),
            ($1, 't1', 'c2', 'c1', 'json', $2, 'json', $4, '{"step": 1}')`,
    [tenant, bytes, Buffer.from('{"source":"loop"}'), Buffer.alloc(0)],
  );
  await db.query(
    `insert into lg_blobs (tenant_id, thread_id, channel, version, value_type, value)
     values ($1, 't1', 'messages', '1', 'json', $2), ($1, 't1', 'done', '1', 'empty', null)`,
    [tenant, bytes],
  );
  await db.query(
    `insert into lg_writes (tenant_id, thread_id, checkpoint_id, task_id, idx, channel, value_type, value)
     values ($1, 't1', 'c2', 'task-a', -1, '__error__', 'json', $2)`,
    [tenant, Buffer.from('"boom"')],
  );
}

/** Sorted canonical rows of one table: every column but `tsv`, timestamps in UTC. */
export async function canonicalRows(db: Db, table: string, tenant?: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query("set local timezone = 'UTC'");
    const { rows } = await tx.query<{ r: string }>(
      `select (to_jsonb(t) - 'tsv')::text as r from ${table} t ${tenant ? 'where tenant_id = $1' : ''}`,
      tenant ? [tenant] : [],
    );
    return rows.map((x) => x.r).sort();
  });
}

/** A sha256 of each table's canonical rows (optionally one tenant's, renamed to `as`). */
export async function digests(db: Db, tenant?: string, as?: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const t of DIGESTED) {
    let rows = await canonicalRows(db, t, tenant);
    if (tenant && as)
      rows = rows.map((r) => r.replaceAll(`"tenant_id": "${tenant}"`, `"tenant_id": "${as}"`)).sort();
    out[t] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
  }
  return out;
}

/** Exports into an array of lines. */
export async function exportLines(
  mem: LocalMemory | Db,
  options: Parameters<typeof exportStore>[1] = {},
): Promise<string[]> {
  const lines: string[] = [];
  for await (const l of exportStore(mem, options)) lines.push(l);
  return lines;
}

/** The lines without the header's `createdAt` (two exports of one content compare equal). */
export function withoutTime(lines: string[]): string[] {
  return lines.map((l, i) => (i === 0 ? l.replace(/"createdAt":"[^"]*",/, '') : l));
}

/** Row counts of each digested table. */
export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of DIGESTED) {
    const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from ${t}`);
    out[t] = rows[0].n;
  }
  return out;
}

/** Recall's statistics as stored and as an exact recount, every tenant: equal after an import. */
export async function recallStats(db: Db): Promise<{ stored: StatRow[]; exact: StatRow[] }> {
  return { stored: await storedStats(db), exact: await exactStats(db) };
}
