/**
 * `ingest`: stores a conversation as episodes in one statement (durable and searchable
 * by text at once), then queues the extraction of facts as `mnemo.extract` tasks.
 */
import { createHash } from 'node:crypto';
import type { Episode } from '../episodes/episodes-schema.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { EXTRACT_QUEUE, type ExtractPayload, type FormationDeps } from './extraction-schema.js';
import { type IngestInput, type IngestResult, ingestSchema } from './ingest-schema.js';

/**
 * Most turns shown to the model in one extraction (longer conversations are split).
 *
 * @example
 * WINDOW_TURNS // => 40
 */
export const WINDOW_TURNS = 40;
/**
 * Most characters of content in one extraction window.
 *
 * @example
 * WINDOW_CHARS // => 24000
 */
export const WINDOW_CHARS = 24_000;

/**
 * Options of {@link createIngest}.
 *
 * @example
 * const o: IngestOptions = { extractMaxAttempts: 3 };
 */
export interface IngestOptions {
  /** Attempts an extraction task gets before it is failed for good; default 5. */
  extractMaxAttempts?: number;
}

/**
 * Splits episodes into consecutive extraction windows of at most WINDOW_TURNS turns and
 * about WINDOW_CHARS characters (a single longer turn gets a window of its own).
 *
 * @example
 * extractionWindows(episodes).map((w) => w.length) // e.g. [40, 40, 7]
 */
export function extractionWindows(episodes: Pick<Episode, 'content'>[]): number[][] {
  const windows: number[][] = [];
  let cur: number[] = [];
  let chars = 0;
  episodes.forEach((e, i) => {
    if (cur.length && (cur.length >= WINDOW_TURNS || chars + e.content.length > WINDOW_CHARS)) {
      windows.push(cur);
      cur = [];
      chars = 0;
    }
    cur.push(i);
    chars += e.content.length;
  });
  if (cur.length) windows.push(cur);
  return windows;
}

/**
 * Builds `ingest`.
 *
 * @example
 * const ingest = createIngest({ db, clock, episodes, facts, tasks, cache, llm });
 * const r = await ingest({ scope: { user: 'alice' }, session: 's1', idempotencyKey: 'chat-42',
 *   messages: [{ role: 'user', content: 'I moved to Lyon.' }, { role: 'assistant', content: 'Noted.' }] });
 * r.extraction; // { status: 'queued', taskId, taskIds } or { status: 'skipped', reason: 'no LLM configured' }
 */
export function createIngest(
  deps: Pick<FormationDeps, 'episodes' | 'tasks' | 'llm'>,
  opts: IngestOptions = {},
): (input: IngestInput) => Promise<IngestResult> {
  return async function ingest(input) {
    const i = parse(ingestSchema, input, 'ingest input');
    const s = resolveScope(i.scope);
    const session = i.session ?? s.session;
    const episodes = await deps.episodes.appendMany({
      scope: { tenant: s.tenant, user: s.user, agent: s.agent, session },
      episodes: i.messages.map((m, n) => ({
        role: m.role,
        content: m.content,
        ...(m.name ? { metadata: { name: m.name } } : {}),
        ...(m.occurredAt ? { occurredAt: m.occurredAt } : {}),
        ...(i.idempotencyKey ? { idempotencyKey: `${i.idempotencyKey}:${n}` } : {}),
      })),
    });
    if (!deps.llm) return { episodes, extraction: { status: 'skipped', reason: 'no LLM configured' } };

    const taskIds: string[] = [];
    for (const w of extractionWindows(episodes)) {
      const ids = w.map((n) => episodes[n].id);
      const payload: ExtractPayload = {
        episodeIds: ids,
        scope: { tenant: s.tenant, user: s.user, agent: s.agent, session },
      };
      // Same episodes, same key: a retried ingest joins the task already waiting.
      const task = await deps.tasks.create({
        scope: { tenant: s.tenant, user: s.user, agent: s.agent },
        queue: EXTRACT_QUEUE,
        payload,
        dedupeKey: `extract:${createHash('sha256').update(ids.join(',')).digest('hex')}`,
        maxAttempts: opts.extractMaxAttempts ?? 5,
      });
      taskIds.push(task.id);
    }
    return { episodes, extraction: { status: 'queued', taskId: taskIds[0], taskIds } };
  };
}
