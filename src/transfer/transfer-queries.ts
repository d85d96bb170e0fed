/**
 * The SQL of export and import, derived from the registry (transfer-tables.ts): one
 * page of a section read in key order, one batch of a section written idempotently.
 * Table and column names are the registry's fixed identifiers; every value (filters,
 * keyset positions, the rows themselves, the tenant remap) is a parameter.
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { type ColumnSpec, type TableSpec, TRANSFER_TABLES } from './transfer-tables.js';

/** Filters as the queries take them (dates parsed). */
export interface ResolvedTransferFilters {
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
  since?: Date;
  until?: Date;
}

/**
 * True when a filter names a scope part the section lacks: the section is left out.
 *
 * @example
 * sectionExcluded(tableSpec('purge_audit')!, { user: 'alice' }) // => true
 */
export function sectionExcluded(spec: TableSpec, f: ResolvedTransferFilters): boolean {
  return (
    (f.user !== undefined && !spec.scope.user) ||
    (f.agent !== undefined && !spec.scope.agent) ||
    (f.session !== undefined && !spec.scope.session) ||
    ((f.since !== undefined || f.until !== undefined) && !spec.time)
  );
}

/** How a column is written into a line: UTC timestamps with microseconds, vectors as arrays. */
function exportExpr(col: ColumnSpec): string {
  if (col.type === 'ts') return `to_char(${col.name} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  if (col.type === 'vector') return `${col.name}::real[]`;
  // base64 without the line breaks PostgreSQL puts every 76 characters.
  if (col.type === 'bytea') return `translate(encode(${col.name}, 'base64'), E'\\n', '')`;
  return col.name;
}

/**
 * The row as canonical JSON text, computed by the database so both engines write the
 * same bytes; SQL NULL columns are left out (JSON null stays JSON null in jsonb).
 */
function rowJson(spec: TableSpec): string {
  const pairs = spec.columns.map((col) => `'${col.name}', ${exportExpr(col)}`).join(', ');
  const nullable = spec.columns.filter((col) => col.nullable);
  if (nullable.length === 0) return `jsonb_build_object(${pairs})::text`;
  const absent = nullable.map((col) => `case when ${col.name} is null then '${col.name}' end`).join(', ');
  return `(jsonb_build_object(${pairs}) - array_remove(array[${absent}]::text[], null))::text`;
}

function whereOf(spec: TableSpec, f: ResolvedTransferFilters, p: Params): string[] {
  const where: string[] = spec.only ? [spec.only] : [];
  if (f.tenant !== undefined) where.push(`tenant_id = ${p.add(f.tenant)}`);
  for (const part of ['user', 'agent', 'session'] as const) {
    const v = f[part];
    const col = spec.scope[part];
    if (v !== undefined && col) where.push(`${col} = ${p.add(v)}`);
  }
  if (f.since) where.push(`${spec.time} >= ${p.add(f.since)}`);
  if (f.until) where.push(`${spec.time} < ${p.add(f.until)}`);
  return where;
}

/**
 * One page of a section in key order after `after` (the previous page's last key):
 * keyset pagination on the primary key, so a page costs the same at any depth.
 *
 * @example
 * const page = await readPage(tx, spec, { tenant: 'acme' }, null, 500);
 * page.lines[0] // => '{"id": "…", "tenant_id": "acme", …}'
 */
export async function readPage(
  db: Db,
  spec: TableSpec,
  f: ResolvedTransferFilters,
  after: unknown[] | null,
  limit: number,
): Promise<{ lines: string[]; last: unknown[] | null }> {
  const p = new Params();
  const where = whereOf(spec, f, p);
  const key = spec.key.join(', ');
  if (after) where.push(`(${key}) > (${after.map((v) => p.add(v)).join(', ')})`);
  const sql = `select ${rowJson(spec)} as line, ${key} from ${spec.source}
    ${where.length ? `where ${where.join(' and ')}` : ''} order by ${key} limit ${p.add(limit)}`;
  const { rows } = await db.query<Record<string, unknown>>(sql, p.values);
  const lastRow = rows[rows.length - 1];
  return {
    lines: rows.map((r) => r.line as string),
    last: lastRow ? spec.key.map((k) => lastRow[k]) : null,
  };
}

/**
 * How many rows a section will export (for the progress display).
 *
 * @example
 * await countRows(tx, spec, {}) // => 1200
 */
export async function countRows(db: Db, spec: TableSpec, f: ResolvedTransferFilters): Promise<number> {
  const p = new Params();
  const where = whereOf(spec, f, p);
  const { rows } = await db.query<{ n: number }>(
    `select count(*)::int as n from ${spec.source} ${where.length ? `where ${where.join(' and ')}` : ''}`,
    p.values,
  );
  return rows[0].n;
}

/** What a batch write needs besides its rows. */
export interface WriteOptions {
  /** `{ from: to }` tenants, as a JSON object (a parameter). */
  remap: Record<string, string>;
  /** Keep embeddings (same model and dimension as the target), else write NULL. */
  keepEmbeddings: boolean;
}

/** A column's value read back from the line `j` (a jsonb), cast to its column type. */
function importExpr(col: ColumnSpec, o: WriteOptions, remap: string): string {
  const t = `(j->>'${col.name}')`;
  if (col.name === 'tenant_id') return `coalesce(${remap}::jsonb->>${t}, ${t})`;
  switch (col.type) {
    case 'text':
      return t;
    case 'int':
      return `${t}::integer`;
    case 'bigint':
      return `${t}::bigint`;
    case 'float':
      return `${t}::double precision`;
    case 'bool':
      return `${t}::boolean`;
    case 'ts':
      return `${t}::timestamptz`;
    case 'uuid':
      return `${t}::uuid`;
    case 'jsonb':
      return `(j->'${col.name}')`;
    case 'text[]':
      return `array(select jsonb_array_elements_text(j->'${col.name}'))`;
    case 'uuid[]':
      return `array(select jsonb_array_elements_text(j->'${col.name}')::uuid)`;
    case 'vector':
      return o.keepEmbeddings ? `${t}::vector` : 'null';
    case 'bytea':
      return `decode(${t}, 'base64')`;
  }
}

/**
 * Writes one batch of a section's rows (their lines' text, already validated) and
 * returns how many rows it added. Idempotent: rows already there (same key, or for
 * identity-keyed tables the same `sameAs` columns) are skipped, so a rerun adds nothing.
 * An identity value taken by another row gets a fresh number; the sequence is first
 * moved past the batch's values so later writes never collide with an imported one.
 *
 * @example
 * await writeBatch(tx, tableSpec('episodes')!, ['{"table":"episodes","row":{…}}'], { remap: {}, keepEmbeddings: true }) // => 1
 */
export async function writeBatch(db: Db, spec: TableSpec, rows: string[], o: WriteOptions): Promise<number> {
  const p = new Params();
  const data = p.add(JSON.stringify(rows));
  const remap = p.add(JSON.stringify(o.remap));
  // The lines travel as text and are read by the database: jsonb numbers stay exact.
  const from = `(select (x::jsonb)->'row' as j from jsonb_array_elements_text(${data}::jsonb) x) r`;
  const col = (name: string) => spec.columns.find((c) => c.name === name) as ColumnSpec;
  if (spec.link) {
    const { set, where } = spec.link;
    // Only while unset, and only to a row that is there (a filtered export may lack it).
    const sql = `update ${spec.source} t set ${set} = ${importExpr(col(set), o, remap)} from ${from}
      where t.${where} = ${importExpr(col(where), o, remap)} and t.tenant_id = ${importExpr(col('tenant_id'), o, remap)}
        and t.${set} is null
        and exists (select 1 from ${spec.source} g where g.${where} = ${importExpr(col(set), o, remap)})`;
    return (await db.query(sql, p.values)).rowCount;
  }
  const exprs = spec.columns.map((c) => importExpr(c, o, remap));
  if (spec.identity) {
    const id = spec.identity;
    const ids = rows.map((r) => Number((JSON.parse(r) as { row: Record<string, unknown> }).row[id]));
    const max = ids.reduce((a, b) => Math.max(a, b), 0);
    await db.query(
      `select setval(s.seq, greatest($1::bigint, coalesce(ps.last_value, 0), 1))
         from (select pg_get_serial_sequence($2, $3) as seq) s
         left join pg_sequences ps on format('%I.%I', ps.schemaname, ps.sequencename) = s.seq`,
      [max, spec.source, id],
    );
    const i = spec.columns.findIndex((c) => c.name === id);
    exprs[i] = `case when exists (select 1 from ${spec.source} x where x.${id} = ${exprs[i]})
      then nextval(pg_get_serial_sequence('${spec.source}', '${id}')) else ${exprs[i]} end`;
  }
  const same = spec.sameAs
    ? `where not exists (select 1 from ${spec.source} x where ${spec.sameAs
        .map((n) => `x.${n} is not distinct from ${importExpr(col(n), o, remap)}`)
        .join(' and ')})`
    : '';
  const sql = `insert into ${spec.source} (${spec.columns.map((c) => c.name).join(', ')})
    ${spec.identity ? 'overriding system value' : ''}
    select ${exprs.join(', ')} from ${from} ${same}
    on conflict do nothing`;
  return (await db.query(sql, p.values)).rowCount;
}

/**
 * How many rows of a batch have an id the target holds under another tenant (a file
 * imported into the store it came from with a tenant remap): they are skipped like any
 * row already there, and the import reports them. 0 for sections not keyed by a uuid.
 *
 * @example
 * await heldByOtherTenant(tx, tableSpec('facts')!, lines, { remap: { acme: 'beta' }, keepEmbeddings: false }) // => 12
 */
export async function heldByOtherTenant(
  db: Db,
  spec: TableSpec,
  rows: string[],
  o: WriteOptions,
): Promise<number> {
  const id = spec.columns.find((c) => c.name === 'id');
  if (spec.link || spec.key.join() !== 'id' || id?.type !== 'uuid') return 0;
  const p = new Params();
  const data = p.add(JSON.stringify(rows));
  const remap = p.add(JSON.stringify(o.remap));
  const tenant = spec.columns.find((c) => c.name === 'tenant_id') as ColumnSpec;
  const { rows: out } = await db.query<{ n: number }>(
    `select count(*)::int as n from ${spec.source} x
       join (select ${importExpr(id, o, remap)} as id, ${importExpr(tenant, o, remap)} as tenant_id
               from (select (l::jsonb)->'row' as j from jsonb_array_elements_text(${data}::jsonb) l) r) r
         on x.id = r.id
      where x.tenant_id <> r.tenant_id`,
    p.values,
  );
  return out[0].n;
}

/**
 * The newest schema version applied to a store.
 *
 * @example
 * await schemaVersion(db) // => 13
 */
export async function schemaVersion(db: Db): Promise<number> {
  const { rows } = await db.query<{ v: number | null }>(
    'select max(version)::int as v from schema_migrations',
  );
  return rows[0]?.v ?? 0;
}

/**
 * The embedding model and dimension a store is bound to (meta `embedding`), or null.
 *
 * @example
 * await embeddingBinding(db) // => { model: 'hash:ngram-v1', dimension: 64 }
 */
export async function embeddingBinding(db: Db): Promise<{ model: string; dimension: number } | null> {
  const { rows } = await db.query<{ value: { model?: unknown; dimension?: unknown } }>(
    "select value from meta where key = 'embedding'",
  );
  const v = rows[0]?.value;
  if (!v || typeof v.model !== 'string' || typeof v.dimension !== 'number') return null;
  return { model: v.model, dimension: v.dimension };
}

/**
 * How many rows wait for an embedding (the background indexer's backlog).
 *
 * @example
 * await pendingEmbeddings(db) // => 120
 */
export async function pendingEmbeddings(db: Db): Promise<number> {
  const tables = TRANSFER_TABLES.filter((t) => !t.link && t.columns.some((c) => c.type === 'vector'));
  const counts = tables.map((t) => `(select count(*) from ${t.source} where embedding is null)`);
  const { rows } = await db.query<{ n: number }>(`select (${counts.join(' + ')})::int as n`);
  return rows[0].n;
}
