import { z } from 'zod';
import { LIMITS } from './validation.js';

/**
 * Who a memory belongs to. `tenant` is the isolation boundary (defaults to
 * `default`); `user`, `agent` and `session` narrow reads and label writes.
 *
 * @example
 * const scope: Scope = { user: 'alice', agent: 'planner' };
 */
export interface Scope {
  tenant?: string;
  user?: string;
  agent?: string;
  session?: string;
}

/** A scope with every part filled in ('' = not set). */
export interface ResolvedScope {
  tenant: string;
  user: string;
  agent: string;
  session: string;
}

const part = z
  .string()
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters');

/** Zod schema of a {@link Scope}; an omitted scope is the default tenant. */
export const scopeSchema = z
  .object({
    tenant: part.min(1, 'must not be empty').optional(),
    user: part.optional(),
    agent: part.optional(),
    session: part.optional(),
  })
  .strict()
  .default({});

/** Fills in defaults. */
export function resolveScope(s: z.output<typeof scopeSchema> | Scope | undefined): ResolvedScope {
  return {
    tenant: s?.tenant || 'default',
    user: s?.user ?? '',
    agent: s?.agent ?? '',
    session: s?.session ?? '',
  };
}

/**
 * How a list (`brain.list`, `sessions.list`, `decisions.list`) matches the scope:
 * `exact` (the default) lists the rows of exactly this user and agent ('' = unset
 * matches only unset rows); `given` filters by the parts set and spans the others,
 * as `facts.list` and `episodes.list` always do.
 *
 * @example
 * await mem.brain.list({ scope: { user: 'alice' }, scopeMatch: 'given' }); // alice's keys, every agent
 */
export const scopeMatchSchema = z.enum(['exact', 'given'], { error: 'must be exact or given' });
