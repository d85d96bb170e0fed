-- Contradicting current facts asserted on one subject and category: both stay, a
-- conflict is recorded for a supervisor.
create table conflicts (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  user_id text not null default '',
  subject text not null,
  category text not null,
  fact_ids uuid[] not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution text,
  resolved_by text,
  created_at timestamptz not null default now(),
  resolved_at timestamptz
);
create index conflicts_open on conflicts (tenant_id, status, created_at desc);
-- At most one open conflict per subject and category: a third contradicting fact joins
-- it (insert ... on conflict do update), even when two asserts race.
create unique index conflicts_open_subject on conflicts (tenant_id, user_id, subject, category)
  where status = 'open';
