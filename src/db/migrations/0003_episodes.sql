-- The append-only episodic log. Content is never updated; archived_at marks rows
-- consolidated into summaries (still searchable on request).
create table episodes (
  id uuid primary key default gen_random_uuid(),
  seq bigint generated always as identity,
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  session_id text not null default '',
  role text not null check (role in ('user', 'assistant', 'system', 'tool', 'event')),
  event_type text not null default '',
  subject text not null default '',
  content text not null,
  importance smallint not null default 5 check (importance between 1 and 10),
  tags text[] not null default '{}',
  metadata jsonb not null default '{}',
  idempotency_key text,
  occurred_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  embedding vector,
  tsv tsvector generated always as (
    setweight(to_tsvector('english', subject), 'A') ||
    setweight(to_tsvector('english', content), 'B')
  ) stored,
  archived_at timestamptz
);
create unique index episodes_seq on episodes (seq);
create unique index episodes_idempotency on episodes (tenant_id, idempotency_key) where idempotency_key is not null;
create index episodes_scope_time on episodes (tenant_id, user_id, occurred_at desc);
-- episodes.list without a user: newest first, keyset on (occurred_at, seq).
create index episodes_tenant_time on episodes (tenant_id, occurred_at desc, seq desc);
create index episodes_session on episodes (tenant_id, session_id, occurred_at);
create index episodes_event_type on episodes (tenant_id, event_type, occurred_at desc);
create index episodes_importance on episodes (tenant_id, importance);
create index episodes_tenant_seq on episodes (tenant_id, seq);
create index episodes_tsv on episodes using gin (tsv);
create index episodes_tags on episodes using gin (tags);
