/**
 * Every prompt of memory formation, in one place. Each has a version that goes into
 * the LLM cache key: change the wording, bump the version, and old answers miss.
 * Prompts carry only content (roles, names, texts), never ids or timestamps, so the
 * same conversation ingested twice asks the same question and hits the cache.
 */

/**
 * A prompt template: its system text and the version recorded in the cache key.
 *
 * @example
 * const p: Prompt = { version: 'my-extract-v2', system: 'Extract ...' };
 */
export interface Prompt {
  readonly version: string;
  readonly system: string;
}

/**
 * One turn as the model sees it.
 *
 * @example
 * const t: PromptTurn = { role: 'user', name: 'Alice', content: 'I moved to Lyon.' };
 */
export interface PromptTurn {
  role: string;
  name?: string;
  content: string;
}

/**
 * Longest piece of one turn shown to the model, in characters (the rest is cut).
 *
 * @example
 * TURN_CHARS // => 8000
 */
export const TURN_CHARS = 8000;

/**
 * Extraction: candidate facts, preferences, goals, struggles and rules from a conversation.
 *
 * @example
 * EXTRACT_PROMPT.version // => 'extract-v1'
 */
export const EXTRACT_PROMPT: Prompt = {
  version: 'extract-v1',
  system: [
    'You extract durable memories from a conversation between a user and an AI assistant.',
    'The turns are numbered [0], [1], ... Return every statement worth remembering in later',
    'conversations, as candidates:',
    '- kind "semantic" with category "fact" (a stable fact about the user or their world),',
    '  "preference" (likes, dislikes, how they want things done), "goal" (what they want',
    '  to achieve) or "struggle" (what they find hard, recurring problems);',
    '- kind "procedural" with category "rule" (an instruction on how the assistant must act).',
    'For each candidate give a short subject naming what it is about, in dotted lower case',
    '("user.city", "user.diet", "project.deadline"), the content as one self-contained',
    'sentence in the third person ("The user lives in Lyon."), a confidence from 0 to 1,',
    'and sourceTurns: the numbers of the turns that support it (only numbers shown).',
    'Skip small talk, questions, and anything the assistant said that the user did not',
    'confirm. Return {"candidates": []} when there is nothing worth remembering.',
  ].join('\n'),
};

/**
 * Reconciliation: what to do with one candidate given the similar facts already stored.
 *
 * @example
 * RECONCILE_PROMPT.version // => 'reconcile-v1'
 */
export const RECONCILE_PROMPT: Prompt = {
  version: 'reconcile-v1',
  system: [
    'You maintain a memory of facts. A new candidate fact was learned; similar facts are',
    'already stored, numbered from 0. Decide one action:',
    '- "ADD": the candidate is new information that contradicts none of them (target null);',
    '- "SUPERSEDE": the candidate replaces stored fact number target (it changed, or the',
    '  candidate is a more precise or more recent version of it);',
    '- "INVALIDATE": the candidate says stored fact number target is no longer true, and is',
    '  not itself worth storing (e.g. "the user no longer has a dog");',
    '- "NONE": the candidate is already known (same meaning as a stored fact; target null).',
    'Give a short reason.',
  ].join('\n'),
};

/**
 * Consolidation: a summary of old turns of one session and the durable facts in them.
 *
 * @example
 * CONSOLIDATE_PROMPT.version // => 'consolidate-v1'
 */
export const CONSOLIDATE_PROMPT: Prompt = {
  version: 'consolidate-v1',
  system: [
    'You consolidate the old turns of one conversation session into long-term memory.',
    'The turns are numbered [0], [1], ... Return:',
    '- summary: a concise paragraph (at most 120 words) of what happened and what was',
    '  decided, in the third person, that stands on its own without the turns;',
    '- facts: the durable facts, preferences, goals, struggles (kind "semantic") and',
    '  rules (kind "procedural", category "rule") stated in them, each with a short dotted',
    '  subject, one self-contained sentence as content, a confidence from 0 to 1 and',
    '  sourceTurns (the numbers of the supporting turns, only numbers shown).',
  ].join('\n'),
};

/**
 * Renders turns as the numbered transcript the prompts refer to (`[3] user (Alice): ...`).
 *
 * @example
 * transcript([{ role: 'user', content: 'I moved to Lyon.' }]) // => '[0] user: I moved to Lyon.'
 */
export function transcript(turns: PromptTurn[]): string {
  return turns
    .map((t, i) => {
      const who = t.name ? `${t.role} (${t.name})` : t.role;
      const text = t.content.length > TURN_CHARS ? `${t.content.slice(0, TURN_CHARS)} [...]` : t.content;
      return `[${i}] ${who}: ${text}`;
    })
    .join('\n');
}
