/**
 * The meaning signal of recall's candidate query: the nearest rows by cosine distance,
 * which the kind's HNSW index serves (`order by embedding <=> vector limit n`).
 */

/**
 * The query vector, parsed once for every kind: `qv(v)`.
 *
 * @example
 * queryVector('$3') // => 'qv as (select $3::text::vector as v)'
 */
export function queryVector(vec: string): string {
  // The query vector, parsed once (a cast in the select list would parse it per row).
  return `qv as (select ${vec}::text::vector as v)`;
}

/**
 * `${k}_vec(id, dist)`: the `vk` nearest visible rows of one kind to the query vector
 * `vec` (none when it is null). Rows not embedded yet are found by text only.
 *
 * @example
 * vectorCandidates('fact', 'facts t', 't.tenant_id = $1', 't.id::text', '$3', '$4');
 */
export function vectorCandidates(
  k: string,
  from: string,
  w: string,
  idExpr: string,
  vec: string,
  vk: string,
): string {
  return `${k}_vec as (select ${idExpr} as id, t.embedding <=> ${vec}::text::vector as dist from ${from}
        where ${w} and ${vec}::text is not null and t.embedding is not null
        order by t.embedding <=> ${vec}::text::vector limit ${vk})`;
}
