/**
 * Input and output schemas of `context`: the block an agent injects at the start of a
 * turn (component `Context`), and its sections, declared once.
 */
import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { LIMITS } from '../validation.js';

/**
 * Input of `context`.
 *
 * @example
 * parse(contextSchema, { scope: { user: 'alice' }, query: 'plan the deploy', tokenBudget: 1500 });
 */
export const contextSchema = z
  .object({
    scope: scopeSchema,
    query: z
      .string()
      .trim()
      .max(LIMITS.contentChars)
      .optional()
      .describe('what the turn is about (the user message or the task)'),
    tokenBudget: z
      .number()
      .int()
      .min(50)
      .max(200_000)
      .default(2000)
      .describe('largest size of the block in tokens (default 2000)'),
  })
  .strict();

/**
 * Input of `context`.
 *
 * @example
 * const input: ContextInput = { query: 'plan the deploy', tokenBudget: 1500 };
 */
export type ContextInput = z.input<typeof contextSchema>;

/**
 * The sections of a context block, in the order they are filled.
 *
 * @example
 * CONTEXT_SECTIONS[0] // 'directives'
 */
export const CONTEXT_SECTIONS = ['directives', 'identity', 'facts', 'relevant', 'recent'] as const;

/**
 * A section of a context block.
 *
 * @example
 * const s: ContextSection = 'facts';
 */
export type ContextSection = (typeof CONTEXT_SECTIONS)[number];

/**
 * What `context` returns: the text to inject and the items it chose (component `Context`).
 *
 * @example
 * const { text, tokens, items } = await mem.context({ query: 'plan the deploy' });
 */
export const contextResultSchema = z
  .object({
    text: z.string(),
    tokens: z.number().int(),
    items: z.array(
      z.object({
        kind: z.string(),
        id: z.string(),
        section: z.enum(CONTEXT_SECTIONS),
        tokens: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Context' });

/**
 * What `context` returns.
 *
 * @example
 * const block: ContextResult = await mem.context({ query: 'plan the deploy' });
 */
export type ContextResult = z.output<typeof contextResultSchema>;
