/**
 * Merging near-duplicate current facts: the same owner, kind, subject and category, and
 * the same normalised content or nearly the same words. No model is involved.
 */
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { scopeFilters } from '../episodes/episodes-service.js';
import { FACT_COLUMNS, type FactRow } from '../facts/facts-queries.js';
import type { ResolvedScope } from '../scope.js';
import { MERGE } from './consolidation-queries.js';
import { normalizeContent } from './reconcile-service.js';

/**
 * Word overlap (Jaccard) above which two facts of one subject and category are one.
 *
 * @example
 * NEAR_DUPLICATE // => 0.9
 */
export const NEAR_DUPLICATE = 0.9;
/** Groups larger than this are merged on exact normalised content only (pairwise is quadratic). */
const PAIRWISE_MAX = 300;
/** Most facts examined in one call. */
const MAX_ROWS = 20_000;

const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nor', 'cannot', 'without', "n't"]);

function words(s: string): Set<string> {
  const out = new Set<string>();
  for (const w of normalizeContent(s)
    .replace(/n't\b/g, " n't")
    .match(/[\p{L}\p{N}']+/gu) ?? [])
    out.add(w);
  return out;
}

/**
 * True when two contents say the same thing in nearly the same words: Jaccard overlap of
 * their word sets of at least NEAR_DUPLICATE, and no negation on one side only (so
 * "likes tea" never merges with "does not like tea").
 *
 * @example
 * nearDuplicate('The user lives in Lyon, in the Rhone valley.', 'the user lives in Lyon in the Rhone valley') // => true
 * nearDuplicate('The user likes tea', 'The user does not like tea') // => false
 */
export function nearDuplicate(a: string, b: string): boolean {
  const wa = words(a);
  const wb = words(b);
  let inter = 0;
  for (const w of wa) if (wb.has(w)) inter++;
  const union = wa.size + wb.size - inter;
  if (union === 0) return true;
  for (const w of wa) if (!wb.has(w) && NEGATIONS.has(w)) return false;
  for (const w of wb) if (!wa.has(w) && NEGATIONS.has(w)) return false;
  return inter / union >= NEAR_DUPLICATE;
}

/** The fact kept: most confident, then oldest, then smallest id. */
function better(a: FactRow, b: FactRow): boolean {
  if (Number(a.confidence) !== Number(b.confidence)) return Number(a.confidence) > Number(b.confidence);
  const ta = new Date(a.valid_from).getTime();
  const tb = new Date(b.valid_from).getTime();
  if (ta !== tb) return ta < tb;
  return a.id < b.id;
}

/**
 * Supersedes near-duplicate current facts of the scope by the one kept (most confident,
 * then oldest): `valid_to` closed, `superseded_by` and `metadata.mergedInto` set to the
 * survivor. Summaries are never merged. Returns how many facts were merged away.
 *
 * @example
 * const merged = await mergeDuplicateFacts(mem.db, systemClock, { tenant: 'default', user: 'alice', agent: '', session: '' });
 */
export async function mergeDuplicateFacts(db: Db, clock: Clock, s: ResolvedScope): Promise<number> {
  const p = new Params();
  const where = [
    `tenant_id = ${p.add(s.tenant)}`,
    ...scopeFilters(p, s),
    'valid_to is null',
    "category <> 'summary'",
  ];
  const { rows } = await db.query<FactRow>(
    `select ${FACT_COLUMNS} from facts
     where ${where.join(' and ')}
       and (user_id, agent_id, kind, subject, category) in (
         select user_id, agent_id, kind, subject, category from facts where ${where.join(' and ')}
         group by 1, 2, 3, 4, 5 having count(*) > 1)
     order by user_id, agent_id, kind, subject, category, valid_from, id
     limit ${p.add(MAX_ROWS)}`,
    p.values,
  );
  const groups = new Map<string, FactRow[]>();
  for (const r of rows) {
    const k = JSON.stringify([r.user_id, r.agent_id, r.kind, r.subject, r.category]);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  let merged = 0;
  for (const g of groups.values()) {
    // Clusters: exact normalised content first, then (small groups) near duplicates.
    const clusters: FactRow[][] = [];
    const byNorm = new Map<string, FactRow[]>();
    for (const r of g) {
      const n = normalizeContent(r.content);
      const c = byNorm.get(n);
      if (c) c.push(r);
      else {
        const fresh = [r];
        byNorm.set(n, fresh);
        clusters.push(fresh);
      }
    }
    if (g.length <= PAIRWISE_MAX)
      for (let i = 0; i < clusters.length; i++)
        for (let j = clusters.length - 1; j > i; j--)
          if (nearDuplicate(clusters[i][0].content, clusters[j][0].content)) {
            clusters[i].push(...clusters[j]);
            clusters.splice(j, 1);
          }
    for (const c of clusters) {
      if (c.length < 2) continue;
      const keep = c.reduce((a, b) => (better(a, b) ? a : b));
      const dups = c.filter((r) => r.id !== keep.id).map((r) => r.id);
      const r = await db.query(MERGE, [s.tenant, dups, clock.now(), keep.id]);
      merged += r.rowCount;
    }
  }
  return merged;
}
