/**
 * Input schemas and public types of `ingest`: a conversation stored as episodes at
 * once, with fact extraction queued in the background.
 */
import { z } from 'zod';
import { episodeSchema, memoryContent, shortText, storableDate } from '../episodes/episodes-schema.js';
import { scopeSchema } from '../scope.js';
import { LIMITS } from '../validation.js';

/**
 * Roles a conversation turn may have (events are published with `observations.observe`).
 *
 * @example
 * INGEST_ROLES.includes('assistant') // => true
 */
export const INGEST_ROLES = ['user', 'assistant', 'system', 'tool'] as const;

/**
 * One conversation turn: who spoke, what was said, optionally the speaker's name and when.
 *
 * @example
 * parse(ingestMessageSchema, { role: 'user', content: 'I moved to Lyon.', name: 'Alice' });
 */
export const ingestMessageSchema = z.strictObject({
  role: z.enum(INGEST_ROLES, { error: `must be one of ${INGEST_ROLES.join(', ')}` }),
  content: memoryContent,
  name: shortText.min(1, 'must not be empty (omit it instead)').optional(),
  occurredAt: storableDate.optional(),
});

/**
 * A conversation turn given to `ingest`.
 *
 * @example
 * const m: IngestMessage = { role: 'assistant', content: 'Noted: Lyon.' };
 */
export type IngestMessage = z.input<typeof ingestMessageSchema>;

/**
 * Input of `ingest`. `session` overrides `scope.session`. `idempotencyKey` makes a retried
 * ingest return the episodes stored the first time instead of duplicates (each turn gets
 * the key `<idempotencyKey>:<index>`).
 *
 * @example
 * parse(ingestSchema, { scope: { user: 'alice' }, session: 's1', messages: [{ role: 'user', content: 'hi' }] });
 */
export const ingestSchema = z.strictObject({
  scope: scopeSchema,
  session: shortText.min(1, 'must not be empty (omit it to use scope.session)').optional(),
  messages: z
    .array(ingestMessageSchema, { error: 'must be an array of { role, content } messages' })
    .min(1, 'must hold at least one message')
    .max(LIMITS.batch, `at most ${LIMITS.batch} messages per call (see docs/limits.md)`),
  idempotencyKey: z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine((s) => !s.includes('\u0000'), 'must not contain the NUL character (U+0000)')
    .optional(),
});

/**
 * Input of `ingest`.
 *
 * @example
 * const input: IngestInput = { scope: { user: 'alice' }, messages: [{ role: 'user', content: 'I moved to Lyon.' }] };
 */
export type IngestInput = z.input<typeof ingestSchema>;

/**
 * What happened to extraction: queued as background tasks (`taskId` is the first of
 * `taskIds`; long conversations are split into several windows), or skipped.
 *
 * @example
 * if (r.extraction.status === 'queued') await mem.tasks.get({ id: r.extraction.taskId });
 */
export const ingestExtractionSchema = z.union([
  z.object({ status: z.literal('queued'), taskId: z.string(), taskIds: z.array(z.string()) }),
  z.object({ status: z.literal('skipped'), reason: z.string() }),
]);

/**
 * What happened to extraction (`reason` is 'no LLM configured' when skipped).
 *
 * @example
 * const x: IngestExtraction = { status: 'skipped', reason: 'no LLM configured' };
 */
export type IngestExtraction = z.output<typeof ingestExtractionSchema>;

/**
 * Result of `ingest`: the stored episodes, in message order, and the extraction status.
 *
 * @example
 * const { episodes, extraction } = await mem.ingest({ messages });
 */
export const ingestResultSchema = z.object({
  episodes: z.array(episodeSchema),
  extraction: ingestExtractionSchema,
});

/**
 * Result of `ingest`.
 *
 * @example
 * const r: IngestResult = await mem.ingest({ messages });
 */
export type IngestResult = z.output<typeof ingestResultSchema>;
