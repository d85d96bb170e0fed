// Looks for a marker string in every column of the public schema that can hold content.
import type { Db } from '../../src/db/db.js';
import { ident } from '../../src/db/sql.js';

/**
 * Returns `table.column` for every column holding `marker`: text, varchar, char, text[],
 * json and jsonb columns are searched as text; tsvector columns for the marker's lexeme.
 */
export async function findMarker(db: Db, marker: string): Promise<string[]> {
  const { rows: cols } = await db.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
  }>(
    `select c.table_name, c.column_name, c.data_type, c.udt_name
     from information_schema.columns c
     join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
       and (c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb')
            or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar'))
            or c.udt_name = 'tsvector')
     order by 1, 2`,
  );
  const { rows: lx } = await db.query<{ lexemes: string[] }>(
    "select tsvector_to_array(to_tsvector('english', $1)) as lexemes",
    [marker],
  );
  const lexeme = lx[0].lexemes[0];
  const hits: string[] = [];
  for (const c of cols) {
    const col = `${ident(c.table_name)}.${ident(c.column_name)}`;
    const needle = c.udt_name === 'tsvector' ? `'${lexeme}'` : marker;
    const { rows } = await db.query<{ n: number }>(
      `select count(*) as n from ${ident(c.table_name)} where strpos(${col}::text, $1) > 0`,
      [needle],
    );
    if (Number(rows[0].n) > 0) hits.push(`${c.table_name}.${c.column_name}`);
  }
  return hits;
}

/** How many columns were searched (so a test can check the scan is not vacuous). */
export async function searchableColumns(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `select count(*) as n from information_schema.columns
     where table_schema = 'public'
       and (data_type in ('text', 'character varying', 'json', 'jsonb') or udt_name in ('_text', 'tsvector'))`,
  );
  return Number(rows[0].n);
}
