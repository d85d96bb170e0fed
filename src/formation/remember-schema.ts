/**
 * Input schemas and public types of `remember`: what an agent explicitly decided to
 * keep, stored at once.
 */
import { z } from 'zod';
import {
  appendEpisodeSchema,
  episodeSchema,
  memoryContent,
  metadataSchema,
  shortText,
} from '../episodes/episodes-schema.js';
import { assertFactSchema, factKinds, factSchema } from '../facts/facts-schema.js';
import { scopeSchema } from '../scope.js';
import { tags } from '../validation.js';

/**
 * Input of `remember`: exactly one of `text` (stored as a current fact, category `fact`
 * unless given, source `remember`), `fact` (the fields of `facts.assert`) or `episode`
 * (the fields of `episodes.append`).
 *
 * @example
 * parse(rememberSchema, { scope: { user: 'alice' }, text: 'Alice is allergic to peanuts', subject: 'alice.allergy' });
 */
export const rememberSchema = z
  .strictObject({
    scope: scopeSchema,
    text: memoryContent.optional().describe('what to remember, one self-contained statement'),
    subject: shortText.optional().describe('what or who it is about, e.g. "alice.allergy"'),
    category: shortText
      .min(1, 'must not be empty')
      .optional()
      .describe('fact (default), preference, goal, struggle, directive, ...'),
    kind: z.enum(factKinds).optional().describe('semantic (default) or procedural (a rule, a how-to)'),
    confidence: z
      .number()
      .min(0, 'must be 0 to 1')
      .max(1, 'must be 0 to 1')
      .optional()
      .describe('0-1 (default 1)'),
    tags: tags.optional().describe('labels to filter by'),
    metadata: metadataSchema.optional().describe('extra JSON fields'),
    fact: assertFactSchema
      .omit({ scope: true })
      .optional()
      .describe('instead of text: the fields of facts.assert'),
    episode: appendEpisodeSchema
      .omit({ scope: true })
      .optional()
      .describe('instead of text: the fields of episodes.append'),
  })
  .superRefine((v, ctx) => {
    const given = (['text', 'fact', 'episode'] as const).filter((k) => v[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: [given[1] ?? 'text'],
        message:
          given.length === 0
            ? 'give what to remember: text (a fact in plain words), fact ({ content, ... }) or episode ({ content, ... })'
            : `give only one of text, fact or episode (got ${given.join(' and ')})`,
      });
    if (v.text === undefined) {
      const extra = (['subject', 'category', 'kind', 'confidence', 'tags', 'metadata'] as const).find(
        (k) => v[k] !== undefined,
      );
      if (extra)
        ctx.addIssue({
          code: 'custom',
          path: [extra],
          message: `goes with text only; put it inside ${v.fact ? 'fact' : 'episode'} instead`,
        });
    }
  });

/**
 * Input of `remember`.
 *
 * @example
 * const input: RememberInput = { scope: { user: 'alice' }, text: 'prefers answers in French', category: 'preference' };
 */
export type RememberInput = z.input<typeof rememberSchema>;

export { episodeSchema } from '../episodes/episodes-schema.js';

/**
 * What `remember` stored, with its kind.
 *
 * @example
 * const r: Remembered = await mem.remember({ text: 'the deploy key is rotated monthly' });
 * if (r.kind === 'fact') r.fact.current; // => true
 */
export const rememberedSchema = z.union([
  z.object({ kind: z.literal('fact'), fact: factSchema }),
  z.object({ kind: z.literal('episode'), episode: episodeSchema }),
]);

/**
 * What `remember` stored, with its kind.
 *
 * @example
 * const r: Remembered = await mem.remember({ text: 'the deploy key is rotated monthly' });
 */
export type Remembered = z.output<typeof rememberedSchema>;
