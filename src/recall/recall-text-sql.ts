/**
 * The text signal of recall's candidate query: BM25 over the tsvector, with document
 * frequencies counted in the scope and field weight A counted twice. Each function
 * returns CTEs of one kind `k` (named `${k}_...`), over its visible rows `from`/`w`.
 *
 * Why BM25 by hand: ts_rank has no inverse document frequency, so a speaker's name
 * that opens every turn would outweigh the one rare word that matters.
 */
/** The placeholders of the query-wide values the text CTEs use. */
export interface TextPlaceholders {
  /** Terms matching more than this share of the scope do not generate candidates. */
  share: string;
  /** Most text matches scored by BM25. */
  textCap: string;
  /** About how many rows the candidate terms may match. */
  budget: string;
}

/**
 * The query's lexemes, once for every kind: `q(lex, tq)`.
 *
 * @example
 * queryTerms('$2') // => "q as (select distinct u.lexeme as lex, ..."
 */
export function queryTerms(query: string): string {
  return `q as (select distinct u.lexeme as lex, quote_literal(u.lexeme)::tsquery as tq
      from unnest(to_tsvector('english', ${query}::text)) u)`;
}

/**
 * `st(kind, lexeme, df, len)`: the stored statistics of the query's lexemes and of the
 * scope (lexeme '': row count in `df`, summed tsvector lengths in `len`) for the
 * `kinds` placeholder (a text array), summed over the scope's users when it names none.
 * Kept on write by triggers (migration 0013): nothing is counted at query time.
 *
 * Why the deltas: writers append their changes there instead of waiting on each other
 * for a counter row; the next writer to get the fold lock moves them (usually at once).
 *
 * @example
 * storedStatistics('$5', '$6') // => "st as (select s.kind, s.lexeme, ..."
 */
export function storedStatistics(kinds: string, user: string | null): string {
  const rows = (table: string) => `select kind, lexeme, df, len from ${table}
        where tenant_id = $1 and kind = any(${kinds}::text[])${user ? ` and user_id = ${user}` : ''}
          and lexeme = any(array(select lex from q) || ''::text)`;
  return `st as (select s.kind, s.lexeme, sum(s.df)::float8 as df, sum(s.len)::float8 as len from (
      ${rows('recall_stats')}
      union all
      ${rows('recall_stats_delta')}) s group by s.kind, s.lexeme)`;
}

/**
 * `${k}_n(n, avgdl)`: rows and mean distinct terms in the scope; `${k}_df(lex, df)`:
 * each query term's document frequency; both read from `st` (storedStatistics).
 *
 * @example
 * textStatistics('fact'); // => ['fact_n as (...)', 'fact_df as (...)']
 */
export function textStatistics(k: string): string[] {
  return [
    `${k}_n as (select coalesce(max(df) filter (where lexeme = ''), 0)::float8 as n,
        coalesce(max(len / nullif(df, 0)) filter (where lexeme = ''), 1)::float8 as avgdl from st where kind = '${k}')`,
    `${k}_df as (select q.lex, coalesce(st.df, 0)::float8 as df from q left join st on st.kind = '${k}' and st.lexeme = q.lex)`,
  ];
}

/**
 * `${k}_tq(s)`: the candidate-generating terms as a tsquery text; `${k}_text(id, tsv)`:
 * the best matches by ts_rank; `${k}_bm1(id, bm25)`: their BM25.
 *
 * @example
 * textCandidates('fact', 'facts t', 't.tenant_id = $1', 't.id::text', ph); // => ['fact_tq as (...)', ...]
 */
export function textCandidates(
  k: string,
  from: string,
  w: string,
  idExpr: string,
  ph: TextPlaceholders,
): string[] {
  const { share, textCap, budget } = ph;
  return [
    // Candidate generation skips terms most of the scope contains (they would pull in
    // half the store); those terms still count in the score of the candidates.
    // Candidates come from the rarer terms, rarest first, while together they match at
    // most `textBudget` rows (the rarest always counts): one common term (a name in a
    // fifth of a 100k scope) would otherwise put 20,000 rows through ts_rank (40 ms).
    // Every query term still counts in the score of the candidates.
    `${k}_tq as (select coalesce(
        (select string_agg(quote_literal(x.lex), ' | ') from (
            select d.lex, d.df, sum(d.df) over (order by d.df, d.lex) - d.df as before
            from ${k}_df d, ${k}_n n where d.df > 0 and d.df <= greatest(n.n * ${share}, 1)) x
          where x.before = 0 or x.before + x.df <= ${budget}),
        (select string_agg(quote_literal(d.lex), ' | ') from ${k}_df d where d.df > 0)) as s)`,
    // ts_rank (no document frequencies, but cheap, in C) picks which matches get a full BM25 score.
    // The `@@` on the tsvector is what the GIN index serves.
    `${k}_text as (select ${idExpr} as id, t.tsv from ${from}, ${k}_tq where ${w}
        and ${k}_tq.s is not null and t.tsv @@ to_tsquery('simple', ${k}_tq.s)
        order by ts_rank(t.tsv, to_tsquery('simple', ${k}_tq.s)) desc limit ${textCap})`,
    `${k}_bm1 as (${bm25(k, `${k}_text`)})`,
  ];
}

/**
 * `${k}_more(id, tsv)`: the candidates other signals found (`others`, a subquery of
 * ids) that are not text matches; `${k}_bm(id, bm25)`: BM25 of every candidate.
 *
 * @example
 * textScoresOfOthers('fact', 'facts t', w, (s) => `t.id in (${s})`, 'select id from fact_vec');
 */
export function textScoresOfOthers(
  k: string,
  from: string,
  w: string,
  idExpr: string,
  idIn: (subquery: string) => string,
  others: string,
): string[] {
  return [
    `${k}_more as (select ${idExpr} as id, t.tsv from ${from} where ${w} and ${idIn(
      `${others} except select id from ${k}_bm1`,
    )})`,
    `${k}_bm as (select * from ${k}_bm1 union all ${bm25(k, `${k}_more`)})`,
  ];
}

/**
 * `${k}_ideal(ideal)`: the query's own reference BM25 in the scope, which text scores
 * are calibrated against.
 *
 * @example
 * textReference('fact'); // => 'fact_ideal as (select coalesce(sum(ln(...'
 */
export function textReference(k: string): string {
  // tf 1 at average length gives 2.2 / (1 + 1.2) = 1: the reference is the sum of the
  // IDFs of the query terms the scope contains (a term no row has cannot be matched).
  return `${k}_ideal as (select coalesce(sum(ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5))), 0)::float8 as ideal
        from ${k}_df d, ${k}_n n where d.df > 0)`;
}

/**
 * A lateral subquery over the candidate row `t`: `(terms, terms_idf)`, the query terms the
 * row contains and their IDF, so fusion can tell which of the query's terms a session
 * covers between its turns (one turn names the topic, another the detail). `hasWords`
 * says the row contains a query term at all (its BM25 is above 0): the others (found by
 * meaning or as neighbours only) skip the subquery.
 *
 * Why through `q.tq`: a tsquery of one quoted lexeme matches the tsvector exactly (in C)
 * for the few query terms; the IDF is the one BM25 uses.
 *
 * @example
 * `left join lateral ${candidateTerms('episode', 'b.bm25 > 0')} tm on true`
 */
export function candidateTerms(k: string, hasWords: string): string {
  return `(select array_agg(d.lex order by d.lex) as terms,
          array_agg(ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5)) order by d.lex)::float8[] as terms_idf
        from ${k}_df d join q on q.lex = d.lex, ${k}_n n where ${hasWords} and d.df > 0 and t.tsv @@ q.tq)`;
}

/** BM25 of the rows of `docs` (a CTE with id and tsv) against the query terms, with the kind's statistics. */
function bm25(k: string, docs: string): string {
  return `select x.id, sum(ln(1 + (n.n - d.df + 0.5) / (d.df + 0.5))
      * x.tf * 2.2 / (x.tf + 1.2 * (0.25 + 0.75 * x.dl / n.avgdl)))::float8 as bm25
    from (select c.id, u.lexeme,
        coalesce((select sum(case when wt = 'A' then 2 else 1 end) from unnest(u.weights) wt), 1)::float8 as tf,
        length(c.tsv)::float8 as dl
      from ${docs} c, unnest(c.tsv) u where u.lexeme in (select lex from q)) x
    join ${k}_df d on d.lex = x.lexeme, ${k}_n n group by x.id`;
}
