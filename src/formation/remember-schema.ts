/**
 * Input schemas and public types of `remember`: what an agent explicitly decided to
 * keep, stored at once.
 */
import { z } from 'zod';
import type { Episode } from '../episodes/episodes-schema.js';
import {
  appendEpisodeSchema,
  memoryContent,
  metadataSchema,
  shortText,
} from '../episodes/episodes-schema.js';
import { assertFactSchema, type Fact, factKinds } from '../facts/facts-schema.js';
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
    text: memoryContent.optional(),
    subject: shortText.optional(),
    category: shortText.min(1, 'must not be empty').optional(),
    kind: z.enum(factKinds).optional(),
    confidence: z.number().min(0, 'must be 0 to 1').max(1, 'must be 0 to 1').optional(),
    tags: tags.optional(),
    metadata: metadataSchema.optional(),
    fact: assertFactSchema.omit({ scope: true }).optional(),
    episode: appendEpisodeSchema.omit({ scope: true }).optional(),
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

/**
 * What `remember` stored, with its kind.
 *
 * @example
 * const r: Remembered = await mem.remember({ text: 'the deploy key is rotated monthly' });
 * if (r.kind === 'fact') r.fact.current; // => true
 */
export type Remembered = { kind: 'fact'; fact: Fact } | { kind: 'episode'; episode: Episode };
