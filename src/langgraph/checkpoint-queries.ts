/**
 * The SQL of the LangGraph checkpointer (migration 0015): one function per statement,
 * each owning its text, its values and its row mapping. Every statement starts with the
 * tenant.
 */
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';

/** Where a checkpoint lives: tenant, thread and checkpoint namespace. */
export interface ThreadRef {
  tenant: string;
  thread: string;
  ns: string;
}

/** One stored checkpoint, serialised. */
export interface CheckpointRow {
  thread: string;
  ns: string;
  id: string;
  parentId: string | null;
  checkpointType: string;
  checkpoint: Uint8Array;
  metadataType: string;
  metadata: Uint8Array;
}

/** One stored write of a task, serialised. */
export interface WriteRow {
  taskId: string;
  idx: number;
  channel: string;
  valueType: string;
  value: Uint8Array;
  taskPath: string;
}

interface RawCheckpoint {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  checkpoint_type: string;
  checkpoint: Uint8Array;
  metadata_type: string;
  metadata: Uint8Array;
}

const COLUMNS =
  'thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, checkpoint_type, checkpoint, metadata_type, metadata';

const toRow = (r: RawCheckpoint): CheckpointRow => ({
  thread: r.thread_id,
  ns: r.checkpoint_ns,
  id: r.checkpoint_id,
  parentId: r.parent_checkpoint_id,
  checkpointType: r.checkpoint_type,
  checkpoint: r.checkpoint,
  metadataType: r.metadata_type,
  metadata: r.metadata,
});

/**
 * Stores a checkpoint (a second put of the same id replaces it, as LangGraph's savers do).
 *
 * @example
 * await upsertCheckpoint(db, 'acme', row, { source: 'loop', step: 1 });
 */
export async function upsertCheckpoint(
  db: Db,
  tenant: string,
  row: CheckpointRow,
  metadataJson: string,
): Promise<void> {
  await db.query(
    `insert into lg_checkpoints (tenant_id, ${COLUMNS}, metadata_json)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)
     on conflict (tenant_id, thread_id, checkpoint_ns, checkpoint_id) do update set
       parent_checkpoint_id = excluded.parent_checkpoint_id, checkpoint_type = excluded.checkpoint_type,
       checkpoint = excluded.checkpoint, metadata_type = excluded.metadata_type,
       metadata = excluded.metadata, metadata_json = excluded.metadata_json`,
    [
      tenant,
      row.thread,
      row.ns,
      row.id,
      row.parentId,
      row.checkpointType,
      Buffer.from(row.checkpoint),
      row.metadataType,
      Buffer.from(row.metadata),
      metadataJson,
    ],
  );
}

/**
 * One checkpoint by id, or the thread's latest (checkpoint ids are uuid6: time-ordered).
 *
 * @example
 * const row = await selectCheckpoint(db, { tenant: 'acme', thread: 't1', ns: '' }); // latest
 */
export async function selectCheckpoint(db: Db, ref: ThreadRef, id?: string): Promise<CheckpointRow | null> {
  const p = new Params();
  const where = [
    `tenant_id = ${p.add(ref.tenant)}`,
    `thread_id = ${p.add(ref.thread)}`,
    `checkpoint_ns = ${p.add(ref.ns)}`,
  ];
  if (id !== undefined) where.push(`checkpoint_id = ${p.add(id)}`);
  const { rows } = await db.query<RawCheckpoint>(
    `select ${COLUMNS} from lg_checkpoints where ${where.join(' and ')} order by checkpoint_id desc limit 1`,
    p.values,
  );
  return rows[0] ? toRow(rows[0]) : null;
}

/** What {@link listCheckpoints} narrows by. */
export interface ListQuery {
  tenant: string;
  thread?: string;
  ns?: string;
  id?: string;
  before?: string;
  /** Metadata fields that must equal these JSON values (undefined: the field is absent). */
  filter: [string, unknown][];
  limit?: number;
}

/**
 * Checkpoints of a tenant, newest first, narrowed by thread, namespace, id, `before` and
 * metadata equality (jsonb, so nested values compare by content).
 *
 * @example
 * const rows = await listCheckpoints(db, { tenant: 'acme', thread: 't1', filter: [['source', 'loop']], limit: 5 });
 */
export async function listCheckpoints(db: Db, q: ListQuery): Promise<CheckpointRow[]> {
  const p = new Params();
  const where = [`tenant_id = ${p.add(q.tenant)}`];
  if (q.thread !== undefined) where.push(`thread_id = ${p.add(q.thread)}`);
  if (q.ns !== undefined) where.push(`checkpoint_ns = ${p.add(q.ns)}`);
  if (q.id !== undefined) where.push(`checkpoint_id = ${p.add(q.id)}`);
  if (q.before !== undefined) where.push(`checkpoint_id < ${p.add(q.before)}`);
  for (const [k, v] of q.filter) {
    if (v === undefined) where.push(`not (metadata_json ? ${p.add(k)})`);
    else where.push(`metadata_json -> ${p.add(k)} = ${p.add(JSON.stringify(v))}::jsonb`);
  }
  const limit = q.limit !== undefined ? ` limit ${p.add(Math.max(0, q.limit))}` : '';
  const { rows } = await db.query<RawCheckpoint>(
    `select ${COLUMNS} from lg_checkpoints where ${where.join(' and ')}
     order by thread_id, checkpoint_ns, checkpoint_id desc${limit}`,
    p.values,
  );
  return rows.map(toRow);
}

/**
 * The writes stored against one checkpoint (unordered: the saver sorts them by
 * LangGraph's own comparator, which SQL collations do not reproduce).
 *
 * @example
 * const writes = await selectWrites(db, ref, checkpointId);
 */
export async function selectWrites(db: Db, ref: ThreadRef, checkpointId: string): Promise<WriteRow[]> {
  const { rows } = await db.query<{
    task_id: string;
    idx: number;
    channel: string;
    value_type: string;
    value: Uint8Array;
    task_path: string;
  }>(
    `select task_id, idx, channel, value_type, value, task_path from lg_writes
     where tenant_id = $1 and thread_id = $2 and checkpoint_ns = $3 and checkpoint_id = $4`,
    [ref.tenant, ref.thread, ref.ns, checkpointId],
  );
  return rows.map((r) => ({
    taskId: r.task_id,
    idx: Number(r.idx),
    channel: r.channel,
    valueType: r.value_type,
    value: r.value,
    taskPath: r.task_path,
  }));
}

/**
 * Stores writes of a task: a regular write (idx >= 0) is kept as first written, a special
 * one (error, interrupt: idx < 0) replaced, as LangGraph's savers do.
 *
 * @example
 * await insertWrites(db, ref, checkpointId, [{ taskId, idx: 0, channel: 'messages', valueType: 'json', value, taskPath: '' }]);
 */
export async function insertWrites(
  db: Db,
  ref: ThreadRef,
  checkpointId: string,
  writes: WriteRow[],
): Promise<void> {
  for (const w of writes) {
    const onConflict =
      w.idx < 0
        ? 'do update set channel = excluded.channel, value_type = excluded.value_type, value = excluded.value, task_path = excluded.task_path'
        : 'do nothing';
    await db.query(
      `insert into lg_writes (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, value_type, value, task_path)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (tenant_id, thread_id, checkpoint_ns, checkpoint_id, task_id, idx) ${onConflict}`,
      [
        ref.tenant,
        ref.thread,
        ref.ns,
        checkpointId,
        w.taskId,
        w.idx,
        w.channel,
        w.valueType,
        Buffer.from(w.value),
        w.taskPath,
      ],
    );
  }
}

/**
 * Deletes every checkpoint and write of a thread (every namespace).
 *
 * @example
 * await deleteThreadRows(db, 'acme', 't1');
 */
export async function deleteThreadRows(db: Db, tenant: string, thread: string): Promise<void> {
  await db.query('delete from lg_writes where tenant_id = $1 and thread_id = $2', [tenant, thread]);
  await db.query('delete from lg_blobs where tenant_id = $1 and thread_id = $2', [tenant, thread]);
  await db.query('delete from lg_checkpoints where tenant_id = $1 and thread_id = $2', [tenant, thread]);
}

/** One channel value at one version, serialised (`value` null for type `empty`). */
export interface BlobRow {
  channel: string;
  version: string;
  valueType: string;
  value: Uint8Array | null;
}

/**
 * Stores channel values of new versions (a version already stored is kept: it is the same value).
 *
 * @example
 * await insertBlobs(db, ref, [{ channel: 'messages', version: '2', valueType: 'json', value }]);
 */
export async function insertBlobs(db: Db, ref: ThreadRef, blobs: BlobRow[]): Promise<void> {
  if (blobs.length === 0) return;
  // one statement for the step's blobs: arrays of values, unnested row by row
  await db.query(
    `insert into lg_blobs (tenant_id, thread_id, checkpoint_ns, channel, version, value_type, value)
     select $1, $2, $3, b.channel, b.version, b.value_type, b.value
     from unnest($4::text[], $5::text[], $6::text[], $7::bytea[]) as b(channel, version, value_type, value)
     on conflict (tenant_id, thread_id, checkpoint_ns, channel, version) do nothing`,
    [
      ref.tenant,
      ref.thread,
      ref.ns,
      blobs.map((b) => b.channel),
      blobs.map((b) => b.version),
      blobs.map((b) => b.valueType),
      blobs.map((b) => (b.value ? Buffer.from(b.value) : null)),
    ],
  );
}

/**
 * The values of the channels at the versions a checkpoint names.
 *
 * @example
 * const blobs = await selectBlobs(db, ref, [['messages', '2'], ['topic', '1']]);
 */
export async function selectBlobs(db: Db, ref: ThreadRef, versions: [string, string][]): Promise<BlobRow[]> {
  if (versions.length === 0) return [];
  const { rows } = await db.query<{
    channel: string;
    version: string;
    value_type: string;
    value: Uint8Array | null;
  }>(
    `select b.channel, b.version, b.value_type, b.value
     from lg_blobs b
     join unnest($4::text[], $5::text[]) as v(channel, version) on v.channel = b.channel and v.version = b.version
     where b.tenant_id = $1 and b.thread_id = $2 and b.checkpoint_ns = $3`,
    [ref.tenant, ref.thread, ref.ns, versions.map((v) => v[0]), versions.map((v) => v[1])],
  );
  return rows.map((r) => ({
    channel: r.channel,
    version: r.version,
    valueType: r.value_type,
    value: r.value,
  }));
}
