/**
 * Consolidation: old turns of each session are summarised by the model into a summary
 * fact and durable facts, then archived (never deleted); near-duplicate facts are merged.
 */
import { createHash } from 'node:crypto';
import type { Task } from '../coordination/tasks-schema.js';
import { Params } from '../db/sql.js';
import { scopeFilters } from '../episodes/episodes-service.js';
import { type ResolvedScope, resolveScope, type Scope } from '../scope.js';
import { parse } from '../validation.js';
import { mergeDuplicateFacts } from './consolidation-merge.js';
import { ARCHIVE, OLD_GROUPS, OLD_TURNS, SUMMARY_EXISTS } from './consolidation-queries.js';
import {
  CONSOLIDATE_QUEUE,
  type ConsolidateInput,
  type ConsolidateOptions,
  type ConsolidationResult,
  consolidateLlm,
  consolidateSchema,
  consolidationOutputSchema,
  type ScheduleConsolidationInput,
  scheduleConsolidationSchema,
} from './consolidation-schema.js';
import type { FormationDeps } from './extraction-schema.js';
import { toPromptTurn } from './extraction-service.js';
import { extractionWindows } from './ingest-service.js';
import { cachedCompleteJson } from './llm-cached.js';
import type { LlmClient } from './llm-schema.js';
import { CONSOLIDATE_PROMPT, transcript } from './prompts.js';
import { reconcileCandidate } from './reconcile-service.js';

/** Most turns read per chunk (a chunk is then cut to one extraction-sized window). */
const CHUNK_TURNS = 100;

interface TurnRow {
  id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  occurred_at: Date;
}

/**
 * Builds `consolidate`.
 *
 * @example
 * const consolidate = createConsolidate(deps);
 * const r = await consolidate({ scope: { user: 'alice' }, olderThanSeconds: 7 * 86400 });
 * // { sessions, summaries, archived, facts: { added, ... }, merged, llmRequests }
 * await consolidate({ scope: { user: 'alice' } }, { llm: null }); // merge duplicates only
 */
export function createConsolidate(
  deps: FormationDeps,
): (input?: ConsolidateInput, options?: ConsolidateOptions) => Promise<ConsolidationResult> {
  return async function consolidate(input = {}, options = {}) {
    const i = parse(consolidateSchema, input, 'consolidate input');
    const llm = consolidateLlm(options ?? {}, deps.llm);
    const s = resolveScope(i.scope);
    const result: ConsolidationResult = {
      sessions: 0,
      summaries: 0,
      archived: 0,
      facts: { added: 0, superseded: 0, invalidated: 0, unchanged: 0 },
      merged: 0,
      llmRequests: 0,
    };
    const cutoff = new Date(deps.clock.now().getTime() - i.olderThanSeconds * 1000);
    const p = new Params();
    p.add(s.tenant);
    p.add(cutoff);
    const filters = scopeFilters(p, s)
      .map((f) => ` and ${f}`)
      .join('');
    const { rows: groups } = await deps.db.query<{ user_id: string; agent_id: string; session_id: string }>(
      `${OLD_GROUPS}${filters} group by 1, 2, 3 order by min(occurred_at), 1, 2, 3`,
      p.values,
    );
    result.sessions = groups.length;
    if (!llm) result.skipped = 'no LLM configured';
    else
      for (const g of groups) {
        const owner = { tenant: s.tenant, user: g.user_id, agent: g.agent_id, session: g.session_id };
        await consolidateGroup({ ...deps, llm }, owner, cutoff, result);
      }
    result.merged = await mergeDuplicateFacts(deps.db, deps.clock, s);
    return result;
  };
}

/** Summarises and archives the old turns of one session, chunk by chunk, oldest first. */
async function consolidateGroup(
  deps: FormationDeps & { llm: LlmClient },
  g: ResolvedScope,
  cutoff: Date,
  result: ConsolidationResult,
): Promise<void> {
  for (;;) {
    const { rows } = await deps.db.query<TurnRow>(OLD_TURNS, [
      g.tenant,
      g.user,
      g.agent,
      g.session,
      cutoff,
      CHUNK_TURNS,
    ]);
    if (!rows.length) return;
    const turns = rows.slice(0, extractionWindows(rows)[0].length);
    const ids = turns.map((t) => t.id);
    const key = createHash('sha256').update(ids.join(',')).digest('hex');
    const done = await deps.db.query(SUMMARY_EXISTS, [g.tenant, key]);
    if (!done.rows.length) {
      const answer = await cachedCompleteJson({
        llm: deps.llm,
        cache: deps.cache,
        scope: g,
        promptVersion: CONSOLIDATE_PROMPT.version,
        contentType: 'consolidation',
        request: {
          system: CONSOLIDATE_PROMPT.system,
          messages: [{ role: 'user', content: transcript(turns.map(toPromptTurn)) }],
          schema: consolidationOutputSchema(turns.length),
          schemaName: 'consolidation',
        },
      });
      result.llmRequests += answer.attempts;
      const owner = { ...g, session: '' };
      for (const c of answer.data.facts) {
        const o = await reconcileCandidate(deps, {
          owner,
          cacheScope: g,
          candidate: c,
          sourceEpisodeIds: [...new Set(c.sourceTurns)].map((n) => ids[n]),
          source: 'consolidation',
        });
        result.llmRequests += o.llmRequests;
        if (o.action === 'ADD') result.facts.added++;
        else if (o.action === 'SUPERSEDE') result.facts.superseded++;
        else if (o.action === 'INVALIDATE') result.facts.invalidated++;
        else result.facts.unchanged++;
      }
      await deps.facts.assert({
        scope: g,
        kind: 'semantic',
        category: 'summary',
        subject: g.session ? `session:${g.session}` : 'conversation',
        content: answer.data.summary,
        source: 'consolidation',
        sourceEpisodeIds: ids,
        metadata: {
          consolidationKey: key,
          turns: ids.length,
          from: new Date(turns[0].occurred_at).toISOString(),
          to: new Date(turns[turns.length - 1].occurred_at).toISOString(),
        },
        by: 'consolidation',
      });
      result.summaries++;
    }
    const archived = await deps.db.query(ARCHIVE, [g.tenant, ids, deps.clock.now()]);
    result.archived += archived.rowCount;
  }
}

/**
 * Queues a `mnemo.consolidate` task for a formation worker (see startFormationWorker), due
 * at `runAfter` (default now). With `everySeconds`, each run queues the next one that
 * much later: a periodic consolidation that survives restarts. Cancel it with
 * `tasks.cancel` on the open task.
 *
 * @example
 * // every night at 03:00 UTC, starting tomorrow
 * await scheduleConsolidation(mem.tasks, { scope: { tenant: 'acme' }, runAfter: '2026-06-02T03:00:00Z', everySeconds: 86400 });
 */
export async function scheduleConsolidation(
  tasks: Pick<FormationDeps['tasks'], 'create'>,
  input: ScheduleConsolidationInput,
  now: Date = new Date(),
): Promise<Task> {
  const i = parse(scheduleConsolidationSchema, input, 'schedule input');
  const s = resolveScope(i.scope);
  const runAfter = i.runAfter ?? now;
  const scope: Scope = { tenant: s.tenant, user: s.user, agent: s.agent, session: s.session };
  const slot = createHash('sha256')
    .update(JSON.stringify([s.user, s.agent, s.session, runAfter.toISOString()]))
    .digest('hex');
  return tasks.create({
    scope: { tenant: s.tenant, user: s.user, agent: s.agent },
    queue: CONSOLIDATE_QUEUE,
    payload: {
      scope,
      ...(i.olderThanSeconds !== undefined ? { olderThanSeconds: i.olderThanSeconds } : {}),
      ...(i.everySeconds !== undefined ? { everySeconds: i.everySeconds } : {}),
    },
    runAfter,
    dedupeKey: `consolidate:${slot}`,
    maxAttempts: 3,
  });
}
