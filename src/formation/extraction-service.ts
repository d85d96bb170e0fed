/**
 * Extraction: the background half of `ingest`. Reads the ingested turns, asks the model
 * (through the cache) for candidate memories citing the turns that support them, and
 * reconciles each candidate against the facts already stored.
 */
import { UnavailableError } from '../errors.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  type ExtractionResult,
  type ExtractPayload,
  extractionOutputSchema,
  extractPayloadSchema,
  type FormationDeps,
} from './extraction-schema.js';
import { cachedCompleteJson } from './llm-cached.js';
import { EXTRACT_PROMPT, type PromptTurn, transcript } from './prompts.js';
import { reconcileCandidate } from './reconcile-service.js';

/** An episode as extraction reads it. */
interface TurnRow {
  id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
}

/**
 * The turns of a conversation as the prompts show them: role, the speaker's name when
 * the ingest gave one (`metadata.name`), content.
 *
 * @example
 * toPromptTurn({ role: 'user', content: 'hi', metadata: { name: 'Alice' } }) // => { role: 'user', name: 'Alice', content: 'hi' }
 */
export function toPromptTurn(e: {
  role: string;
  content: string;
  metadata: Record<string, unknown>;
}): PromptTurn {
  const name = e.metadata?.name;
  return { role: e.role, ...(typeof name === 'string' && name ? { name } : {}), content: e.content };
}

/**
 * Runs one extraction: loads the episodes of the payload (skipping purged ones), asks
 * for candidates (a cache hit costs nothing: the prompt holds only roles, names and
 * contents), and reconciles each candidate with `source: 'extraction'` and its
 * supporting episodes as `sourceEpisodeIds`. Facts belong to the tenant, user and agent
 * of the payload scope (not to the session). A model answer that stays malformed after
 * the client's retries throws (`llm_error`), and nothing is written.
 *
 * @example
 * const r = await runExtraction(deps, { episodeIds: episodes.map((e) => e.id), scope: { user: 'alice' } });
 * console.log(r.added, r.superseded, r.llmRequests);
 */
export async function runExtraction(
  deps: FormationDeps,
  payload: ExtractPayload,
  opts: { signal?: AbortSignal } = {},
): Promise<ExtractionResult> {
  const p = parse(extractPayloadSchema, payload, 'payload');
  const s = resolveScope(p.scope);
  const result: ExtractionResult = {
    added: 0,
    superseded: 0,
    invalidated: 0,
    unchanged: 0,
    candidates: 0,
    factIds: [],
    llmRequests: 0,
    missingEpisodes: 0,
  };
  const { rows } = await deps.db.query<TurnRow>(
    'select id, role, content, metadata from episodes where tenant_id = $1 and id = any($2::uuid[])',
    [s.tenant, p.episodeIds],
  );
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
  const turns = p.episodeIds.map((id) => byId.get(id.toLowerCase())).filter((r): r is TurnRow => !!r);
  result.missingEpisodes = p.episodeIds.length - turns.length;
  if (turns.length === 0) return result;
  if (!deps.llm)
    throw new UnavailableError(
      'no LLM configured: set MNEMO_LLM_BASE_URL and MNEMO_LLM_MODEL (see docs/llm.md) to extract facts',
    );

  const answer = await cachedCompleteJson({
    llm: deps.llm,
    cache: deps.cache,
    scope: s,
    promptVersion: EXTRACT_PROMPT.version,
    contentType: 'extraction',
    request: {
      system: EXTRACT_PROMPT.system,
      messages: [{ role: 'user', content: transcript(turns.map(toPromptTurn)) }],
      schema: extractionOutputSchema(turns.length),
      schemaName: 'extracted_memories',
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
  });
  result.llmRequests += answer.attempts;
  result.candidates = answer.data.candidates.length;

  const owner = { tenant: s.tenant, user: s.user, agent: s.agent, session: '' };
  for (const c of answer.data.candidates) {
    opts.signal?.throwIfAborted();
    const sourceEpisodeIds = [...new Set(c.sourceTurns)].map((i) => turns[i].id);
    const o = await reconcileCandidate(deps, {
      owner,
      cacheScope: s,
      candidate: c,
      sourceEpisodeIds,
      source: 'extraction',
    });
    result.llmRequests += o.llmRequests;
    if (o.factId) result.factIds.push(o.factId);
    if (o.action === 'ADD') result.added++;
    else if (o.action === 'SUPERSEDE') result.superseded++;
    else if (o.action === 'INVALIDATE') result.invalidated++;
    else result.unchanged++;
  }
  return result;
}
