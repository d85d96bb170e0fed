-- A key may carry the user and agent its calls default to (MCP over HTTP cannot pass
-- --user/--agent the way stdio does); pinned keys refuse calls naming another one.
-- '' = unset, as in every scope column.
alter table api_keys add column default_user text not null default '';
alter table api_keys add column default_agent text not null default '';
alter table api_keys add column pinned boolean not null default false;
