import { z } from 'zod';
import { memoryContent, metadataSchema, shortText, storableDate } from '../episodes/episodes-schema.js';
import { scopeSchema } from '../scope.js';
import { LIMITS, tags, uuid } from '../validation.js';

/**
 * Kinds of facts: what is true (semantic) and how to act (procedural).
 *
 * @example
 * factKinds.includes('procedural') // => true
 */
export const factKinds = ['semantic', 'procedural'] as const;

/**
 * Kind of a fact.
 *
 * @example
 * const kind: FactKind = 'procedural';
 */
export type FactKind = (typeof factKinds)[number];

/** The fields that describe a fact, shared by `assert` and the replacement of `supersede`. */
const factFields = {
  kind: z.enum(factKinds).optional(),
  category: shortText.min(1, 'must not be empty').optional(),
  subject: shortText.optional(),
  content: memoryContent,
  confidence: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').default(1),
  source: shortText.optional(),
  sourceEpisodeIds: z.array(uuid).max(LIMITS.batch).optional(),
  tags: tags.optional(),
  metadata: metadataSchema.optional(),
  validFrom: storableDate.optional(),
};

/**
 * Input of `facts.assert`. `category` is free text (default `fact`; common: fact,
 * preference, goal, struggle, directive, rule).
 *
 * @example
 * parse(assertFactSchema, { scope: { user: 'alice' }, subject: 'alice.city', content: 'Alice lives in Lyon' });
 */
export const assertFactSchema = z.strictObject({
  scope: scopeSchema,
  ...factFields,
  by: shortText.optional(),
});

/**
 * Input of `facts.assert`.
 *
 * @example
 * const input: AssertFactInput = { scope: { user: 'alice' }, category: 'preference', content: 'likes tea' };
 */
export type AssertFactInput = z.input<typeof assertFactSchema>;

/**
 * Input of `facts.supersede`: the replacement inherits subject, category and kind unless given.
 *
 * @example
 * parse(supersedeFactSchema, { id, fact: { content: 'Alice lives in Paris' } });
 */
export const supersedeFactSchema = z.strictObject({
  scope: scopeSchema,
  id: uuid,
  fact: z.strictObject(factFields),
  by: shortText.optional(),
});

/**
 * Input of `facts.supersede`.
 *
 * @example
 * const input: SupersedeFactInput = { id: old.id, fact: { content: 'likes coffee' } };
 */
export type SupersedeFactInput = z.input<typeof supersedeFactSchema>;

/**
 * Input of `facts.invalidate`.
 *
 * @example
 * parse(invalidateFactSchema, { id, reason: 'she moved out' });
 */
export const invalidateFactSchema = z.strictObject({
  scope: scopeSchema,
  id: uuid,
  reason: z.string().max(LIMITS.contentChars).optional(),
  by: shortText.optional(),
});

/**
 * Input of `facts.invalidate`.
 *
 * @example
 * const input: InvalidateFactInput = { id: fact.id, reason: 'no longer true' };
 */
export type InvalidateFactInput = z.input<typeof invalidateFactSchema>;

/**
 * Input of `facts.get` and `facts.chain`.
 *
 * @example
 * parse(factIdSchema, { scope: { tenant: 'acme' }, id });
 */
export const factIdSchema = z.strictObject({ scope: scopeSchema, id: uuid });

/**
 * Input of `facts.get` and `facts.chain`.
 *
 * @example
 * const input: FactIdInput = { scope: { tenant: 'acme' }, id: fact.id };
 */
export type FactIdInput = z.input<typeof factIdSchema>;

/**
 * Input of `facts.list`: current facts by default; `asOf` the facts valid at that time;
 * `includeHistory` every version (not with `asOf`).
 *
 * @example
 * parse(listFactsSchema, { scope: { user: 'alice' }, category: 'preference' });
 */
export const listFactsSchema = z.strictObject({
  scope: scopeSchema,
  kind: z.enum(factKinds).optional(),
  category: shortText.optional(),
  subject: shortText.optional(),
  tag: shortText.min(1).optional(),
  asOf: storableDate.optional(),
  includeHistory: z.boolean().default(false),
  limit: z.number().int('must be a whole number').min(1).max(1000, 'must be at most 1000').default(50),
  cursor: z.string().min(1, 'must not be empty').max(1000).optional(),
});

/**
 * Input of `facts.list`.
 *
 * @example
 * const input: ListFactsInput = { subject: 'alice.city', asOf: '2026-01-01T00:00:00Z' };
 */
export type ListFactsInput = z.input<typeof listFactsSchema>;

/**
 * A fact (semantic) or rule (procedural), one version of it. Scope parts not set are ''.
 *
 * @example
 * const f: Fact = await mem.facts.assert({ content: 'Alice lives in Lyon' }); f.current; // => true
 */
export interface Fact {
  id: string;
  tenant: string;
  user: string;
  agent: string;
  session: string;
  kind: FactKind;
  category: string;
  subject: string;
  content: string;
  confidence: number;
  source: string;
  sourceEpisodeIds: string[];
  tags: string[];
  metadata: Record<string, unknown>;
  validFrom: Date;
  /** When it stopped being true (superseded or invalidated); null while current. */
  validTo: Date | null;
  /** The fact that replaced this one, if any. */
  supersededBy: string | null;
  createdAt: Date;
  createdBy: string;
  /** Neither superseded nor invalidated. */
  current: boolean;
}
