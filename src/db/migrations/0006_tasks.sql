-- The durable task queue: coordination tasks for agents and mnemo's own background jobs.
create table tasks (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  user_id text not null default '',
  agent_id text not null default '',
  queue text not null,
  dedupe_key text,
  payload jsonb not null default '{}',
  status text not null default 'open' check (status in ('open', 'claimed', 'done', 'failed', 'cancelled')),
  priority integer not null default 0,
  run_after timestamptz not null default now(),
  claimed_by text,
  claimed_at timestamptz,
  lease_until timestamptz,
  attempts integer not null default 0,
  max_attempts integer not null default 5,
  result jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
create unique index tasks_dedupe on tasks (tenant_id, queue, dedupe_key)
  where dedupe_key is not null and status in ('open', 'claimed');
create index tasks_claimable on tasks (tenant_id, queue, priority desc, run_after) where status = 'open';
create index tasks_leases on tasks (tenant_id, queue, lease_until) where status = 'claimed';
create index tasks_status on tasks (tenant_id, status, created_at desc);
