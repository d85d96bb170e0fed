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
  | 'vector'
  | 'bytea';

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
  /** The column `since` / `until` filter on; a section without one is left out by them. */
  time?: string;
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

/**
 * Columns written compactly: `'id uuid, ended_at ts?, tags text[]'` (`?`: nullable).
 *
 * @example
 * cols('id uuid, ended_at ts?') // => [{ name: 'id', type: 'uuid', nullable: false }, { name: 'ended_at', type: 'ts', nullable: true }]
 */
function cols(list: string): ColumnSpec[] {
  return list.split(',').map((item) => {
    const [name, t] = item.trim().split(/\s+/);
    const nullable = t.endsWith('?');
    return { name, type: (nullable ? t.slice(0, -1) : t) as ColumnType, nullable };
  });
}

/** Every section of an export file, in file order. */
export const TRANSFER_TABLES: readonly TableSpec[] = [
  {
    name: 'sessions',
    source: 'sessions',
    columns: cols(
      'tenant_id text, id text, user_id text, agent_id text, started_at ts, ended_at ts?, summary text?, metadata jsonb',
    ),
    key: ['tenant_id', 'id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'id' },
    time: 'started_at',
  },
  {
    name: 'brain',
    source: 'brain',
    columns: cols(
      'tenant_id text, user_id text, agent_id text, key text, value jsonb, category text, description text, priority int, version int, expires_at ts?, embedding vector?, created_at ts, created_by text, updated_at ts, updated_by text',
    ),
    key: ['tenant_id', 'user_id', 'agent_id', 'key'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'updated_at',
  },
  {
    name: 'brain_history',
    source: 'brain_history',
    columns: cols(
      'id bigint, tenant_id text, user_id text, agent_id text, key text, op text, old_value jsonb?, new_value jsonb?, version int, changed_by text, changed_at ts',
    ),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'changed_at',
    identity: 'id',
    sameAs: ['tenant_id', 'user_id', 'agent_id', 'key', 'op', 'version', 'changed_at'],
  },
  {
    name: 'episodes',
    source: 'episodes',
    columns: cols(
      'id uuid, seq bigint, tenant_id text, user_id text, agent_id text, session_id text, role text, event_type text, subject text, content text, importance int, tags text[], metadata jsonb, idempotency_key text?, occurred_at ts, created_at ts, embedding vector?, archived_at ts?',
    ),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'occurred_at',
    identity: 'seq',
  },
  {
    name: 'facts',
    source: 'facts',
    columns: cols(
      'id uuid, tenant_id text, user_id text, agent_id text, session_id text, kind text, category text, subject text, content text, confidence float, source text, source_episode_ids uuid[], tags text[], metadata jsonb, embedding vector?, valid_from ts, valid_to ts?, created_at ts, created_by text, archived_at ts?',
    ),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    // superseded_by references facts(id): set once every fact of the file is in.
    name: 'fact_links',
    source: 'facts',
    columns: cols('id uuid, tenant_id text, superseded_by uuid'),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
    only: 'superseded_by is not null',
    link: { set: 'superseded_by', where: 'id' },
  },
  {
    name: 'decisions',
    source: 'decisions',
    columns: cols(
      'id uuid, tenant_id text, user_id text, agent_id text, session_id text, subject text, context text, alternatives jsonb, chosen text, reasoning text, status text, outcome jsonb?, lessons text?, feedback text?, episode_id uuid?, tags text[], metadata jsonb, embedding vector?, created_at ts, resolved_at ts?',
    ),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    name: 'conflicts',
    source: 'conflicts',
    columns: cols(
      'id uuid, tenant_id text, user_id text, subject text, category text, fact_ids uuid[], status text, resolution text?, resolved_by text?, created_at ts, resolved_at ts?',
    ),
    key: ['id'],
    scope: { user: 'user_id' },
    time: 'created_at',
  },
  {
    name: 'tasks',
    source: 'tasks',
    columns: cols(
      'id uuid, tenant_id text, user_id text, agent_id text, queue text, dedupe_key text?, payload jsonb, status text, priority int, run_after ts, claimed_by text?, claimed_at ts?, lease_until ts?, attempts int, max_attempts int, result jsonb?, error text?, created_at ts, updated_at ts, finished_at ts?',
    ),
    key: ['id'],
    scope: { user: 'user_id', agent: 'agent_id' },
    time: 'created_at',
  },
  {
    name: 'llm_cache',
    source: 'llm_cache',
    columns: cols(
      'tenant_id text, content_hash text, user_id text, agent_id text, session_id text, content_type text, content jsonb, model text, prompt_tokens int, completion_tokens int, cost float, latency_ms float, size_bytes int, access_count int, hit_count int, created_at ts, last_accessed ts, expires_at ts?',
    ),
    key: ['tenant_id', 'content_hash'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'created_at',
  },
  {
    name: 'llm_cache_stats',
    source: 'llm_cache_stats',
    columns: cols(
      'tenant_id text, user_id text, agent_id text, session_id text, hits bigint, misses bigint, latency_saved_ms float, cost_saved float, tokens_saved bigint, updated_at ts',
    ),
    key: ['tenant_id', 'user_id', 'agent_id', 'session_id'],
    scope: { user: 'user_id', agent: 'agent_id', session: 'session_id' },
    time: 'updated_at',
  },
  {
    name: 'purge_audit',
    source: 'purge_audit',
    columns: cols(
      'id uuid, tenant_id text, target jsonb, counts jsonb, reason text, purged_by text, purged_at ts',
    ),
    key: ['id'],
    scope: {},
    time: 'purged_at',
  },
  // LangGraph.js checkpoints (mnemo/langgraph): durable runs are part of the store. Their
  // serialised values travel as base64; blobs and writes have no time or scope column of
  // their own, so a time or scope filter leaves them (and the checkpoints, whose scope is
  // the thread) out.
  {
    name: 'lg_checkpoints',
    source: 'lg_checkpoints',
    columns: cols(
      'tenant_id text, thread_id text, checkpoint_ns text, checkpoint_id text, parent_checkpoint_id text?, checkpoint_type text, checkpoint bytea, metadata_type text, metadata bytea, metadata_json jsonb, created_at ts',
    ),
    key: ['tenant_id', 'thread_id', 'checkpoint_ns', 'checkpoint_id'],
    scope: {},
  },
  {
    name: 'lg_blobs',
    source: 'lg_blobs',
    columns: cols(
      'tenant_id text, thread_id text, checkpoint_ns text, channel text, version text, value_type text, value bytea?',
    ),
    key: ['tenant_id', 'thread_id', 'checkpoint_ns', 'channel', 'version'],
    scope: {},
  },
  {
    name: 'lg_writes',
    source: 'lg_writes',
    columns: cols(
      'tenant_id text, thread_id text, checkpoint_ns text, checkpoint_id text, task_id text, idx int, channel text, value_type text, value bytea, task_path text',
    ),
    key: ['tenant_id', 'thread_id', 'checkpoint_ns', 'checkpoint_id', 'task_id', 'idx'],
    scope: {},
  },
  {
    name: 'api_keys',
    source: 'api_keys',
    columns: cols(
      'id uuid, tenant_id text, name text, key_hash text, key_prefix text, scopes text[], tier text, rate_limit_per_minute int, monthly_quota int?, enabled bool, expires_at ts?, last_used_at ts?, created_at ts, revoked_at ts?, default_user text, default_agent text, pinned bool',
    ),
    key: ['id'],
    scope: {},
    time: 'created_at',
    extra: 'keys',
  },
  {
    name: 'usage_events',
    source: 'usage_events',
    columns: cols(
      'id bigint, tenant_id text, key_id uuid?, endpoint text, method text, status int, latency_ms float, tokens int, cost float, created_at ts',
    ),
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
