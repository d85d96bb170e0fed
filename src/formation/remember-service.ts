/**
 * `remember`: the hot path for what an agent decided to keep. No LLM, no background
 * work: the memory is committed when the call returns.
 */
import { parse } from '../validation.js';
import type { FormationDeps } from './extraction-schema.js';
import { type Remembered, type RememberInput, rememberSchema } from './remember-schema.js';

/**
 * Builds `remember`. Plain text becomes a current semantic fact (category `fact` unless
 * given, source `remember`, confidence 1 unless given): an agent that chose to remember
 * something states it as true, and a fact can later be superseded, which an episode
 * cannot. A structured `fact` goes through `facts.assert` (source `remember` unless
 * given); an `episode` through `episodes.append`.
 *
 * @example
 * const remember = createRemember({ facts, episodes });
 * await remember({ scope: { user: 'alice' }, text: 'Alice is vegetarian', subject: 'alice.diet', category: 'preference' });
 * await remember({ scope: { user: 'alice' }, fact: { content: 'Alice lives in Lyon', subject: 'alice.city', confidence: 0.8 } });
 * await remember({ scope: { user: 'alice' }, episode: { content: 'Alice signed the contract', importance: 8 } });
 */
export function createRemember(
  deps: Pick<FormationDeps, 'facts' | 'episodes'>,
): (input: RememberInput) => Promise<Remembered> {
  return async function remember(input) {
    const i = parse(rememberSchema, input, 'remember input');
    if (i.episode) {
      const episode = await deps.episodes.append({ scope: i.scope, ...i.episode });
      return { kind: 'episode', episode };
    }
    if (i.fact) {
      const fact = await deps.facts.assert({ scope: i.scope, source: 'remember', ...i.fact });
      return { kind: 'fact', fact };
    }
    const fact = await deps.facts.assert({
      scope: i.scope,
      content: i.text as string,
      category: i.category ?? 'fact',
      source: 'remember',
      ...(i.kind ? { kind: i.kind } : {}),
      ...(i.subject !== undefined ? { subject: i.subject } : {}),
      ...(i.confidence !== undefined ? { confidence: i.confidence } : {}),
      ...(i.tags ? { tags: i.tags } : {}),
      ...(i.metadata ? { metadata: i.metadata } : {}),
    });
    return { kind: 'fact', fact };
  };
}
