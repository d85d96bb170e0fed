/**
 * Reconciliation: one candidate memory against the similar facts already stored. The
 * model decides ADD, SUPERSEDE, INVALIDATE or NONE (through the cache); the decision is
 * applied through the facts API with the supporting episodes as provenance.
 */

import { type FactRow, toFact } from '../facts/facts-queries.js';
import type { Fact, FactKind } from '../facts/facts-schema.js';
import type { ResolvedScope, Scope } from '../scope.js';
import type { FormationDeps } from './extraction-schema.js';
import { cachedCompleteJson } from './llm-cached.js';
import { RECONCILE_PROMPT } from './prompts.js';
import { SIMILAR_FACTS, SIMILAR_LIMIT } from './reconcile-queries.js';
import { decisionSchema, type ReconcileDecision, type ReconcileOutcome } from './reconcile-schema.js';

/**
 * A candidate memory, from extraction or consolidation.
 *
 * @example
 * const c: CandidateFact = { kind: 'semantic', category: 'fact', subject: 'user.city', content: 'The user lives in Lyon.', confidence: 0.9 };
 */
export interface CandidateFact {
  kind: FactKind;
  category: string;
  subject: string;
  content: string;
  confidence: number;
}

/**
 * Input of {@link reconcileCandidate}.
 *
 * @example
 * const i: ReconcileInput = { owner, cacheScope: { user: 'alice' }, candidate, sourceEpisodeIds: [e.id], source: 'extraction' };
 */
export interface ReconcileInput {
  /** Who the fact belongs to: tenant, user and agent (matched exactly; the session is not kept). */
  owner: ResolvedScope;
  /** Scope recorded on the cached LLM answer (so a purge of the user or session finds it). */
  cacheScope: Scope;
  candidate: CandidateFact;
  /** Episodes supporting the candidate: its provenance. */
  sourceEpisodeIds: string[];
  /** Recorded as the fact's `source` and `createdBy` (`extraction`, `consolidation`). */
  source: string;
}

/**
 * Content compared for "the same fact": lower case, Unicode-normalised, whitespace
 * collapsed, trailing punctuation dropped.
 *
 * @example
 * normalizeContent('The user  lives in Lyon.') === normalizeContent('the user lives in lyon') // => true
 */
export function normalizeContent(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!?;,:]+$/u, '')
    .trim();
}

/**
 * The words a candidate is searched by: its subject and content, without "user" and
 * "assistant", which the extraction prompt puts in nearly every fact ("The user ...").
 *
 * @example
 * searchText({ subject: 'user.city', content: 'The user lives in Lyon.' }) // => ' city The  lives in Lyon.'
 */
export function searchText(c: Pick<CandidateFact, 'subject' | 'content'>): string {
  return `${c.subject.replace(/[._]/g, ' ')} ${c.content}`.replace(/\b(user|assistant)('s)?\b/gi, '');
}

/**
 * The current facts of an owner most similar to a candidate: same subject and category,
 * then full-text matches, then vector neighbours of the supporting episodes.
 *
 * @example
 * const similar = await similarFacts(mem.db, owner, candidate, [episode.id]);
 */
export async function similarFacts(
  db: FormationDeps['db'],
  owner: ResolvedScope,
  candidate: Pick<CandidateFact, 'subject' | 'category' | 'content'>,
  sourceEpisodeIds: string[],
): Promise<Fact[]> {
  const { rows } = await db.query<FactRow>(SIMILAR_FACTS, [
    owner.tenant,
    owner.user,
    owner.agent,
    candidate.subject,
    candidate.category,
    searchText(candidate),
    sourceEpisodeIds,
    SIMILAR_LIMIT,
  ]);
  return rows.map(toFact);
}

/**
 * Reconciles one candidate: an exact duplicate of a stored fact (same normalised content)
 * is NONE without asking; with no similar fact, or no LLM, it is ADD; otherwise the model
 * decides. Returns what was applied.
 *
 * @example
 * const o = await reconcileCandidate(deps, {
 *   owner: { tenant: 'default', user: 'alice', agent: '', session: '' }, cacheScope: { user: 'alice' },
 *   candidate: { kind: 'semantic', category: 'fact', subject: 'user.city', content: 'The user lives in Paris.', confidence: 0.9 },
 *   sourceEpisodeIds: [episode.id], source: 'extraction',
 * });
 * o.action; // 'SUPERSEDE' when 'The user lives in Lyon.' was stored
 */
export async function reconcileCandidate(
  deps: Pick<FormationDeps, 'db' | 'facts' | 'cache' | 'llm'>,
  input: ReconcileInput,
): Promise<ReconcileOutcome> {
  const { owner, candidate: c, sourceEpisodeIds, source } = input;
  const kind: FactKind = c.category === 'rule' ? 'procedural' : c.kind;
  const similar = await similarFacts(deps.db, owner, c, sourceEpisodeIds);
  const norm = normalizeContent(c.content);
  const same = similar.find((f) => normalizeContent(f.content) === norm);
  if (same)
    return { action: 'NONE', factId: null, targetId: same.id, reason: 'already stored', llmRequests: 0 };

  let decision: ReconcileDecision = { action: 'ADD', target: null, reason: 'no similar fact stored' };
  let llmRequests = 0;
  if (similar.length > 0 && deps.llm) {
    const stored = similar.map((f, number) => ({
      number,
      kind: f.kind,
      category: f.category,
      subject: f.subject,
      content: f.content,
    }));
    const r = await cachedCompleteJson({
      llm: deps.llm,
      cache: deps.cache,
      scope: input.cacheScope,
      promptVersion: RECONCILE_PROMPT.version,
      contentType: 'reconcile',
      request: {
        system: RECONCILE_PROMPT.system,
        messages: [
          {
            role: 'user',
            content: JSON.stringify(
              { candidate: { kind, category: c.category, subject: c.subject, content: c.content }, stored },
              null,
              2,
            ),
          },
        ],
        schema: decisionSchema(similar.length),
        schemaName: 'reconcile_decision',
      },
    });
    decision = r.data;
    llmRequests = r.attempts;
  } else if (similar.length > 0) decision.reason = 'no LLM configured to compare with similar facts';

  const fields = {
    kind,
    category: c.category,
    subject: c.subject,
    content: c.content,
    confidence: c.confidence,
    source,
    sourceEpisodeIds,
  };
  const target = decision.target === null ? null : similar[decision.target];
  switch (decision.action) {
    case 'ADD': {
      const f = await deps.facts.assert({ scope: owner, ...fields, by: source });
      return { action: 'ADD', factId: f.id, targetId: null, reason: decision.reason, llmRequests };
    }
    case 'SUPERSEDE': {
      const t = target as Fact;
      const r = await deps.facts.supersede({ scope: owner, id: t.id, fact: fields, by: source });
      return { action: 'SUPERSEDE', factId: r.new.id, targetId: t.id, reason: decision.reason, llmRequests };
    }
    case 'INVALIDATE': {
      const t = target as Fact;
      await deps.facts.invalidate({
        scope: owner,
        id: t.id,
        reason: `${decision.reason} (${source}: ${c.content})`.slice(0, 2000),
        by: source,
      });
      return { action: 'INVALIDATE', factId: null, targetId: t.id, reason: decision.reason, llmRequests };
    }
    default:
      return {
        action: 'NONE',
        factId: null,
        targetId: target?.id ?? null,
        reason: decision.reason,
        llmRequests,
      };
  }
}
