/**
 * mnemo: persistent memory and coordination for AI agents, on PostgreSQL.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * const mem = await createMemory();
 */
export { jsonBytes, safeText, storableJson, storableObject } from './brain/brain-json.js';
export {
  BRAIN_KEY_PATTERN,
  type Brain,
  type BrainDeleteInput,
  type BrainEntry,
  type BrainGetInput,
  type BrainHistoryEntry,
  type BrainHistoryInput,
  type BrainListInput,
  type BrainSetInput,
  brainDeleteSchema,
  brainGetSchema,
  brainHistorySchema,
  brainKey,
  brainListSchema,
  brainPrefix,
  brainSetSchema,
  MAX_TTL_SECONDS,
} from './brain/brain-schema.js';
export { createBrain } from './brain/brain-service.js';
export { type FetchLike, reviveDates } from './client/remote-http.js';
export { createRemoteMemory, type RemoteMemory, type RemoteMemoryOptions } from './client/remote-memory.js';
export { type Clock, fixedClock, systemClock } from './clock.js';
export { DEFAULT_DATA_DIR, ENVIRONMENT, type LocationOptions, resolveLocation } from './config.js';
export {
  type AssertedFact,
  CONFLICT_STATUSES,
  type Conflict,
  type ConflictFact,
  type ConflictStatus,
  type ListConflictsInput,
  listConflictsSchema,
  type ResolveConflictInput,
  resolveConflictSchema,
} from './coordination/conflicts-schema.js';
export {
  afterAssert,
  type Conflicts,
  type ConflictsService,
  createConflicts,
} from './coordination/conflicts-service.js';
export {
  type Observation,
  type ObserveInput,
  observeSchema,
  type QueryObservationsInput,
  queryObservationsSchema,
  type SubscribeInput,
  type Subscription,
  subscribeSchema,
} from './coordination/observations-schema.js';
export { createObservations, type Observations } from './coordination/observations-service.js';
export {
  type CancelTaskInput,
  type ClaimBatchInput,
  type ClaimTaskInput,
  type CompleteTaskInput,
  type CreateTaskInput,
  cancelTaskSchema,
  claimBatchSchema,
  claimTaskSchema,
  completeTaskSchema,
  createTaskSchema,
  type FailTaskInput,
  failTaskSchema,
  type GetTaskInput,
  getTaskSchema,
  type HeartbeatTaskInput,
  heartbeatTaskSchema,
  type ListTasksInput,
  listTasksSchema,
  MAX_LEASE_SECONDS,
  type ReleaseTaskInput,
  releaseTaskSchema,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
  taskSchema,
} from './coordination/tasks-schema.js';
export { createTasks, type Tasks, type TasksOptions } from './coordination/tasks-service.js';
export type { ClaimSource, ClaimSourceOptions } from './coordination/tasks-sources.js';
export {
  runWorker,
  type Worker,
  type WorkerContext,
  type WorkerOptions,
} from './coordination/worker-runner.js';
export type { Db, Dialect, QueryResult, StoreLocation } from './db/db.js';
export { migrate } from './db/migrate.js';
export { openStore } from './db/open.js';
export {
  DECISION_FEEDBACK,
  DECISION_OUTCOMES,
  DECISION_STATUSES,
  type Decision,
  type DecisionGetInput,
  type DecisionLessonsInput,
  type DecisionListInput,
  type DecisionRecordInput,
  type DecisionResolveInput,
  type DecisionStatus,
  type Decisions,
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
} from './decisions/decisions-schema.js';
export { createDecisions } from './decisions/decisions-service.js';
export { decodeCursor, encodeCursor } from './episodes/episodes-cursor.js';
export {
  type AppendEpisodeInput,
  type AppendManyInput,
  appendEpisodeSchema,
  appendManySchema,
  type Episode,
  type EpisodeRole,
  episodeRoles,
  type GetEpisodeInput,
  getEpisodeSchema,
  type ListEpisodesInput,
  listEpisodesSchema,
  memoryContent,
  metadataSchema,
  type Page,
} from './episodes/episodes-schema.js';
export { createEpisodes, type Episodes } from './episodes/episodes-service.js';
export * from './errors.js';
export {
  type AssertFactInput,
  assertFactSchema,
  type Fact,
  type FactIdInput,
  type FactKind,
  factIdSchema,
  factKinds,
  type InvalidateFactInput,
  invalidateFactSchema,
  type ListFactsInput,
  listFactsSchema,
  type SupersedeFactInput,
  supersedeFactSchema,
} from './facts/facts-schema.js';
export { createFacts, type FactHooks, type Facts } from './facts/facts-service.js';
export {
  CACHE_MAX_CONTENT_BYTES,
  type CacheComputed,
  type CacheFigures,
  type CacheResult,
  type CacheStats,
  type GetOrComputeInput,
  type LlmCache,
} from './formation/cache-schema.js';
export { createLlmCache, type LlmCacheDeps } from './formation/cache-service.js';
export { type ContentKey, canonicalJson, contentHash } from './formation/canonical-json.js';
export { mergeDuplicateFacts, nearDuplicate } from './formation/consolidation-merge.js';
export {
  CONSOLIDATE_QUEUE,
  type ConsolidateInput,
  type ConsolidationResult,
  consolidateSchema,
  DEFAULT_OLDER_THAN_SECONDS,
  type ScheduleConsolidationInput,
  scheduleConsolidationSchema,
} from './formation/consolidation-schema.js';
export { createConsolidate, scheduleConsolidation } from './formation/consolidation-service.js';
export {
  CANDIDATE_CATEGORIES,
  type Candidate,
  EXTRACT_QUEUE,
  type ExtractionResult,
  type ExtractPayload,
  extractPayloadSchema,
  type FormationDeps,
  type ReconcileSummary,
} from './formation/extraction-schema.js';
export { runExtraction } from './formation/extraction-service.js';
export {
  type FormationHost,
  type FormationWorkerOptions,
  runFormationTask,
  startFormationWorker,
} from './formation/formation-worker.js';
export {
  INGEST_ROLES,
  type IngestExtraction,
  type IngestInput,
  type IngestMessage,
  type IngestResult,
  ingestMessageSchema,
  ingestSchema,
} from './formation/ingest-schema.js';
export { createIngest, type IngestOptions } from './formation/ingest-service.js';
export {
  type CachedCompleteJsonInput,
  type CachedCompleteJsonResult,
  cachedCompleteJson,
} from './formation/llm-cached.js';
export { createLlmClient } from './formation/llm-client.js';
export { LLM_ENVIRONMENT, llmFromConfig } from './formation/llm-config.js';
export type {
  CompleteJsonRequest,
  CompleteJsonResult,
  LlmClient,
  LlmClientOptions,
  LlmJsonMode,
  LlmMessage,
  LlmPricing,
  LlmUsage,
} from './formation/llm-schema.js';
export { CONSOLIDATE_PROMPT, EXTRACT_PROMPT, type Prompt, RECONCILE_PROMPT } from './formation/prompts.js';
export {
  RECONCILE_ACTIONS,
  type ReconcileAction,
  type ReconcileOutcome,
} from './formation/reconcile-schema.js';
export { normalizeContent, reconcileCandidate } from './formation/reconcile-service.js';
export { type Remembered, type RememberInput, rememberSchema } from './formation/remember-schema.js';
export { createRemember } from './formation/remember-service.js';
export {
  type ApiKeyRecord,
  type CreatedKey,
  type CreateKeyInput,
  KEY_SCOPES,
  type KeyIdInput,
  type KeyScope,
  type ListKeysInput,
} from './keys/keys-schema.js';
export { createKeys, hashKey, type Keys } from './keys/keys-service.js';
export { MCP_PATH, registerMcpRoutes } from './mcp/mcp-http.js';
export { createMcpServer, MCP_TOOLS, type McpServerOptions, toToolError } from './mcp/mcp-server.js';
export { type McpStdioOptions, type McpStdioServer, serveMcpStdio } from './mcp/mcp-stdio.js';
export type { McpTool, McpToolContext, McpToolOutput } from './mcp/mcp-tool.js';
export { createMemory, type LocalMemory, type Memory, type MemoryOptions } from './memory.js';
export {
  PURGED_TABLES,
  type PurgeInput,
  type PurgeResult,
  purgeMemorySchema,
  purgeSchema,
} from './purge/purge-schema.js';
export { createPurge, type Purge } from './purge/purge-service.js';
export {
  type ContextInput,
  type ContextResult,
  type ContextSection,
  contextSchema,
  countTokens,
} from './recall/context-builder.js';
export {
  BUILTIN_MODEL_ID,
  type BuiltinBackend,
  type BuiltinEmbedderOptions,
  createBuiltinEmbedder,
} from './recall/embedders/builtin-embedder.js';
export {
  type Embedder,
  type EmbedOptions,
  MAX_DIMENSION,
  normalize,
  parseVectorLiteral,
  toVectorLiteral,
} from './recall/embedders/embedder.js';
export {
  EMBEDDING_ENVIRONMENT,
  type EmbedderConfig,
  type EmbedderKind,
  embedderFromConfig,
  OPENAI_DEFAULTS,
} from './recall/embedders/embedder-config.js';
export {
  createFunctionEmbedder,
  type FunctionEmbedderOptions,
} from './recall/embedders/function-embedder.js';
export { createHashEmbedder, type HashEmbedderOptions } from './recall/embedders/hash-embedder.js';
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './recall/embedders/openai-embedder.js';
export {
  bindEmbedder,
  EMBEDDED_TABLES,
  type EmbeddingBinding,
  readBinding,
  rebindEmbedder,
} from './recall/embedding-binding.js';
export {
  countPending,
  createIndexer,
  EMBED_MAX_CHARS,
  type EmbedPendingOptions,
  embedPending,
  type Indexer,
  type IndexerOptions,
} from './recall/embedding-indexer.js';
export { type EmbeddingProgress, formatEmbeddingProgress } from './recall/embedding-progress.js';
export {
  RECALL_KINDS,
  type RecallInput,
  type RecallItem,
  type RecallKind,
  type RecallResult,
  type RecallScores,
  recallSchema,
} from './recall/recall-schema.js';
export type { Recall } from './recall/recall-service.js';
export { type ReembedOptions, type ReembedProgress, type ReembedResult, reembed } from './recall/reembed.js';
export type { ResolvedScope, Scope } from './scope.js';
export { type AppDeps, createApp } from './server/app.js';
export { requestScope, requireScope } from './server/auth-middleware.js';
export { describeStore, isLoopback, type RunningServer, type ServeOptions, serve } from './server/serve.js';
export type { AuthInfo, MnemoApp, RouteDeps, RouteRegistrar, ServerConfig } from './server/server-types.js';
export {
  type Session,
  type SessionEndInput,
  type SessionGetInput,
  type SessionListInput,
  type SessionStartInput,
  type Sessions,
  sessionEndSchema,
  sessionGetSchema,
  sessionId,
  sessionListSchema,
  sessionStartSchema,
} from './sessions/sessions-schema.js';
export { createSessions } from './sessions/sessions-service.js';
