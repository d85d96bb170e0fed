/**
 * A LangGraph.js `BaseCheckpointSaver` on mnemo's database (tables of migration 0015):
 * durable agent runs on the same PGlite or PostgreSQL store as the memory.
 */
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  compareWritesSortKeys,
  getCheckpointId,
  maxChannelVersion,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey,
} from '@langchain/langgraph-checkpoint';
import type { LocalMemory } from '../api.js';
import type { Db } from '../db/db.js';
import { InvalidInputError } from '../errors.js';
import {
  type CheckpointRow,
  deleteThreadRows,
  insertBlobs,
  insertWrites,
  listCheckpoints,
  selectBlobs,
  selectCheckpoint,
  selectWrites,
  type ThreadRef,
  upsertCheckpoint,
} from './checkpoint-queries.js';

/**
 * Options of {@link MnemoCheckpointSaver}.
 *
 * @example
 * const opts: MnemoCheckpointSaverOptions = { memory: mem, tenant: 'acme' };
 */
export interface MnemoCheckpointSaverOptions {
  /** An in-process memory (its database holds the checkpoints); a server's client has none. */
  memory: Pick<LocalMemory, 'db'>;
  /** The tenant whose threads these are (default `default`); threads of other tenants are invisible. */
  tenant?: string;
  /** LangGraph's serializer (default its JsonPlusSerializer). */
  serde?: SerializerProtocol;
}

/**
 * LangGraph's checkpointer on mnemo: a drop-in for `MemorySaver` or `PostgresSaver` that
 * keeps every step of a run, so an interrupted run resumes after a restart.
 *
 * @example
 * const mem = await createMemory({ dataDir: './data' });
 * const checkpointer = new MnemoCheckpointSaver({ memory: mem });
 * const graph = builder.compile({ checkpointer });
 * await graph.invoke(input, { configurable: { thread_id: 'run-1' } });
 */
export class MnemoCheckpointSaver extends BaseCheckpointSaver {
  readonly db: Db;
  readonly tenant: string;

  constructor(options: MnemoCheckpointSaverOptions) {
    super(options.serde);
    if (!options.memory || !('db' in options.memory) || !options.memory.db)
      throw new InvalidInputError(
        'MnemoCheckpointSaver needs an in-process memory (createMemory() with a dataDir or a database URL), not a server client',
        'memory',
      );
    this.db = options.memory.db;
    this.tenant = options.tenant || 'default';
  }

  private ref(config: RunnableConfig, what: string): ThreadRef {
    const c = config.configurable ?? {};
    if (c.thread_id === undefined || c.thread_id === null || c.thread_id === '')
      throw new InvalidInputError(
        `${what}: the config has no configurable.thread_id; pass one, e.g. { configurable: { thread_id: "run-1" } }`,
        'configurable.thread_id',
      );
    return { tenant: this.tenant, thread: String(c.thread_id), ns: String(c.checkpoint_ns ?? '') };
  }

  private async tuple(ref: ThreadRef, row: CheckpointRow): Promise<CheckpointTuple> {
    const writes = (await selectWrites(this.db, ref, row.id)).sort((a, b) =>
      compareWritesSortKeys(
        writesSortKey(a.taskPath, a.taskId, a.idx),
        writesSortKey(b.taskPath, b.taskId, b.idx),
      ),
    );
    const [checkpoint, metadata, pendingWrites] = await Promise.all([
      this.loadCheckpoint(ref, row),
      this.serde.loadsTyped(row.metadataType, row.metadata) as Promise<CheckpointMetadata>,
      Promise.all(
        writes.map(
          async (w) =>
            [w.taskId, w.channel, await this.serde.loadsTyped(w.valueType, w.value)] as [
              string,
              string,
              unknown,
            ],
        ),
      ),
    ]);
    if (checkpoint.v < 4 && row.parentId) await this.migratePendingSends(checkpoint, ref, row.parentId);
    const at = (id: string) => ({
      configurable: { thread_id: row.thread, checkpoint_ns: row.ns, checkpoint_id: id },
    });
    return {
      config: at(row.id),
      checkpoint,
      metadata,
      pendingWrites,
      ...(row.parentId ? { parentConfig: at(row.parentId) } : {}),
    };
  }

  /** The checkpoint with its channel values, read from the blobs of the versions it names. */
  private async loadCheckpoint(ref: ThreadRef, row: CheckpointRow): Promise<Checkpoint> {
    const checkpoint = (await this.serde.loadsTyped(row.checkpointType, row.checkpoint)) as Checkpoint;
    const versions = Object.entries(checkpoint.channel_versions ?? {}).map(
      ([ch, v]) => [ch, String(v)] as [string, string],
    );
    const values: Record<string, unknown> = { ...(checkpoint.channel_values ?? {}) };
    for (const b of await selectBlobs(this.db, ref, versions))
      if (b.valueType !== 'empty' && b.value)
        values[b.channel] = await this.serde.loadsTyped(b.valueType, b.value);
    return { ...checkpoint, channel_values: values };
  }

  /**
   * Checkpoints of format < 4 kept pending `Send`s as writes of the parent's TASKS channel;
   * LangGraph expects them back in the checkpoint's own channel values, as its savers do.
   */
  private async migratePendingSends(checkpoint: Checkpoint, ref: ThreadRef, parentId: string): Promise<void> {
    const sends = (await selectWrites(this.db, ref, parentId))
      .filter((w) => w.channel === TASKS)
      .sort((a, b) =>
        compareWritesSortKeys(
          writesSortKey(a.taskPath, a.taskId, a.idx),
          writesSortKey(b.taskPath, b.taskId, b.idx),
        ),
      );
    const mutable = checkpoint as {
      channel_values: Record<string, unknown>;
      channel_versions: ChannelVersions;
    };
    mutable.channel_values ??= {};
    mutable.channel_values[TASKS] = await Promise.all(
      sends.map((w) => this.serde.loadsTyped(w.valueType, w.value)),
    );
    mutable.channel_versions ??= {};
    const versions = Object.values(mutable.channel_versions);
    mutable.channel_versions[TASKS] = versions.length
      ? maxChannelVersion(...versions)
      : this.getNextVersion(undefined);
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    if (config.configurable?.thread_id === undefined) return undefined;
    const ref = this.ref(config, 'getTuple');
    const id = getCheckpointId(config) || undefined;
    const row = await selectCheckpoint(this.db, ref, id);
    return row ? this.tuple({ ...ref, thread: row.thread, ns: row.ns }, row) : undefined;
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const c = config.configurable ?? {};
    const rows = await listCheckpoints(this.db, {
      tenant: this.tenant,
      thread: c.thread_id !== undefined ? String(c.thread_id) : undefined,
      ns: c.checkpoint_ns !== undefined ? String(c.checkpoint_ns) : undefined,
      id: c.checkpoint_id ? String(c.checkpoint_id) : undefined,
      before: options?.before?.configurable?.checkpoint_id
        ? String(options.before.configurable.checkpoint_id)
        : undefined,
      filter: Object.entries(options?.filter ?? {}),
      limit: options?.limit,
    });
    for (const row of rows)
      yield await this.tuple({ tenant: this.tenant, thread: row.thread, ns: row.ns }, row);
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const ref = this.ref(config, 'put');
    const { channel_values: values = {}, ...rest } = checkpoint;
    const [[checkpointType, cp], [metadataType, md], blobs] = await Promise.all([
      this.serde.dumpsTyped({ ...rest, channel_values: {} }),
      this.serde.dumpsTyped(metadata),
      Promise.all(
        Object.entries(newVersions).map(async ([channel, version]) => {
          if (!(channel in values))
            return { channel, version: String(version), valueType: 'empty', value: null };
          const [valueType, value] = await this.serde.dumpsTyped(values[channel as keyof typeof values]);
          return { channel, version: String(version), valueType, value };
        }),
      ),
    ]);
    await this.db.transaction(async (tx) => {
      await insertBlobs(tx, ref, blobs);
      await upsertCheckpoint(
        tx,
        this.tenant,
        {
          thread: ref.thread,
          ns: ref.ns,
          id: checkpoint.id,
          parentId: config.configurable?.checkpoint_id ? String(config.configurable.checkpoint_id) : null,
          checkpointType,
          checkpoint: cp,
          metadataType,
          metadata: md,
        },
        metadataJson(metadataType, md),
      );
    });
    return { configurable: { thread_id: ref.thread, checkpoint_ns: ref.ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const ref = this.ref(config, 'putWrites');
    const checkpointId = config.configurable?.checkpoint_id;
    if (!checkpointId)
      throw new InvalidInputError(
        'putWrites: the config has no configurable.checkpoint_id',
        'configurable.checkpoint_id',
      );
    const rows = await Promise.all(
      writes.map(async ([channel, value], idx) => {
        const [valueType, v] = await this.serde.dumpsTyped(value);
        return {
          taskId,
          idx: WRITES_IDX_MAP[channel] ?? idx,
          channel,
          valueType,
          value: v,
          taskPath: taskPath ?? '',
        };
      }),
    );
    await this.db.transaction((tx) => insertWrites(tx, ref, String(checkpointId), rows));
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.db.transaction((tx) => deleteThreadRows(tx, this.tenant, String(threadId)));
  }
}

/** The metadata as jsonb text for list filters ('{}' when the serde did not make JSON). */
function metadataJson(type: string, bytes: Uint8Array): string {
  if (type !== 'json') return '{}';
  // jsonb cannot hold the NUL character; a filter on such a value cannot match anyway
  const text = new TextDecoder().decode(bytes).replaceAll('\\u0000', '');
  try {
    JSON.parse(text);
    return text;
  } catch {
    return '{}';
  }
}
