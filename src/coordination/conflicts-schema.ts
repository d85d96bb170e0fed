import { z } from 'zod';
import { scopeSchema } from '../scope.js';
import { LIMITS, uuid } from '../validation.js';

/**
 * One of the contradicting facts, with its provenance.
 *
 * @example
 * const f: ConflictFact = conflict.facts[0]; console.log(f.createdBy, f.source, f.content);
 */
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

/**
 * What the detector needs of a just-asserted fact (a `Fact` fits).
 *
 * @example
 * const fact: AssertedFact = { id, tenant: 'default', user: '', subject: 'db.port', category: 'fact', content: '5432' };
 */
export interface AssertedFact {
  id: string;
  tenant: string;
  user: string;
  subject: string;
  category: string;
  content: string;
}

/**
 * Input of `conflicts.list`: newest first. `scope.user`, when set, narrows to that user.
 *
 * @example
 * parse(listConflictsSchema, { status: 'open', subject: 'db.port' });
 */
export const listConflictsSchema = z
  .object({
    scope: scopeSchema,
    status: z.enum(['open', 'resolved']).optional(),
    subject: z.string().min(1).max(LIMITS.shortText).optional(),
    limit: z.number().int('must be a whole number').min(1).max(1000).optional(),
  })
  .strict();

/**
 * Input of `conflicts.resolve`: keep one fact (the others are superseded by it) or `both`.
 *
 * @example
 * parse(resolveConflictSchema, { id, keep: 'both', by: 'supervisor' });
 */
export const resolveConflictSchema = z
  .object({
    scope: scopeSchema,
    id: uuid,
    keep: z.union([z.literal('both'), uuid], { message: 'must be the id of one of the facts, or "both"' }),
    by: z.string().min(1).max(LIMITS.shortText).optional(),
  })
  .strict();

/** @example const input: ListConflictsInput = { status: 'open' }; */
export type ListConflictsInput = z.input<typeof listConflictsSchema>;
/** @example const input: ResolveConflictInput = { id, keep: factId }; */
export type ResolveConflictInput = z.input<typeof resolveConflictSchema>;
