/**
 * Pins that recall's candidate query can be served by the indexes: the nearest rows by
 * meaning from each kind's HNSW index, the text matches from its GIN index. EXPLAIN
 * runs on the very statement recall sends (built by `candidateSql` from
 * `recallCandidateQuery`, as recall-service.ts does), on both backends.
 *
 * Why `set local enable_seqscan = off` and `enable_sort = off` (in a transaction)
 * rather than a store big enough for the planner to pick the indexes by itself: on a
 * test-sized store the planner is right that reading the scope (sequentially, or
 * through a btree on tenant and user) and sorting is cheaper, and the row count at
 * which it turns differs per kind, backend and version (tried here: 3,000 turns are
 * enough for episodes on PostgreSQL with no setting, 1,000 are not, even with
 * sequential scans off). With sequential scans and sorts priced out, the planner still
 * uses an index only where the statement's shape lets it: `order by embedding <=>
 * vector limit n` for HNSW, `tsv @@ tsquery` for GIN, which is what a change of the
 * SQL would break. Each table holds a few hundred rows so that the GIN index also
 * beats a btree read of the scope.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createMemory, type Memory } from '../../src/memory.js';
import { toVectorLiteral } from '../../src/recall/embedders/embedder.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { RECALL_KIND_SPECS, RECALL_KINDS } from '../../src/recall/recall-kinds.js';
import {
  type CandidateRow,
  candidateSql,
  findCandidates,
  findTextMatches,
} from '../../src/recall/recall-queries.js';
import { recallCandidateQuery } from '../../src/recall/recall-service.js';
import { resolveScope } from '../../src/scope.js';
import { describeBackends } from '../support/backends.js';

const TURNS = 400;
const OTHERS = 400;
const DIMENSION = 64;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The names of the indexes a plan reads. */
function indexesOf(plan: PlanNode): string[] {
  const out: string[] = [];
  const walk = (n: PlanNode) => {
    if (n['Index Name']) out.push(n['Index Name']);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan);
  return [...new Set(out)];
}

describeBackends('recall plan', (ctx) => {
  let mem: Memory;
  const embedder = createHashEmbedder({ dimension: DIMENSION });
  const scope = resolveScope({ user: 'alice' });
  before(async () => {
    mem = await createMemory({ db: ctx.db(), embedder, indexer: false });
    const words = [
      'deploy',
      'vercel',
      'pasta',
      'dinner',
      'plant',
      'lisbon',
      'flight',
      'garden',
      'piano',
      'tennis',
    ];
    // Seeded in SQL for speed: the turns, each with its own vector (sin(g * d) in dimension d).
    await ctx.db().query(
      `insert into episodes (tenant_id, user_id, role, session_id, content, embedding)
       select 'default', 'alice', 'user', 's' || (g % 40), 'turn ' || g || ' about ' || ($1::text[])[1 + g % 10]
           || ' and ' || ($1::text[])[1 + (g * 7) % 10],
         (select array_agg(sin(g * d)) from generate_series(1, $2::int) d)::vector
       from generate_series(1, $3::int) g`,
      [words, DIMENSION, TURNS],
    );
    // The other kinds alike, each with its own text and vector.
    const vec = `(select array_agg(cos(g * d)) from generate_series(1, $2::int) d)::vector`;
    const text = `($1::text[])[1 + g % 10] || ' ' || g`;
    const each = [words, DIMENSION, OTHERS];
    await ctx.db().query(
      `insert into facts (tenant_id, user_id, subject, content, embedding)
       select 'default', 'alice', 'fact ' || g, ${text}, ${vec} from generate_series(1, $3::int) g`,
      each,
    );
    await ctx.db().query(
      `insert into decisions (tenant_id, user_id, context, chosen, embedding)
       select 'default', 'alice', ${text}, 'option ' || g, ${vec} from generate_series(1, $3::int) g`,
      each,
    );
    await ctx.db().query(
      `insert into brain (tenant_id, user_id, key, value, embedding)
       select 'default', 'alice', 'key.' || g, to_jsonb(${text}), ${vec} from generate_series(1, $3::int) g`,
      each,
    );
    await ctx.db().exec('analyze');
  });
  after(async () => {
    await mem?.close();
  });

  it("uses each kind's HNSW and GIN index, and the statistics' indexes", async () => {
    const [v] = await embedder.embed(['the flight to lisbon']);
    const { sql, params } = candidateSql(
      recallCandidateQuery({
        scope,
        query: 'the flight to lisbon',
        vector: toVectorLiteral(v),
        kinds: [...RECALL_KINDS],
        filters: {},
        now: new Date(),
      }),
    );
    const used = await ctx.db().transaction(async (tx) => {
      await tx.exec('set local enable_seqscan = off');
      await tx.exec('set local enable_sort = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${sql}`, params);
      const plan = rows[0]['QUERY PLAN'];
      const doc = (typeof plan === 'string' ? JSON.parse(plan) : plan) as Array<{ Plan: PlanNode }>;
      return indexesOf(doc[0].Plan);
    });
    for (const kind of RECALL_KINDS) {
      const { vector, text } = RECALL_KIND_SPECS[kind].indexes;
      assert.ok(used.includes(vector), `${kind}: the plan uses ${vector} (it uses ${used.join(', ')})`);
      assert.ok(used.includes(text), `${kind}: the plan uses ${text} (it uses ${used.join(', ')})`);
    }
    for (const table of ['recall_stats', 'recall_stats_delta'])
      assert.ok(
        used.some((i) => i === `${table}_pkey` || i === `${table}_lexeme`),
        `${table} is read by an index (it uses ${used.join(', ')})`,
      );
  });
});

describeBackends('recall statements', (ctx) => {
  const embedder = createHashEmbedder({ dimension: DIMENSION });
  before(async () => {
    const mem = await createMemory({ db: ctx.db(), embedder, indexer: false });
    await mem.episodes.appendMany({
      scope: { user: 'bo' },
      episodes: Array.from({ length: 120 }, (_, i) => ({
        role: 'user' as const,
        session: `s${i % 6}`,
        content: `turn ${i}: ${['the flight to lisbon', 'pasta for dinner', 'the garden and the piano'][i % 3]} ${i % 7 === 0 ? 'tennis' : ''}`,
      })),
    });
    await mem.facts.assert({ scope: { user: 'bo' }, content: 'bo flies to lisbon every may' });
    await mem.brain.set({ scope: { user: 'bo' }, key: 'travel.airline', value: 'TAP to lisbon' });
    await mem.flush();
    await mem.close();
  });

  for (const query of ['the flight to lisbon', 'tennis and piano', 'nothing matches this'])
    it(`text first, then the rest: the same candidates as one statement ("${query}")`, async () => {
      const [v] = await embedder.embed([query]);
      const q = recallCandidateQuery({
        scope: resolveScope({ user: 'bo' }),
        query,
        vector: toVectorLiteral(v),
        kinds: [...RECALL_KINDS],
        filters: {},
        now: new Date(),
      });
      const sort = (rows: CandidateRow[]) =>
        rows
          .map((r) => ({ ...r, near: r.near ? [...r.near].sort() : null }))
          .sort((a, b) => `${a.kind}${a.id}`.localeCompare(`${b.kind}${b.id}`));
      const one = await findCandidates(ctx.db(), q);
      const text = await findTextMatches(ctx.db(), { ...q, vector: null });
      assert.deepEqual(text.stored, ['episode', 'fact', 'brain'], 'no decision is stored in the scope');
      const two = await findCandidates(ctx.db(), { ...q, kinds: text.stored, textMatches: text.matches });
      assert.ok(one.length > 0);
      assert.deepEqual(sort(two), sort(one));
    });

  it("each candidate carries the query terms it contains, with their IDF (a session's coverage)", async () => {
    const query = 'tennis and piano';
    const [v] = await embedder.embed([query]);
    const q = recallCandidateQuery({
      scope: resolveScope({ user: 'bo' }),
      query,
      vector: toVectorLiteral(v),
      kinds: [...RECALL_KINDS],
      filters: {},
      now: new Date(),
    });
    const rows = await findCandidates(ctx.db(), q);
    assert.ok(rows.some((r) => r.terms?.length === 2) && rows.some((r) => !r.terms));
    for (const r of rows) {
      const want = [/piano/.test(r.content) && 'piano', /tennis/.test(r.content) && 'tenni'].filter(Boolean);
      assert.deepEqual(r.terms ?? [], want, r.content);
      assert.equal(r.terms_idf?.length ?? 0, want.length);
      for (const idf of r.terms_idf ?? []) assert.ok(idf > 0);
    }
  });
});
