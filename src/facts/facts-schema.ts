import { z } from 'zod';
import { memoryContent, metadataSchema, shortText, storableDate } from '../episodes/episodes-schema.js';
import { dateOut, idOut, jsonObjectOut, pageOut, scopeOut } from '../records.js';
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
  kind: z
    .enum(factKinds)
    .optional()
    .describe(
      'semantic (something true about the world or the user) or procedural (a rule or how-to learned); default semantic',
    ),
  category: shortText
    .min(1, 'must not be empty')
    .optional()
    .describe('fact, preference, goal, struggle, directive, ... (default fact)'),
  subject: shortText
    .optional()
    .describe('what or who it is about, e.g. "alice" or "deploys"; facts on the same subject can conflict'),
  content: memoryContent.describe(
    'the fact, one self-contained statement, e.g. "Alice prefers PostgreSQL over MySQL"',
  ),
  confidence: z
    .number()
    .min(0, 'must be 0 to 1')
    .max(1, 'must be 0 to 1')
    .default(1)
    .describe('0 to 1, how sure (default 1)'),
  source: shortText.optional().describe('where it comes from, e.g. "user said", "docs", "inferred"'),
  sourceEpisodeIds: z
    .array(uuid)
    .max(LIMITS.batch)
    .optional()
    .describe('ids of the episodes it was learned from'),
  tags: tags.optional().describe('short labels to filter by later, e.g. ["billing", "bug"]'),
  metadata: metadataSchema.optional().describe('any JSON object of extra fields to keep with it'),
  validFrom: storableDate.optional().describe('since when it is true (default: now), ISO 8601'),
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
  id: uuid.describe('the current fact to replace (a uuid, as returned by an earlier call)'),
  fact: z.strictObject(factFields).describe('the new version'),
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
  id: uuid.describe('the fact that stopped being true'),
  reason: z.string().max(LIMITS.contentChars).optional().describe('why it is no longer true'),
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
  kind: z.enum(factKinds).optional().describe('only semantic or only procedural'),
  category: shortText.optional().describe('only this category, e.g. preference'),
  subject: shortText.optional().describe('only facts about this subject'),
  tag: shortText.min(1).optional().describe('only facts with this tag'),
  asOf: storableDate.optional().describe('the facts that were valid at this moment, ISO 8601'),
  includeHistory: z.boolean().default(false).describe('also superseded and invalidated versions'),
  limit: z
    .number()
    .int('must be a whole number')
    .min(1)
    .max(1000, 'must be at most 1000')
    .default(50)
    .describe('how many to return (default 50, at most 1000)'),
  cursor: z
    .string()
    .min(1, 'must not be empty')
    .max(1000)
    .optional()
    .describe('nextCursor of the previous page, to get the next one'),
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
 * The one declaration of the record: its type, its JSON form (dates as ISO strings) and
 * the remote client's decoding all come from it.
 *
 * @example
 * const f: Fact = await mem.facts.assert({ content: 'Alice lives in Lyon' }); f.current; // => true
 */
export const factSchema = z
  .object({
    id: idOut,
    ...scopeOut,
    session: z.string(),
    kind: z.enum(factKinds),
    category: z.string(),
    subject: z.string(),
    content: z.string(),
    confidence: z.number(),
    source: z.string(),
    sourceEpisodeIds: z.array(idOut),
    tags: z.array(z.string()),
    metadata: jsonObjectOut,
    validFrom: dateOut,
    /** When it stopped being true (superseded or invalidated); null while current. */
    validTo: dateOut.nullable(),
    /** The fact that replaced this one, if any. */
    supersededBy: idOut.nullable(),
    createdAt: dateOut,
    createdBy: z.string(),
    /** Neither superseded nor invalidated. */
    current: z.boolean(),
  })
  .meta({ id: 'Fact' });

/**
 * A fact (semantic) or rule (procedural), one version of it.
 *
 * @example
 * const f: Fact = await mem.facts.assert({ content: 'Alice lives in Lyon' });
 */
export type Fact = z.output<typeof factSchema>;

/**
 * A page of facts (`facts.list`).
 *
 * @example
 * const page: z.output<typeof factPageSchema> = await mem.facts.list({});
 */
export const factPageSchema = pageOut(factSchema);
