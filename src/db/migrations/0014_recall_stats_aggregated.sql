-- Recall's text statistics (0013), with each statement's change aggregated where it
-- is read: the triggers group the transition table's rows by (tenant, user, lexeme)
-- themselves and pass the counts on, instead of an array of every row's tsvector that
-- the fold then unnested twice. appendMany of 10,000 episodes hands the fold one row per
-- distinct lexeme, not 10,000 tsvectors (BENCHMARKS.md, *Write path*). The counts, the
-- locking and the delta table are as in 0013.

drop trigger recall_stats_insert on episodes;
drop trigger recall_stats_delete on episodes;
drop trigger recall_stats_insert on facts;
drop trigger recall_stats_update on facts;
drop trigger recall_stats_delete on facts;
drop trigger recall_stats_insert on brain;
drop trigger recall_stats_update on brain;
drop trigger recall_stats_delete on brain;
drop trigger recall_stats_insert on decisions;
drop trigger recall_stats_update on decisions;
drop trigger recall_stats_delete on decisions;
drop function recall_stats_track();
drop function recall_stats_track_facts();
drop function recall_stats_add(text, int[], text[], text[], tsvector[]);
drop function recall_stats_fold(boolean, text, int[], text[], text[], tsvector[]);

-- Moves every pending delta (this tenant's, under the request's row-level security)
-- and the given changes (already summed per tenant, user and lexeme; lexeme '' is the
-- row count and length sum) into recall_stats, and drops counts that reached zero:
-- nothing of a purged text stays behind, not even a lexeme. One fold at a time (an
-- advisory transaction lock): with wait false, a caller that would have to wait gets
-- false and nothing is done. Folds run only in read-committed transactions, where each
-- statement sees what the previous fold committed; under repeatable read it returns
-- false (readers add the pending deltas).
create function recall_stats_fold(wait boolean, p_kind text default null, p_tenant text[] default null,
  p_user text[] default null, p_lexeme text[] default null, p_df bigint[] default null, p_len bigint[] default null)
returns boolean language plpgsql as $$
declare
  zt text[]; zk text[]; zu text[]; zl text[];
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    return false;
  end if;
  if wait then
    perform pg_advisory_xact_lock(hashtext('mnemo.recall_stats'));
  elsif not pg_try_advisory_xact_lock(hashtext('mnemo.recall_stats')) then
    return false;
  end if;
  with moved as (
    delete from recall_stats_delta returning tenant_id, kind, user_id, lexeme, df, len
  ), changes as (
    select tenant_id, kind, user_id, lexeme, df, len from moved
    union all
    select c.tenant, p_kind, c.usr, c.lexeme, c.df, c.len
      from unnest(p_tenant, p_user, p_lexeme, p_df, p_len) c(tenant, usr, lexeme, df, len)
  ), folded as (
    insert into recall_stats as s (tenant_id, kind, user_id, lexeme, df, len)
    select tenant_id, kind, user_id, lexeme, sum(df), sum(len) from changes
      group by tenant_id, kind, user_id, lexeme having sum(df) <> 0 or sum(len) <> 0
      order by tenant_id, kind, user_id, lexeme
    on conflict (tenant_id, kind, user_id, lexeme)
      do update set df = s.df + excluded.df, len = s.len + excluded.len
    returning s.tenant_id, s.kind, s.user_id, s.lexeme, s.df, s.len
  )
  select array_agg(tenant_id), array_agg(kind), array_agg(user_id), array_agg(lexeme) into zt, zk, zu, zl
    from folded where df = 0 and len = 0;
  if zt is not null then
    delete from recall_stats s using unnest(zt, zk, zu, zl) z(tenant_id, kind, user_id, lexeme)
      where s.tenant_id = z.tenant_id and s.kind = z.kind and s.user_id = z.user_id and s.lexeme = z.lexeme;
  end if;
  return true;
end $$;

-- Adds one statement's summed changes of one kind: folded at once with the pending
-- deltas when no other fold is running (the usual case), else appended as deltas.
create function recall_stats_add(p_kind text, p_tenant text[], p_user text[], p_lexeme text[],
  p_df bigint[], p_len bigint[])
returns void language plpgsql as $$
begin
  if p_tenant is null or recall_stats_fold(false, p_kind, p_tenant, p_user, p_lexeme, p_df, p_len) then
    return;
  end if;
  insert into recall_stats_delta (tenant_id, kind, user_id, lexeme, df, len)
  select c.tenant, p_kind, c.usr, c.lexeme, c.df, c.len
    from unnest(p_tenant, p_user, p_lexeme, p_df, p_len) c(tenant, usr, lexeme, df, len);
end $$;

-- Statement-level triggers: one call per statement, however many rows it wrote.
-- tg_argv[0] is the kind; tg_argv[1] = 'current' counts only rows with valid_to null
-- (facts count while current: a supersede or invalidate takes one out). The statement
-- sums +1 per new row and -1 per old row into one change per (tenant, user, lexeme),
-- and one per (tenant, user) under lexeme '' (rows, tsvector length); changes that
-- cancel out (an embedding written back, a brain key set to the same text) are dropped.
-- Dynamic SQL because an insert trigger has no old_rows and only facts have valid_to;
-- the names are constants of this function, never input.
create function recall_stats_track() returns trigger language plpgsql as $$
declare
  filter text := case when tg_nargs > 1 and tg_argv[1] = 'current' then ' where valid_to is null' else '' end;
  docs text;
  t text[]; u text[]; l text[]; d bigint[]; n bigint[];
begin
  docs := case tg_op
    when 'INSERT' then 'select 1 as sign, tenant_id, user_id, tsv from new_rows' || filter
    when 'DELETE' then 'select -1 as sign, tenant_id, user_id, tsv from old_rows' || filter
    else 'select 1 as sign, tenant_id, user_id, tsv from new_rows' || filter
      || ' union all select -1, tenant_id, user_id, tsv from old_rows' || filter
  end;
  execute 'with docs as (' || docs || '), c as (
      select tenant_id, user_id, '''' as lexeme, sum(sign)::bigint as df, sum(sign * length(tsv))::bigint as len
        from docs group by tenant_id, user_id
      union all
      select tenant_id, user_id, x.lexeme, sum(sign)::bigint, 0::bigint from docs, unnest(docs.tsv) x
        group by tenant_id, user_id, x.lexeme)
    select array_agg(tenant_id), array_agg(user_id), array_agg(lexeme), array_agg(df), array_agg(len)
      from c where df <> 0 or len <> 0'
    into t, u, l, d, n;
  perform recall_stats_add(tg_argv[0], t, u, l, d, n);
  return null;
end $$;

-- Episodes' content and user never change (the log is append-only; archiving keeps a
-- row counted), so they need no update trigger: embedding write-back costs nothing here.
create trigger recall_stats_insert after insert on episodes
  referencing new table as new_rows for each statement execute function recall_stats_track('episode');
create trigger recall_stats_delete after delete on episodes
  referencing old table as old_rows for each statement execute function recall_stats_track('episode');

create trigger recall_stats_insert after insert on facts
  referencing new table as new_rows for each statement execute function recall_stats_track('fact', 'current');
create trigger recall_stats_update after update on facts
  referencing old table as old_rows new table as new_rows for each statement execute function recall_stats_track('fact', 'current');
create trigger recall_stats_delete after delete on facts
  referencing old table as old_rows for each statement execute function recall_stats_track('fact', 'current');

create trigger recall_stats_insert after insert on brain
  referencing new table as new_rows for each statement execute function recall_stats_track('brain');
create trigger recall_stats_update after update on brain
  referencing old table as old_rows new table as new_rows for each statement execute function recall_stats_track('brain');
create trigger recall_stats_delete after delete on brain
  referencing old table as old_rows for each statement execute function recall_stats_track('brain');

create trigger recall_stats_insert after insert on decisions
  referencing new table as new_rows for each statement execute function recall_stats_track('decision');
create trigger recall_stats_update after update on decisions
  referencing old table as old_rows new table as new_rows for each statement execute function recall_stats_track('decision');
create trigger recall_stats_delete after delete on decisions
  referencing old table as old_rows for each statement execute function recall_stats_track('decision');
