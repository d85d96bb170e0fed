-- API keys are stored only as a hash; key_prefix identifies a key for people.
create table api_keys (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  name text not null default '',
  key_hash text not null unique,
  key_prefix text not null,
  scopes text[] not null default '{read,write}',
  tier text not null default 'standard',
  rate_limit_per_minute integer not null default 600,
  monthly_quota integer,
  enabled boolean not null default true,
  expires_at timestamptz,
  last_used_at timestamptz,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_tenant on api_keys (tenant_id);

create table usage_events (
  id bigint generated always as identity primary key,
  tenant_id text not null,
  key_id uuid,
  endpoint text not null,
  method text not null,
  status integer not null,
  latency_ms double precision not null,
  tokens integer not null default 0,
  cost double precision not null default 0,
  created_at timestamptz not null default now()
);
create index usage_events_key_time on usage_events (key_id, created_at);
create index usage_events_tenant_time on usage_events (tenant_id, created_at);
