-- Rows still waiting for an embedding, newest first (src/recall/embedding-indexer.ts
-- claims them with FOR UPDATE SKIP LOCKED). Partial indexes: they hold only the
-- pending rows, so finding work stays cheap when millions are already embedded.
-- The embedding columns get their dimension and HNSW indexes when a store is first
-- opened with an embedder (src/recall/embedding-binding.ts), not here: the dimension
-- depends on the model.
create index episodes_embedding_pending on episodes (seq) where embedding is null;
create index facts_embedding_pending on facts (created_at) where embedding is null;
create index decisions_embedding_pending on decisions (created_at) where embedding is null;
create index brain_embedding_pending on brain (updated_at) where embedding is null;
