/**
 * The text an MCP tool of the memory itself shows the model instead of its JSON result
 * (the structured result stays available as `structuredContent`). Written for an LLM:
 * one short line per memory, with what it needs to use or act on it.
 */
import type { Remembered } from '../formation/remember-schema.js';
import type { ContextResult } from '../recall/context-schema.js';
import type { RecallItem, RecallResult } from '../recall/recall-schema.js';

/** Longest content shown on one recall line; the whole of it is in the structured result. */
const MAX_CONTENT = 600;

/** `2026-05-08` for a fact, brain key or decision; `2026-05-08 13:56` for an episode (turns are ordered). */
function when(item: RecallItem): string {
  const iso = new Date(item.occurredAt).toISOString();
  return item.kind === 'episode' ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' / ');
  return flat.length > MAX_CONTENT
    ? `${flat.slice(0, MAX_CONTENT)}… [${flat.length - MAX_CONTENT} more chars]`
    : flat;
}

/**
 * One recall item as one line: `[kind id when role|subject] content (score)`.
 *
 * @example
 * recallLine(item) // '[fact 5f0c…e2 2026-05-08 alice.city] Alice lives in Lyon (0.91)'
 */
export function recallLine(item: RecallItem): string {
  const label = item.kind === 'episode' ? item.category : item.subject;
  const head = [item.kind, item.id, when(item), label].filter(Boolean).join(' ');
  const around = item.neighborOf ? ' (turn next to a hit)' : '';
  return `[${head}] ${oneLine(item.content)} (${item.score.toFixed(2)})${around}`;
}

/**
 * The recall result as compact text: a count, then one line per memory, best first.
 *
 * @example
 * renderRecall({ items: [], usedVector: false, pendingEmbedding: 0, embeddedForRecall: 0 }) // 'No memory matches.'
 */
export function renderRecall(result: RecallResult): string {
  if (!result.items.length) return 'No memory matches.';
  const n = result.items.length;
  const head = `${n} ${n === 1 ? 'memory' : 'memories'}, best first ([kind id date role|subject] content (score)):`;
  return [head, ...result.items.map(recallLine)].join('\n');
}

/**
 * The context block itself (what the model is meant to read).
 *
 * @example
 * renderContext({ text: '## Directives\n- answer in French', tokens: 9, items: [] }) // '## Directives\n- answer in French'
 */
export function renderContext(result: ContextResult): string {
  return result.text;
}

/**
 * What `remember` stored, in one line with its id (to supersede it later).
 *
 * @example
 * renderRemembered(r) // 'Remembered fact 5f0c…: Alice lives in Lyon'
 */
export function renderRemembered(r: Remembered): string {
  return r.kind === 'fact'
    ? `Remembered fact ${r.fact.id}: ${oneLine(r.fact.content)}`
    : `Logged episode ${r.episode.id}: ${oneLine(r.episode.content)}`;
}
