-- Recall's text statistics, kept on write: per tenant, kind and user, each lexeme's
-- document frequency, and (lexeme '', which no tsvector holds) the row count and the
-- sum of the rows' tsvector lengths. BM25 reads them instead of counting the scope
-- at query time (docs/recall.md, *Statistics*).
--
-- What is counted: every row recall can see with includeArchived, that is every
-- episode (archived or not), every current fact (valid_to is null), every brain key
-- (expired or not: expiry is a time, not a write) and every decision. Triggers keep
-- the counts exact through inserts, updates (supersede, invalidate, brain set,
-- decision resolve, embedding write-back) and deletes (purge), in the writer's own
-- transaction: a rolled-back write leaves no trace here either.
--
-- Why two tables: a counter row per lexeme would be a lock every writer of a scope
-- waits on until the others commit. Writers instead add their changes to
-- recall_stats_delta (plain inserts, no conflicts), and whoever gets the fold lock
-- without waiting moves all pending deltas into recall_stats. Readers add the two.
create table recall_stats (
  tenant_id text not null,
  kind text not null,
  user_id text not null,
  lexeme text not null,
  df bigint not null,
  len bigint not null default 0,
  primary key (tenant_id, kind, user_id, lexeme)
);
-- A recall without a user sums the tenant's users per lexeme.
create index recall_stats_lexeme on recall_stats (tenant_id, kind, lexeme);

create table recall_stats_delta (
  tenant_id text not null,
  kind text not null,
  user_id text not null,
  lexeme text not null,
  df bigint not null,
  len bigint not null default 0
);
create index recall_stats_delta_lexeme on recall_stats_delta (tenant_id, kind, lexeme);

alter table recall_stats enable row level security;
alter table recall_stats force row level security;
create policy tenant_isolation on recall_stats
  using (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))
  with check (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id));
alter table recall_stats_delta enable row level security;
alter table recall_stats_delta force row level security;
create policy tenant_isolation on recall_stats_delta
  using (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id))
  with check (coalesce(current_setting('mnemo.tenant', true), '') in ('', tenant_id));

-- Moves every pending delta (this tenant's, under the request's row-level security)
-- and the given signed documents (+1 a row now counted, -1 a row no longer counted;
-- none when p_sign is null) into recall_stats, and drops counts that reached zero:
-- nothing of a purged text stays behind, not even a lexeme. One fold at a time (an
-- advisory transaction lock): with wait false, a caller that would have to wait gets
-- false and nothing is done. Folds run only in read-committed transactions, where
-- each statement sees what the previous fold committed; under repeatable read it
-- returns false (readers add the pending deltas). Changes that cancel out (an
-- embedding written back) write nothing.
create function recall_stats_fold(wait boolean, p_kind text default null, p_sign int[] default null,
  p_tenant text[] default null, p_user text[] default null, p_tsv tsvector[] default null)
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
    select tenant, p_kind, usr, '', sign, sign * length(tsv)
      from unnest(p_sign, p_tenant, p_user, p_tsv) d(sign, tenant, usr, tsv)
    union all
    select tenant, p_kind, usr, u.lexeme, sign, 0
      from unnest(p_sign, p_tenant, p_user, p_tsv) d(sign, tenant, usr, tsv), unnest(d.tsv) u
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

-- Adds signed documents of one kind: folded at once with the pending deltas when no
-- other fold is running (the usual case), else appended as deltas for the next fold.
create function recall_stats_add(p_kind text, p_sign int[], p_tenant text[], p_user text[], p_tsv tsvector[])
returns void language plpgsql as $$
begin
  if p_sign is null or recall_stats_fold(false, p_kind, p_sign, p_tenant, p_user, p_tsv) then
    return;
  end if;
  insert into recall_stats_delta (tenant_id, kind, user_id, lexeme, df, len)
  select tenant, p_kind, usr, lexeme, df, len from (
    select tenant, usr, '' as lexeme, sum(sign) as df, sum(sign * length(tsv)) as len
      from unnest(p_sign, p_tenant, p_user, p_tsv) d(sign, tenant, usr, tsv) group by tenant, usr
    union all
    select tenant, usr, u.lexeme, sum(sign), 0
      from unnest(p_sign, p_tenant, p_user, p_tsv) d(sign, tenant, usr, tsv), unnest(d.tsv) u
      group by tenant, usr, u.lexeme
  ) c where df <> 0 or len <> 0;
end $$;

-- Statement-level triggers: one call per statement, however many rows it wrote
-- (appendMany of 10,000 episodes is one aggregated change). tg_argv[0] is the kind.
create function recall_stats_track() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform recall_stats_add(tg_argv[0], array_agg(1), array_agg(tenant_id), array_agg(user_id), array_agg(tsv))
      from new_rows;
  elsif tg_op = 'DELETE' then
    perform recall_stats_add(tg_argv[0], array_agg(-1), array_agg(tenant_id), array_agg(user_id), array_agg(tsv))
      from old_rows;
  else
    perform recall_stats_add(tg_argv[0], array_agg(d.sign), array_agg(d.tenant_id), array_agg(d.user_id), array_agg(d.tsv))
      from (select 1 as sign, tenant_id, user_id, tsv from new_rows
            union all select -1, tenant_id, user_id, tsv from old_rows) d;
  end if;
  return null;
end $$;

-- Facts count while current: a supersede or invalidate (valid_to set) takes one out.
create function recall_stats_track_facts() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform recall_stats_add('fact', array_agg(1), array_agg(tenant_id), array_agg(user_id), array_agg(tsv))
      from new_rows where valid_to is null;
  elsif tg_op = 'DELETE' then
    perform recall_stats_add('fact', array_agg(-1), array_agg(tenant_id), array_agg(user_id), array_agg(tsv))
      from old_rows where valid_to is null;
  else
    perform recall_stats_add('fact', array_agg(d.sign), array_agg(d.tenant_id), array_agg(d.user_id), array_agg(d.tsv))
      from (select 1 as sign, tenant_id, user_id, tsv from new_rows where valid_to is null
            union all select -1, tenant_id, user_id, tsv from old_rows where valid_to is null) d;
  end if;
  return null;
end $$;

-- Episodes' content and user never change (the log is append-only; archiving keeps a
-- row counted), so they need no update trigger: embedding write-back costs nothing here.
create trigger recall_stats_insert after insert on episodes
  referencing new table as new_rows for each statement execute function recall_stats_track('episode');
create trigger recall_stats_delete after delete on episodes
  referencing old table as old_rows for each statement execute function recall_stats_track('episode');

create trigger recall_stats_insert after insert on facts
  referencing new table as new_rows for each statement execute function recall_stats_track_facts();
create trigger recall_stats_update after update on facts
  referencing old table as old_rows new table as new_rows for each statement execute function recall_stats_track_facts();
create trigger recall_stats_delete after delete on facts
  referencing old table as old_rows for each statement execute function recall_stats_track_facts();

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

-- What is stored already.
insert into recall_stats (tenant_id, kind, user_id, lexeme, df, len)
with docs as (
  select tenant_id, 'episode' as kind, user_id, tsv from episodes
  union all select tenant_id, 'fact', user_id, tsv from facts where valid_to is null
  union all select tenant_id, 'brain', user_id, tsv from brain
  union all select tenant_id, 'decision', user_id, tsv from decisions)
select tenant_id, kind, user_id, '', count(*), sum(length(tsv)) from docs group by tenant_id, kind, user_id
union all
select tenant_id, kind, user_id, u.lexeme, count(*), 0 from docs, unnest(docs.tsv) u
group by tenant_id, kind, user_id, u.lexeme;
