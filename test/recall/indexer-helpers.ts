/** Plain-SQL writers and probes shared by the embedding indexer tests. */
import type { Db } from '../../src/db/db.js';
import { createFunctionEmbedder } from '../../src/recall/embedders/function-embedder.js';
import { hashEmbed } from '../../src/recall/embedders/hash-embedder.js';

export async function insertEpisode(
  db: Db,
  content: string,
  extra: { subject?: string; archived?: boolean } = {},
) {
  const { rows } = await db.query<{ id: string }>(
    `insert into episodes (tenant_id, role, subject, content, archived_at)
     values ('t1', 'user', $1, $2, case when $3::boolean then now() end) returning id`,
    [extra.subject ?? '', content, extra.archived ?? false],
  );
  return rows[0].id;
}

export async function insertFact(db: Db, subject: string, content: string) {
  await db.query(`insert into facts (tenant_id, subject, content) values ('t1', $1, $2)`, [subject, content]);
}

export async function insertDecision(db: Db, context: string, chosen: string, reasoning: string) {
  await db.query(`insert into decisions (tenant_id, context, chosen, reasoning) values ('t1', $1, $2, $3)`, [
    context,
    chosen,
    reasoning,
  ]);
}

export async function insertBrain(db: Db, key: string, value: unknown, description = '') {
  await db.query(`insert into brain (tenant_id, key, value, description) values ('t1', $1, $2::jsonb, $3)`, [
    key,
    JSON.stringify(value),
    description,
  ]);
}

/** Rows still pending and rows embedded with a given dimension, over the four tables. */
export async function embeddingState(db: Db): Promise<{ pending: number; dims: number[] }> {
  const { rows } = await db.query<{ d: number | null }>(
    `select vector_dims(embedding) as d from episodes union all select vector_dims(embedding) from facts
     union all select vector_dims(embedding) from decisions union all select vector_dims(embedding) from brain`,
  );
  return {
    pending: rows.filter((r) => r.d === null).length,
    dims: [...new Set(rows.map((r) => r.d).filter((d) => d !== null))] as number[],
  };
}

/** The declared type of each embedding column, e.g. `vector(16)`. */
export async function columnTypes(db: Db): Promise<Record<string, string>> {
  const { rows } = await db.query<{ t: string; ty: string }>(
    `select c.relname as t, format_type(a.atttypid, a.atttypmod) as ty from pg_attribute a
     join pg_class c on c.oid = a.attrelid
     where a.attname = 'embedding' and c.relname in ('episodes', 'facts', 'decisions', 'brain')`,
  );
  return Object.fromEntries(rows.map((r) => [r.t, r.ty]));
}

export async function hnswIndexes(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ indexname: string }>(
    "select indexname from pg_indexes where indexname like '%_embedding_hnsw' order by indexname",
  );
  return rows.map((r) => r.indexname);
}

/** A hash-based function embedder that records every text it is asked to embed. */
export function countingEmbedder(
  dimension: number,
  opts: { id?: string; delayMs?: number; maxBatch?: number } = {},
) {
  const seen: string[] = [];
  let calls = 0;
  const embedder = createFunctionEmbedder({
    id: opts.id ?? 'test:counting',
    dimension,
    maxBatch: opts.maxBatch ?? 16,
    embed: async (texts) => {
      calls++;
      seen.push(...texts);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      return texts.map((t) => hashEmbed(t, dimension));
    },
  });
  return {
    embedder,
    seen,
    get calls() {
      return calls;
    },
  };
}
