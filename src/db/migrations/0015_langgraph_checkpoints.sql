-- LangGraph.js checkpoints (mnemo/langgraph, MnemoCheckpointSaver): durable agent runs.
-- One row per checkpoint of a thread (and checkpoint namespace, for subgraphs), its parent
-- for the history, the serialised checkpoint and metadata as the saver's serde made them,
-- and the metadata again as jsonb for list filters (and for a look with plain SQL: its
-- `source` and `step` say where a run stands).
create table lg_checkpoints (
  tenant_id text not null,
  thread_id text not null,
  checkpoint_ns text not null default '',
  checkpoint_id text not null,
  parent_checkpoint_id text,
  checkpoint_type text not null,
  checkpoint bytea not null,
  metadata_type text not null,
  metadata bytea not null,
  metadata_json jsonb not null default '{}',
  created_at timestamptz not null default now(),
  primary key (tenant_id, thread_id, checkpoint_ns, checkpoint_id)
);

-- Channel values, once per channel version: a checkpoint names the versions it holds
-- (channel_versions) and its own row keeps no values, so a step stores only what changed.
-- value_type 'empty' marks a channel that had a new version but no value.
create table lg_blobs (
  tenant_id text not null,
  thread_id text not null,
  checkpoint_ns text not null default '',
  channel text not null,
  version text not null,
  value_type text not null,
  value bytea,
  primary key (tenant_id, thread_id, checkpoint_ns, channel, version)
);

-- Writes of the tasks of a step, linked to the checkpoint they follow. `idx` is the write's
-- index, negative for special writes (errors, interrupts), as LangGraph's WRITES_IDX_MAP.
create table lg_writes (
  tenant_id text not null,
  thread_id text not null,
  checkpoint_ns text not null default '',
  checkpoint_id text not null,
  task_id text not null,
  idx integer not null,
  channel text not null,
  value_type text not null,
  value bytea not null,
  task_path text not null default '',
  primary key (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);

do $$
declare
  t text;
begin
  foreach t in array array['lg_checkpoints', 'lg_blobs', 'lg_writes']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))
      with check (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))$p$, t);
  end loop;
end $$;
