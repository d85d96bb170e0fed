-- Semantic and procedural memory. A fact is never overwritten: a new one supersedes
-- it (valid_to closed, superseded_by set) or it is invalidated (valid_to closed).
create table facts (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  session_id text not null default '',
  kind text not null default 'semantic' check (kind in ('semantic', 'procedural')),
  category text not null default 'fact',
  subject text not null default '',
  content text not null,
  confidence real not null default 1 check (confidence >= 0 and confidence <= 1),
  source text not null default '',
  source_episode_ids uuid[] not null default '{}',
  tags text[] not null default '{}',
  metadata jsonb not null default '{}',
  embedding vector,
  tsv tsvector generated always as (
    setweight(to_tsvector('english', subject), 'A') ||
    setweight(to_tsvector('english', content), 'B')
  ) stored,
  valid_from timestamptz not null default now(),
  valid_to timestamptz,
  superseded_by uuid references facts (id) on delete set null,
  created_at timestamptz not null default now(),
  created_by text not null default '',
  archived_at timestamptz
);
create index facts_current on facts (tenant_id, user_id, subject, category) where valid_to is null;
create index facts_scope_time on facts (tenant_id, user_id, valid_from desc);
create index facts_superseded_by on facts (superseded_by);
-- Purge finds the facts derived from purged episodes (source_episode_ids && ids).
create index facts_source_episodes on facts using gin (source_episode_ids);
create index facts_tsv on facts using gin (tsv);
create index facts_tags on facts using gin (tags);
