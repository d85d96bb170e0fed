import { getEncoding, type Tiktoken } from 'js-tiktoken';
import type { Brain, BrainEntry } from '../brain/brain-schema.js';
import type { Episodes } from '../episodes/episodes-service.js';
import type { Facts } from '../facts/facts-service.js';
import { parse } from '../validation.js';
import {
  CONTEXT_SECTIONS,
  type ContextInput,
  type ContextResult,
  type ContextSection,
  contextSchema,
} from './context-schema.js';
import type { Recall } from './recall-service.js';

export {
  type ContextInput,
  type ContextResult,
  type ContextSection,
  contextSchema,
} from './context-schema.js';

const HEADINGS: Record<ContextSection, string> = {
  directives: '## Directives',
  identity: '## Who and where',
  facts: '## What we know',
  relevant: '## Relevant history',
  recent: '## Recent events',
};

let encoder: Tiktoken | null = null;
/** Counts tokens with the cl100k_base tokenizer (shipped inside js-tiktoken, no download). */
export function countTokens(text: string): number {
  encoder ??= getEncoding('cl100k_base');
  return encoder.encode(text).length;
}

function brainLine(e: BrainEntry): string {
  const v = typeof e.value === 'string' ? e.value : JSON.stringify(e.value);
  return `- ${e.key}: ${v}`;
}

const day = (d: Date) => new Date(d).toISOString().slice(0, 16).replace('T', ' ');

/**
 * Builds the block an agent injects at the start of a turn, within a token budget:
 * directives first (they must never be crowded out), then identity and session keys,
 * the facts and episodes most relevant to the query, and the latest events.
 *
 * @example
 * const { text, tokens } = await mem.context({ scope: { user: 'alice' }, query: 'plan the deploy', tokenBudget: 1500 });
 */
export function createContextBuilder(deps: {
  brain: Brain;
  facts: Facts;
  episodes: Episodes;
  recall: Recall;
}) {
  const { brain, facts, episodes, recall } = deps;
  return async function context(raw: ContextInput): Promise<ContextResult> {
    const input = parse(contextSchema, raw, 'context');
    const scope = input.scope;
    const query = input.query || undefined;
    const keys = await brain.list({ scope, limit: 1000 });
    const directiveFacts = await facts.list({ scope, category: 'directive', limit: 50 });
    const candidates: { section: ContextSection; kind: string; id: string; line: string }[] = [];
    for (const e of keys)
      if (e.category === 'directive' || e.key.startsWith('directive.'))
        candidates.push({ section: 'directives', kind: 'brain', id: e.key, line: brainLine(e) });
    for (const f of directiveFacts.items)
      candidates.push({ section: 'directives', kind: 'fact', id: f.id, line: `- ${f.content}` });
    for (const e of keys.sort((a, b) => b.priority - a.priority))
      if (['identity', 'session'].includes(e.category) || /^(identity|session)\./.test(e.key))
        candidates.push({ section: 'identity', kind: 'brain', id: e.key, line: brainLine(e) });

    if (query) {
      const hits = await recall.recall({ scope, query, k: 30, kinds: ['fact', 'episode', 'decision'] });
      for (const h of hits.items) {
        if (h.kind === 'fact' && h.category === 'directive') continue;
        const section: ContextSection = h.kind === 'episode' ? 'relevant' : 'facts';
        const line =
          h.kind === 'episode'
            ? `- [${day(h.occurredAt)}] ${h.content}`
            : `- ${h.subject ? `${h.subject}: ` : ''}${h.content}`;
        candidates.push({ section, kind: h.kind, id: h.id, line });
      }
    } else {
      const recentFacts = await facts.list({ scope, limit: 30 });
      for (const f of recentFacts.items)
        if (f.category !== 'directive')
          candidates.push({
            section: 'facts',
            kind: 'fact',
            id: f.id,
            line: `- ${f.subject ? `${f.subject}: ` : ''}${f.content}`,
          });
    }
    const recent = await episodes.list({ scope, limit: 10 });
    for (const e of recent.items.reverse())
      candidates.push({
        section: 'recent',
        kind: 'episode',
        id: e.id,
        line: `- [${day(e.occurredAt)}] ${e.role}: ${e.content}`,
      });

    // Fill in section order; an item that does not fit is skipped, smaller ones may still fit.
    const order: readonly ContextSection[] = CONTEXT_SECTIONS;
    const chosen = new Map<ContextSection, { kind: string; id: string; line: string; tokens: number }[]>();
    const seen = new Set<string>();
    let used = 0;
    for (const section of order) {
      const headingTokens = countTokens(`${HEADINGS[section]}\n`);
      for (const c of candidates.filter((x) => x.section === section)) {
        const k = `${c.kind}:${c.id}`;
        if (seen.has(k)) continue;
        const t = countTokens(`${c.line}\n`);
        const extra = chosen.has(section) ? 0 : headingTokens + 1;
        if (used + t + extra > input.tokenBudget) continue;
        used += t + extra;
        seen.add(k);
        const list = chosen.get(section) ?? [];
        list.push({ ...c, tokens: t });
        chosen.set(section, list);
      }
    }
    const blocks = order
      .filter((s) => chosen.has(s))
      .map((s) => `${HEADINGS[s]}\n${(chosen.get(s) ?? []).map((c) => c.line).join('\n')}`);
    const text = blocks.join('\n\n');
    return {
      text,
      tokens: text ? countTokens(text) : 0,
      items: order.flatMap((s) =>
        (chosen.get(s) ?? []).map((c) => ({ kind: c.kind, id: c.id, section: s, tokens: c.tokens })),
      ),
    };
  };
}
