-- Content-addressed cache of LLM outputs, keyed by sha256 of canonical JSON of every
-- input that shapes the output. Scope columns record who first computed a row, so a
-- purge of a user/agent/session can remove outputs derived from their data.
create table llm_cache (
  tenant_id text not null,
  content_hash text not null,
  user_id text not null default '',
  agent_id text not null default '',
  session_id text not null default '',
  content_type text not null default 'json',
  content jsonb not null,
  model text not null default '',
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  cost double precision not null default 0,
  latency_ms double precision not null default 0,
  size_bytes integer not null default 0,
  access_count integer not null default 0,
  hit_count integer not null default 0,
  created_at timestamptz not null default now(),
  last_accessed timestamptz not null default now(),
  expires_at timestamptz,
  primary key (tenant_id, content_hash)
);
create index llm_cache_scope on llm_cache (tenant_id, user_id, agent_id, session_id);
-- Eviction walks a tenant's rows from least to most recently used.
create index llm_cache_lru on llm_cache (tenant_id, last_accessed);
create index llm_cache_expiry on llm_cache (tenant_id, expires_at) where expires_at is not null;

-- Cumulative hit/miss counters per scope. Kept apart from the rows so that figures
-- survive eviction and clearing (they hold no content).
create table llm_cache_stats (
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  session_id text not null default '',
  hits bigint not null default 0,
  misses bigint not null default 0,
  latency_saved_ms double precision not null default 0,
  cost_saved double precision not null default 0,
  tokens_saved bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, user_id, agent_id, session_id)
);
