-- The key-value brain: one current row per (tenant, user, agent, key); every change
-- is appended to brain_history.
create table brain (
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  key text not null,
  value jsonb not null,
  category text not null default 'general',
  description text not null default '',
  priority smallint not null default 5 check (priority between 1 and 10),
  version integer not null default 1,
  expires_at timestamptz,
  embedding vector,
  tsv tsvector generated always as (
    setweight(to_tsvector('english', replace(key, '.', ' ')), 'A') ||
    setweight(to_tsvector('english', description), 'B') ||
    setweight(to_tsvector('english', value::text), 'B')
  ) stored,
  created_at timestamptz not null default now(),
  created_by text not null default '',
  updated_at timestamptz not null default now(),
  updated_by text not null default '',
  primary key (tenant_id, user_id, agent_id, key)
);
create index brain_category on brain (tenant_id, user_id, category);
create index brain_tsv on brain using gin (tsv);

create table brain_history (
  id bigint generated always as identity primary key,
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  key text not null,
  op text not null check (op in ('set', 'delete')),
  old_value jsonb,
  new_value jsonb,
  version integer not null,
  changed_by text not null default '',
  changed_at timestamptz not null default now()
);
create index brain_history_key on brain_history (tenant_id, user_id, agent_id, key, id);
