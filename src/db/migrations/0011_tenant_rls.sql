-- Row-level security: the second wall of tenant isolation on a PostgreSQL server.
-- Every query of mnemo filters by tenant; when a request runs with the setting
-- mnemo.tenant (set per transaction by the server, see src/db/tenant-context.ts),
-- these policies also hide every other tenant's rows from any query, even one that
-- forgot its filter. Without the setting (the library, background workers across
-- tenants, migrations) the policies let everything through.
-- FORCE makes them apply to the tables' owner too; superusers and roles with
-- BYPASSRLS skip them, so the server switches to the role mnemo_app for requests.
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'mnemo_app') then
    create role mnemo_app nologin;
  end if;
exception
  when insufficient_privilege then
    raise notice 'mnemo: cannot create role mnemo_app; connect as a role without BYPASSRLS for the second wall';
  -- Roles are cluster-wide: another database's migration may create it at the same moment.
  when duplicate_object or unique_violation then null;
end $$;

do $$
declare
  t text;
begin
  foreach t in array array['api_keys', 'brain', 'brain_history', 'conflicts', 'decisions', 'episodes', 'facts',
    'llm_cache', 'llm_cache_stats', 'purge_audit', 'sessions', 'tasks', 'usage_events']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format($p$create policy tenant_isolation on %I
      using (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))
      with check (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))$p$, t);
  end loop;
end $$;
