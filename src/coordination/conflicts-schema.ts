import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { LIMITS, uuid } from '../validation.js';

/** One of the contradicting facts, with its provenance. */
export interface ConflictFact {
  id: string;
  content: string;
  source: string;
  createdBy: string;
  agent: string;
  confidence: number;
  createdAt: Date;
  validFrom: Date;
  /** Set once the fact was superseded (for instance by resolving the conflict). */
  validTo: Date | null;
  supersededBy: string | null;
}

/**
 * Current facts of one user that say different things about the same subject and
 * category. Both stay; a supervisor resolves it.
 *
 * @example
 * const [c] = await mem.conflicts.list({ status: 'open' });
 * console.log(c.subject, c.facts.map((f) => `${f.createdBy}: ${f.content}`));
 */
export interface Conflict {
  id: string;
  tenant: string;
  user: string;
  subject: string;
  category: string;
  facts: ConflictFact[];
  status: 'open' | 'resolved';
  /** `both` (all facts kept) or the id of the fact that was kept. */
  resolution: string | null;
  resolvedBy: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** What the detector needs of a just-asserted fact (a `Fact` fits). */
export interface AssertedFact {
  id: string;
  tenant: string;
  user: string;
  subject: string;
  category: string;
  content: string;
}

/** Input of `conflicts.list`: newest first. `scope.user`, when set, narrows to that user. */
export const listConflictsSchema = z
  .object({
    scope: scopeSchema,
    status: z.enum(['open', 'resolved']).optional(),
    subject: z.string().min(1).max(LIMITS.shortText).optional(),
    limit: z.number().int('must be a whole number').min(1).max(1000).optional(),
  })
  .strict();

/** Input of `conflicts.resolve`: keep one fact (the others are superseded by it) or `both`. */
export const resolveConflictSchema = z
  .object({
    scope: scopeSchema,
    id: uuid,
    keep: z.union([z.literal('both'), uuid], { message: 'must be the id of one of the facts, or "both"' }),
    by: z.string().min(1).max(LIMITS.shortText).optional(),
  })
  .strict();

export type ListConflictsInput = z.input<typeof listConflictsSchema>;
export type ResolveConflictInput = z.input<typeof resolveConflictSchema>;
