/**
 * Schemas and types of reconciliation: the model's decision about one candidate
 * against the similar facts already stored.
 */
import { z } from 'zod';

/**
 * The actions reconciliation can take on a candidate.
 *
 * @example
 * RECONCILE_ACTIONS.includes('SUPERSEDE') // => true
 */
export const RECONCILE_ACTIONS = ['ADD', 'SUPERSEDE', 'INVALIDATE', 'NONE'] as const;

/**
 * An action of reconciliation.
 *
 * @example
 * const a: ReconcileAction = 'NONE';
 */
export type ReconcileAction = (typeof RECONCILE_ACTIONS)[number];

/**
 * The schema of the decision for `existing` stored facts: `target` must be the number of
 * one of them for SUPERSEDE and INVALIDATE (null otherwise), so a decision naming a fact
 * that was never shown fails validation and the client asks again.
 *
 * @example
 * decisionSchema(2).safeParse({ action: 'SUPERSEDE', target: 5, reason: 'moved' }).success // => false
 */
export function decisionSchema(existing: number) {
  return z
    .object({
      action: z.enum(RECONCILE_ACTIONS),
      target: z
        .number()
        .int()
        .min(0)
        .max(Math.max(0, existing - 1), `must be the number of a stored fact shown, 0 to ${existing - 1}`)
        .nullable(),
      reason: z.string().max(1000),
    })
    .strict()
    .refine((d) => (d.action === 'SUPERSEDE' || d.action === 'INVALIDATE') === (d.target !== null), {
      message: 'target must be a stored fact number for SUPERSEDE and INVALIDATE, and null for ADD and NONE',
      path: ['target'],
    });
}

/**
 * A reconciliation decision.
 *
 * @example
 * const d: ReconcileDecision = { action: 'SUPERSEDE', target: 0, reason: 'the user moved' };
 */
export type ReconcileDecision = z.output<ReturnType<typeof decisionSchema>>;

/**
 * What happened to one candidate: the action applied, and the facts involved.
 *
 * @example
 * const o: ReconcileOutcome = { action: 'ADD', factId: f.id, targetId: null, reason: 'no similar fact' };
 */
export interface ReconcileOutcome {
  action: ReconcileAction;
  /** The fact written (ADD, SUPERSEDE), else null. */
  factId: string | null;
  /** The stored fact replaced, invalidated or already holding the candidate, else null. */
  targetId: string | null;
  reason: string;
  /** HTTP requests sent to the model for this decision (0: cache hit or no question asked). */
  llmRequests: number;
}
