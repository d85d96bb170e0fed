import { z } from 'zod';
import { dateOut, idOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { LIMITS, uuid } from '../validation.js';

/**
 * The states of a conflict: `open` until a supervisor resolves it.
 *
 * @example
 * CONFLICT_STATUSES.includes('resolved') // => true
 */
export const CONFLICT_STATUSES = ['open', 'resolved'] as const;

/**
 * State of a conflict.
 *
 * @example
 * const status: ConflictStatus = 'open';
 */
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

/**
 * One of the contradicting facts, with its provenance.
 *
 * @example
 * const f: ConflictFact = conflict.facts[0]; console.log(f.createdBy, f.source, f.content);
 */
export const conflictFactSchema = z.object({
  id: idOut,
  content: z.string(),
  source: z.string(),
  createdBy: z.string(),
  agent: z.string(),
  confidence: z.number(),
  createdAt: dateOut,
  validFrom: dateOut,
  /** Set once the fact was superseded (for instance by resolving the conflict). */
  validTo: dateOut.nullable(),
  supersededBy: idOut.nullable(),
});

/**
 * One of the contradicting facts.
 *
 * @example
 * const f: ConflictFact = conflict.facts[0];
 */
export type ConflictFact = z.output<typeof conflictFactSchema>;

/**
 * Current facts of one user that say different things about the same subject and
 * category. Both stay; a supervisor resolves it.
 *
 * @example
 * const [c] = await mem.conflicts.list({ status: 'open' });
 * console.log(c.subject, c.facts.map((f) => `${f.createdBy}: ${f.content}`));
 */
export const conflictSchema = z
  .object({
    id: idOut,
    tenant: z.string(),
    user: z.string(),
    subject: z.string(),
    category: z.string(),
    facts: z.array(conflictFactSchema),
    status: z.enum(CONFLICT_STATUSES),
    /** `both` (all facts kept) or the id of the fact that was kept. */
    resolution: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    createdAt: dateOut,
    resolvedAt: dateOut.nullable(),
  })
  .meta({ id: 'Conflict' });

/**
 * A conflict between facts of different agents.
 *
 * @example
 * const [c]: Conflict[] = await mem.conflicts.list({ status: 'open' });
 */
export type Conflict = z.output<typeof conflictSchema>;

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
    status: z.enum(CONFLICT_STATUSES).optional().describe('only open or only resolved conflicts'),
    subject: z.string().min(1).max(LIMITS.shortText).optional().describe('only conflicts on this subject'),
    limit: z
      .number()
      .int('must be a whole number')
      .min(1)
      .max(1000)
      .optional()
      .describe('how many to return (default 100, at most 1000)'),
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
    id: uuid.describe('the conflict to resolve'),
    keep: z
      .union([z.literal('both'), uuid], { message: 'must be the id of one of the facts, or "both"' })
      .describe('the id of the fact to keep (the others are superseded by it), or "both"'),
    by: z
      .string()
      .min(1)
      .max(LIMITS.shortText)
      .optional()
      .describe('who resolves it (default: the scope agent)'),
  })
  .strict();

/**
 * Input of `conflicts.get`.
 *
 * @example
 * parse(conflictIdSchema, { id });
 */
export const conflictIdSchema = z.strictObject({ scope: scopeSchema, id: uuid });

/** @example const input: ConflictIdInput = { id }; */
export type ConflictIdInput = z.input<typeof conflictIdSchema>;
/** @example const input: ListConflictsInput = { status: 'open' }; */
export type ListConflictsInput = z.input<typeof listConflictsSchema>;
/** @example const input: ResolveConflictInput = { id, keep: factId }; */
export type ResolveConflictInput = z.input<typeof resolveConflictSchema>;
