create table sessions (
  tenant_id text not null,
  id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  summary text,
  metadata jsonb not null default '{}',
  primary key (tenant_id, id)
);
create index sessions_scope on sessions (tenant_id, user_id, started_at desc);

-- Decisions with alternatives, reasoning and a later outcome.
create table decisions (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  session_id text not null default '',
  subject text not null default '',
  context text not null,
  alternatives jsonb not null default '[]',
  chosen text not null,
  reasoning text not null default '',
  status text not null default 'pending' check (status in ('pending', 'success', 'partial', 'failure')),
  outcome jsonb,
  lessons text,
  feedback text check (feedback in ('positive', 'negative', 'neutral')),
  episode_id uuid,
  tags text[] not null default '{}',
  metadata jsonb not null default '{}',
  embedding vector,
  tsv tsvector generated always as (
    setweight(to_tsvector('english', subject), 'A') ||
    setweight(to_tsvector('english', context || ' ' || chosen), 'B') ||
    setweight(to_tsvector('english', reasoning || ' ' || coalesce(lessons, '')), 'C')
  ) stored,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index decisions_scope on decisions (tenant_id, user_id, status, created_at desc);
create index decisions_tsv on decisions using gin (tsv);
