import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { IngestMessage } from '../formation/ingest-schema.js';
import type { Scope } from '../scope.js';
import {
  type CliMemory,
  isRemote,
  printObject,
  type StoreFlags,
  scopeOf,
  storeOptions,
  withMemory,
} from './common.js';

interface IngestFlags extends StoreFlags {
  idempotencyKey?: string;
  wait?: boolean;
}

/** Messages stored per `ingest` call (one appendMany each). */
const CHUNK = 1000;
/** Files longer than this many lines get a progress bar. */
const BAR_LINES = 1000;

/**
 * The default idempotency key of `mnemo ingest FILE`: a hash of the file's bytes and of
 * the scope it goes to, so ingesting the same file into the same scope twice stores
 * nothing the second time (another scope, or a changed file, is a new conversation).
 *
 * @example
 * await fileIdempotencyKey('chat.jsonl', { user: 'alice' }) // => 'file:9f86d0...' (69 characters)
 */
export async function fileIdempotencyKey(file: string, scope: Scope): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  const s = [scope.tenant || 'default', scope.user, scope.agent, scope.session]
    .map((x) => x ?? '')
    .join('\u0001');
  h.update(`\u0000${s}`);
  return `file:${h.digest('hex')}`;
}

/** Runs the extraction tasks in this process (or waits for the server's worker) and sums their results. */
async function waitForExtraction(mem: CliMemory, taskIds: string[], tenant: string | undefined) {
  const [{ startFormationWorker }, { EXTRACT_QUEUE }] = await Promise.all([
    import('../formation/formation-worker.js'),
    import('../formation/extraction-schema.js'),
  ]);
  const worker = isRemote(mem)
    ? { close: async () => {} }
    : startFormationWorker(mem, { queues: [EXTRACT_QUEUE], pollIntervalMs: 200 });
  const sum = { added: 0, superseded: 0, invalidated: 0, unchanged: 0, failed: 0, errors: [] as string[] };
  try {
    for (const id of taskIds) {
      for (;;) {
        const t = await mem.tasks.get({ scope: tenant ? { tenant } : {}, id });
        if (!t) throw new NotFoundError(`no task ${id} in this tenant`, 'id');
        if (t.status === 'done') {
          const r = t.result as Partial<typeof sum>;
          for (const k of ['added', 'superseded', 'invalidated', 'unchanged'] as const) sum[k] += r?.[k] ?? 0;
          break;
        }
        if (t.status === 'failed' || t.status === 'cancelled' || (t.status === 'open' && t.error)) {
          sum.failed++;
          sum.errors.push(
            `task ${id}: ${t.error ?? t.status}${t.status === 'open' ? ' (queued again for a worker)' : ''}`,
          );
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await worker.close();
  }
  return sum;
}

/**
 * `mnemo ingest FILE`: stores a conversation (a JSON array of messages, an object
 * `{ "messages": [...] }`, or JSON Lines) as episodes, streamed in batches of 1,000,
 * with a progress bar for files over 1,000 lines; fact extraction is queued (or run at
 * once with --wait) when an LLM is configured. The idempotency key defaults to a hash of
 * the file's content and scope, so a second ingest of the same file adds nothing.
 *
 * @example
 * // mnemo ingest chat.jsonl --user alice --session s1 --idempotency-key chat-2026-05-08 --wait
 */
export function registerIngestCommand(program: Command): void {
  storeOptions(program.command('ingest'))
    .argument('<file>', 'conversation: JSON array, { "messages": [...] } or one JSON message per line')
    .description('store a conversation as episodes and queue fact extraction (needs MNEMO_LLM_BASE_URL)')
    .option(
      '--idempotency-key <key>',
      "makes a re-run store nothing twice (each batch and turn derives its key); default: a hash of the file's " +
        'content and the scope, so the same file ingested twice into one scope is stored once',
    )
    .option('--wait', 'run the extraction in this process and wait for it (default: leave it to a worker)')
    .action(async (file: string, f: IngestFlags) => {
      // The reader (zod), the queue's schema and the progress bar load when the command runs.
      const [{ countLines, readMessages }, { EXTRACT_QUEUE }, { createProgress }] = await Promise.all([
        import('../formation/ingest-reader.js'),
        import('../formation/extraction-schema.js'),
        import('./progress.js'),
      ]);
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) throw new InvalidInputError(`cannot read "${file}": no such file`, 'file');
      if (f.idempotencyKey !== undefined && (f.idempotencyKey.length < 1 || f.idempotencyKey.length > 180))
        throw new InvalidInputError('--idempotency-key must be 1 to 180 characters', 'idempotency-key');
      // First pass: validate every message, so a bad file stores nothing.
      let total = 0;
      for await (const _ of readMessages(file)) total++;
      if (total === 0) throw new InvalidInputError(`"${file}" holds no messages`, 'file');
      const showBar = !f.json && (await countLines(file)) > BAR_LINES;

      const scope = scopeOf(f);
      const key = f.idempotencyKey ?? (await fileIdempotencyKey(file, scope));
      await withMemory(f, async (mem) => {
        const bar = createProgress({ label: 'ingesting', unit: 'messages' });
        if (showBar) bar.update(0, total);
        let stored = 0;
        let chunk: IngestMessage[] = [];
        let n = 0;
        const taskIds: string[] = [];
        let skipped = false;
        const flush = async () => {
          const r = await mem.ingest({
            scope,
            messages: chunk,
            idempotencyKey: `${key}:${n}`,
          });
          n++;
          stored += r.episodes.length;
          if (r.extraction.status === 'queued') taskIds.push(...r.extraction.taskIds);
          else skipped = true;
          chunk = [];
          if (showBar) bar.update(stored, total);
        };
        try {
          for await (const { message } of readMessages(file)) {
            chunk.push(message);
            if (chunk.length >= CHUNK) await flush();
          }
          if (chunk.length) await flush();
        } finally {
          if (showBar) bar.stop();
        }
        const out: Record<string, unknown> = {
          episodes: stored,
          idempotencyKey: key,
          extraction: skipped
            ? 'skipped: no LLM configured'
            : `queued (${taskIds.length} task(s) on ${EXTRACT_QUEUE})`,
        };
        if (f.wait && taskIds.length) {
          const r = await waitForExtraction(mem, taskIds, scope.tenant);
          Object.assign(out, {
            extraction: r.failed ? `${r.failed} task(s) failed` : 'done',
            added: r.added,
            superseded: r.superseded,
            invalidated: r.invalidated,
            unchanged: r.unchanged,
            ...(r.errors.length ? { errors: r.errors } : {}),
          });
          if (r.failed) process.exitCode = 1;
        }
        printObject(out, f.json);
      });
    });
}
