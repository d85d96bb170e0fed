-- The durable task queue: coordination tasks for agents and mnemo's own background jobs.
-- attempts counts claims; a released task (graceful shutdown) gives its attempt back.
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
  max_attempts integer not null default 5 check (max_attempts >= 1),
  result jsonb,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
-- One open or claimed task per dedupe key and queue: create() inserts "on conflict do nothing".
create unique index tasks_dedupe on tasks (tenant_id, queue, dedupe_key)
  where dedupe_key is not null and status in ('open', 'claimed');
-- claim(): due open tasks in priority order, and expired leases, each from its own partial index.
create index tasks_claimable on tasks (tenant_id, queue, priority desc, run_after) where status = 'open';
create index tasks_leases on tasks (tenant_id, queue, lease_until) where status = 'claimed';
-- mnemo's own background queues ("mnemo.*") are claimed across tenants.
create index tasks_internal_claimable on tasks (queue, priority desc, run_after)
  where status = 'open' and queue like 'mnemo.%';
create index tasks_internal_leases on tasks (queue, lease_until)
  where status = 'claimed' and queue like 'mnemo.%';
create index tasks_status on tasks (tenant_id, status, created_at desc);
