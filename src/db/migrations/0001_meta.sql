-- Store-wide settings: the embedding model and dimension the store was built with, etc.
create table meta (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

-- Audit trail of explicit purges: what was purged, when and by whom, never the content.
create table purge_audit (
  id uuid primary key default gen_random_uuid(),
  tenant_id text not null,
  target jsonb not null,
  counts jsonb not null default '{}',
  reason text not null default '',
  purged_by text not null default '',
  purged_at timestamptz not null default now()
);
create index purge_audit_tenant on purge_audit (tenant_id, purged_at desc);
