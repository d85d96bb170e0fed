/**
 * The one registry of what export and import move: every table that is memory, in the
 * order a file lists them (a row's references come before it, supersede links after
 * every fact), with its columns and their types, its key (the keyset order of export,
 * the conflict target of import), the scope columns and the time column its filters
 * apply to. The SQL of both directions and the zod schema of each line derive from it.
 *
 * Every table and column name here is a fixed identifier written in this file, never
 * input, so transfer-queries.ts writes them into SQL text as they are; values always
 * travel as parameters.
 *
 * Not exported, because derived: the tsvector columns (generated), recall_stats and
 * recall_stats_delta (kept by the triggers of migration 0013 as rows are inserted),
 * meta (the embedding binding travels in the header) and schema_migrations.
 */

/** How a column travels: its JSON shape in a line and its cast back on import. */
export type ColumnType =
  | 'text'
  | 'int'
  | 'bigint'
  | 'float'
  | 'bool'
  | 'jsonb'
  | 'ts'
  | 'uuid'
  | 'text[]'
  | 'uuid[]'
  | 'vector';

/** One column: name, type, and whether SQL NULL is allowed (absent from the line then). */
export interface ColumnSpec {
  name: string;
  type: ColumnType;
  nullable?: boolean;
}

/** Optional parts of an export: tables only exported when asked for. */
export type TransferExtra = 'keys' | 'usage';

/** What one section of a file holds and how it is read and written. */
export interface TableSpec {
  /** The line's `table` value; the SQL table unless `source` says otherwise. */
  name: string;
  /** The SQL table (a section may be a view of another table: fact supersede links). */
  source: string;
  columns: ColumnSpec[];
  /** The key, in keyset order: the primary key. */
  key: string[];
  /** The scope columns the table has (a filter on a part it lacks leaves the table out). */
  scope: { user?: string; agent?: string; session?: string };
  /** The column `since` / `until` filter on. */
  time: string;
  /** A bigint identity column: kept when free in the target, else a fresh number. */
  identity?: string;
  /**
   * For identity-keyed tables, the columns that say a row is already there (its id may
   * differ in a store that had writes of its own): a rerun adds nothing.
   */
  sameAs?: string[];
  /** Written by `update` of an existing row (links) instead of `insert`. */
  link?: { set: string; where: string };
  /** Only with `include`. */
  extra?: TransferExtra;
  /** Only rows matching this fixed condition (no input in it). */
  only?: string;
}

const c = (name: string, type: ColumnType, nullable = false): ColumnSpec => ({ name, type, nullable });
const owner = [c('tenant_id', 'text'), c('user_id', 'text'), c('agent_id', 'text')];
const scoped = [...owner, c('session_id', 'text')];

/** Every section of an export file, in file order. */
export const TRANSFER_TABLES: readonly TableSpec[] = [
  {
    name: 'sessions',
    source: 'sessions',
    columns: [
      c('tenant_id', 'text'),
      c('id', 'text'),
      c('user_id', 'text'),
      c('agent_id', 'text'),
      c('started_at', 'ts'),
      c('ended_at', 'ts', true),
      c('summary', 'text', true),
      c('metadata', 'jsonb'),
    ],
    key: ['tenant_id', 'id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'id' },
    time: 'started_at',
  },
  {
    name: 'brain',
    source: 'brain',
    columns: [
      ...owner,
      c('key', 'text'),
      c('value', 'jsonb'),
      c('category', 'text'),
      c('description', 'text'),
      c('priority', 'int'),
      c('version', 'int'),
      c('expires_at', 'ts', true),
      c('embedding', 'vector', true),
      c('created_at', 'ts'),
      c('created_by', 'text'),
      c('updated_at', 'ts'),
      c('updated_by', 'text'),
    ],
    key: ['tenant_id', 'user_id', 'agent_id', 'key'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'updated_at',
  },
  {
    name: 'brain_history',
    source: 'brain_history',
    columns: [
      c('id', 'bigint'),
      ...owner,
      c('key', 'text'),
      c('op', 'text'),
      c('old_value', 'jsonb', true),
      c('new_value', 'jsonb', true),
      c('version', 'int'),
      c('changed_by', 'text'),
      c('changed_at', 'ts'),
    ],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'changed_at',
    identity: 'id',
    sameAs: ['tenant_id', 'user_id', 'agent_id', 'key', 'op', 'version', 'changed_at'],
  },
  {
    name: 'episodes',
    source: 'episodes',
    columns: [
      c('id', 'uuid'),
      c('seq', 'bigint'),
      ...scoped,
      c('role', 'text'),
      c('event_type', 'text'),
      c('subject', 'text'),
      c('content', 'text'),
      c('importance', 'int'),
      c('tags', 'text[]'),
      c('metadata', 'jsonb'),
      c('idempotency_key', 'text', true),
      c('occurred_at', 'ts'),
      c('created_at', 'ts'),
      c('embedding', 'vector', true),
      c('archived_at', 'ts', true),
    ],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'occurred_at',
    identity: 'seq',
  },
  {
    name: 'facts',
    source: 'facts',
    columns: [
      c('id', 'uuid'),
      ...scoped,
      c('kind', 'text'),
      c('category', 'text'),
      c('subject', 'text'),
      c('content', 'text'),
      c('confidence', 'float'),
      c('source', 'text'),
      c('source_episode_ids', 'uuid[]'),
      c('tags', 'text[]'),
      c('metadata', 'jsonb'),
      c('embedding', 'vector', true),
      c('valid_from', 'ts'),
      c('valid_to', 'ts', true),
      c('created_at', 'ts'),
      c('created_by', 'text'),
      c('archived_at', 'ts', true),
    ],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    // superseded_by references facts(id): set once every fact of the file is in.
    name: 'fact_links',
    source: 'facts',
    columns: [c('id', 'uuid'), c('tenant_id', 'text'), c('superseded_by', 'uuid')],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
    only: 'superseded_by is not null',
    link: { set: 'superseded_by', where: 'id' },
  },
  {
    name: 'decisions',
    source: 'decisions',
    columns: [
      c('id', 'uuid'),
      ...scoped,
      c('subject', 'text'),
      c('context', 'text'),
      c('alternatives', 'jsonb'),
      c('chosen', 'text'),
      c('reasoning', 'text'),
      c('status', 'text'),
      c('outcome', 'jsonb', true),
      c('lessons', 'text', true),
      c('feedback', 'text', true),
      c('episode_id', 'uuid', true),
      c('tags', 'text[]'),
      c('metadata', 'jsonb'),
      c('embedding', 'vector', true),
      c('created_at', 'ts'),
      c('resolved_at', 'ts', true),
    ],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    name: 'conflicts',
    source: 'conflicts',
    columns: [
      c('id', 'uuid'),
      c('tenant_id', 'text'),
      c('user_id', 'text'),
      c('subject', 'text'),
      c('category', 'text'),
      c('fact_ids', 'uuid[]'),
      c('status', 'text'),
      c('resolution', 'text', true),
      c('resolved_by', 'text', true),
      c('created_at', 'ts'),
      c('resolved_at', 'ts', true),
    ],
    key: ['id'],
    scope: { user: 'user_id' },
    time: 'created_at',
  },
  {
    name: 'tasks',
    source: 'tasks',
    columns: [
      c('id', 'uuid'),
      ...owner,
      c('queue', 'text'),
      c('dedupe_key', 'text', true),
      c('payload', 'jsonb'),
      c('status', 'text'),
      c('priority', 'int'),
      c('run_after', 'ts'),
      c('claimed_by', 'text', true),
      c('claimed_at', 'ts', true),
      c('lease_until', 'ts', true),
      c('attempts', 'int'),
      c('max_attempts', 'int'),
      c('result', 'jsonb', true),
      c('error', 'text', true),
      c('created_at', 'ts'),
      c('updated_at', 'ts'),
      c('finished_at', 'ts', true),
    ],
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'created_at',
  },
  {
    name: 'llm_cache',
    source: 'llm_cache',
    columns: [
      c('tenant_id', 'text'),
      c('content_hash', 'text'),
      c('user_id', 'text'),
      c('agent_id', 'text'),
      c('session_id', 'text'),
      c('content_type', 'text'),
      c('content', 'jsonb'),
      c('model', 'text'),
      c('prompt_tokens', 'int'),
      c('completion_tokens', 'int'),
      c('cost', 'float'),
      c('latency_ms', 'float'),
      c('size_bytes', 'int'),
      c('access_count', 'int'),
      c('hit_count', 'int'),
      c('created_at', 'ts'),
      c('last_accessed', 'ts'),
      c('expires_at', 'ts', true),
    ],
    key: ['tenant_id', 'content_hash'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    name: 'llm_cache_stats',
    source: 'llm_cache_stats',
    columns: [
      ...scoped,
      c('hits', 'bigint'),
      c('misses', 'bigint'),
      c('latency_saved_ms', 'float'),
      c('cost_saved', 'float'),
      c('tokens_saved', 'bigint'),
      c('updated_at', 'ts'),
    ],
    key: ['tenant_id', 'user_id', 'agent_id', 'session_id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'updated_at',
  },
  {
    name: 'purge_audit',
    source: 'purge_audit',
    columns: [
      c('id', 'uuid'),
      c('tenant_id', 'text'),
      c('target', 'jsonb'),
      c('counts', 'jsonb'),
      c('reason', 'text'),
      c('purged_by', 'text'),
      c('purged_at', 'ts'),
    ],
    key: ['id'],
    scope: {},
    time: 'purged_at',
  },
  {
    name: 'api_keys',
    source: 'api_keys',
    columns: [
      c('id', 'uuid'),
      c('tenant_id', 'text'),
      c('name', 'text'),
      c('key_hash', 'text'),
      c('key_prefix', 'text'),
      c('scopes', 'text[]'),
      c('tier', 'text'),
      c('rate_limit_per_minute', 'int'),
      c('monthly_quota', 'int', true),
      c('enabled', 'bool'),
      c('expires_at', 'ts', true),
      c('last_used_at', 'ts', true),
      c('created_at', 'ts'),
      c('revoked_at', 'ts', true),
      c('default_user', 'text'),
      c('default_agent', 'text'),
      c('pinned', 'bool'),
    ],
    key: ['id'],
    scope: {},
    time: 'created_at',
    extra: 'keys',
  },
  {
    name: 'usage_events',
    source: 'usage_events',
    columns: [
      c('id', 'bigint'),
      c('tenant_id', 'text'),
      c('key_id', 'uuid', true),
      c('endpoint', 'text'),
      c('method', 'text'),
      c('status', 'int'),
      c('latency_ms', 'float'),
      c('tokens', 'int'),
      c('cost', 'float'),
      c('created_at', 'ts'),
    ],
    key: ['id'],
    scope: {},
    time: 'created_at',
    identity: 'id',
    sameAs: ['tenant_id', 'key_id', 'endpoint', 'method', 'status', 'latency_ms', 'created_at'],
    extra: 'usage',
  },
];

/** The sections by line name. */
export const TABLES_BY_NAME: ReadonlyMap<string, TableSpec> = new Map(
  TRANSFER_TABLES.map((t) => [t.name, t]),
);

/**
 * The section a line names, or undefined.
 *
 * @example
 * tableSpec('episodes')?.key // => ['id']
 */
export function tableSpec(name: string): TableSpec | undefined {
  return TABLES_BY_NAME.get(name);
}
