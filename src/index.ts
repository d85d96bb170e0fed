/**
 * mnemo: persistent memory and coordination for AI agents, on PostgreSQL. The root
 * export is the memory API: `createMemory` (in process, or a server's client with
 * `{ url }`), the typed errors, and the types of every call. The HTTP server is in
 * `mnemo/server`, MCP in `mnemo/mcp`, the embedders in `mnemo/embedders`, the LangGraph.js
 * store and checkpointer in `mnemo/langgraph`, the Vercel AI SDK tools in `mnemo/ai-sdk`:
 * importing `mnemo` loads neither Hono, the MCP SDK, LangGraph nor the AI SDK.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * const mem = await createMemory();
 */
export type {
  LocalMemory,
  Memory,
  MemoryCache,
  MemoryConflicts,
  MemoryTasks,
} from './api.js';
export { type BackupFile, type BackupFormat, listBackups } from './backup/backup-files.js';
export {
  type BackupInput,
  type BackupResult,
  backupStore,
} from './backup/backup-service.js';
export {
  type RestoreInput,
  type RestoreResult,
  restoreStore,
} from './backup/restore-service.js';
export type {
  Brain,
  BrainDeleteInput,
  BrainEntry,
  BrainGetInput,
  BrainHistoryEntry,
  BrainHistoryInput,
  BrainListInput,
  BrainSetInput,
} from './brain/brain-schema.js';
export type { FetchLike } from './client/remote-http.js';
export { createRemoteMemory, type RemoteMemory, type RemoteMemoryOptions } from './client/remote-memory.js';
export { type Clock, fixedClock, systemClock } from './clock.js';
export type { LocationOptions } from './config.js';
export type {
  AssertedFact,
  Conflict,
  ConflictFact,
  ListConflictsInput,
  ResolveConflictInput,
} from './coordination/conflicts-schema.js';
export type { Conflicts } from './coordination/conflicts-service.js';
export type {
  Observation,
  ObserveInput,
  QueryObservationsInput,
  SubscribeInput,
  Subscription,
} from './coordination/observations-schema.js';
export type { Observations } from './coordination/observations-service.js';
export {
  type CancelTaskInput,
  type ClaimBatchInput,
  type ClaimTaskInput,
  type CompleteTaskInput,
  type CreateTaskInput,
  type FailTaskInput,
  type GetTaskInput,
  type HeartbeatTaskInput,
  type ListTasksInput,
  type ReleaseTaskInput,
  TASK_STATUSES,
  type Task,
  type TaskStatus,
  taskSchema,
} from './coordination/tasks-schema.js';
export type { Tasks, TasksOptions } from './coordination/tasks-service.js';
export {
  runWorker,
  type Worker,
  type WorkerContext,
  type WorkerOptions,
} from './coordination/worker-runner.js';
export type { Db, Dialect, QueryResult, StoreLocation } from './db/db.js';
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
} from './decisions/decisions-schema.js';
export {
  type AppendEpisodeInput,
  type AppendManyInput,
  type Episode,
  type EpisodeRole,
  episodeRoles,
  type GetEpisodeInput,
  type ListEpisodesInput,
  type Page,
} from './episodes/episodes-schema.js';
export type { Episodes } from './episodes/episodes-service.js';
export * from './errors.js';
export {
  type AssertFactInput,
  type Fact,
  type FactIdInput,
  type FactKind,
  factKinds,
  type InvalidateFactInput,
  type ListFactsInput,
  type SupersedeFactInput,
} from './facts/facts-schema.js';
export type { Facts } from './facts/facts-service.js';
export type { CacheStats, LlmCache } from './formation/cache-schema.js';
export {
  CONSOLIDATE_QUEUE,
  type ConsolidateInput,
  type ConsolidationResult,
  type ScheduleConsolidationInput,
} from './formation/consolidation-schema.js';
export { scheduleConsolidation } from './formation/consolidation-service.js';
export { EXTRACT_QUEUE } from './formation/extraction-schema.js';
export {
  type FormationHost,
  type FormationWorkerOptions,
  startFormationWorker,
} from './formation/formation-worker.js';
export type { IngestInput, IngestMessage, IngestResult } from './formation/ingest-schema.js';
export { createLlmClient } from './formation/llm-client.js';
export { llmFromConfig } from './formation/llm-config.js';
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
export type { Remembered, RememberInput } from './formation/remember-schema.js';
export {
  MAINTENANCE_DEFAULTS,
  MAINTENANCE_STEPS,
  type MaintainInput,
  type MaintenanceReport,
  type MaintenanceStep,
  type StepReport,
} from './maintenance/maintenance-schema.js';
export { maintain } from './maintenance/maintenance-service.js';
export { createMemory, type MemoryOptions } from './memory.js';
export type { LlmCallReport, MemoryObserver } from './observer.js';
export type { PurgeInput, PurgeResult } from './purge/purge-schema.js';
export type { Purge } from './purge/purge-service.js';
export {
  type ContextInput,
  type ContextResult,
  type ContextSection,
  countTokens,
} from './recall/context-builder.js';
export type { CountInput, MemoryCounts } from './recall/count-schema.js';
export type { Embedder, EmbedOptions } from './recall/embedders/embedder.js';
export type { EmbedderConfig, EmbedderKind } from './recall/embedders/embedder-config.js';
export type { EmbeddingProgress } from './recall/embedding-progress.js';
export {
  RECALL_KINDS,
  type RecallInput,
  type RecallItem,
  type RecallKind,
  type RecallResult,
  type RecallScores,
} from './recall/recall-schema.js';
export type { ResolvedScope, Scope } from './scope.js';
export type {
  Session,
  SessionEndInput,
  SessionGetInput,
  SessionListInput,
  SessionStartInput,
  Sessions,
} from './sessions/sessions-schema.js';
export type { StatsInput, StatsReport, StatsWarning } from './stats/stats-schema.js';
export {
  type ExportOptions,
  type ExportProgress,
  exportStore,
  type TransferStore,
} from './transfer/export-service.js';
export {
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ImportSource,
  importStore,
} from './transfer/import-service.js';
export { TRANSFER_FORMAT, TRANSFER_VERSION, type TransferHeader } from './transfer/transfer-format.js';
export { USAGE_CSV_COLUMNS, usageCsv } from './usage-report/usage-report-csv.js';
export type { UsageKey, UsageReport, UsageReportInput } from './usage-report/usage-report-schema.js';
export { monthRange, usageReport } from './usage-report/usage-report-service.js';
