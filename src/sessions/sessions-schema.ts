import { z } from 'zod';
import { safeText, storableObject } from '../brain/brain-json.js';
import { dateOut, jsonObjectOut, scopeOut } from '../records.js';
import { scopeMatchSchema, scopeSchema } from '../scope.js';
import { LIMITS } from '../validation.js';

/**
 * A session id: any text of 1 to 256 characters without control characters
 * (`run-42`, a uuid, a chat thread id).
 *
 * @example
 * sessionId.parse('run-42');
 */
export const sessionId = safeText(LIMITS.shortText)
  .min(1, 'must not be empty')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters');

/**
 * Input of `sessions.start`. Without `id`, the scope's session is used, else a new uuid.
 *
 * @example
 * parse(sessionStartSchema, { scope: { user: 'alice' }, metadata: { channel: 'slack' } });
 */
export const sessionStartSchema = z.strictObject({
  scope: scopeSchema,
  id: sessionId.optional(),
  metadata: storableObject.optional(),
});

/** Input of `sessions.end`. @example parse(sessionEndSchema, { id: 'run-42', summary: 'fixed the build' }) */
export const sessionEndSchema = z.strictObject({
  scope: scopeSchema,
  id: sessionId,
  summary: safeText(LIMITS.contentChars).optional(),
});

/** Input of `sessions.get`. @example parse(sessionGetSchema, { id: 'run-42' }) */
export const sessionGetSchema = z.strictObject({ scope: scopeSchema, id: sessionId });

/**
 * Input of `sessions.list`: `active: true` = not ended, `false` = ended, omitted = both.
 *
 * @example
 * parse(sessionListSchema, { active: true, limit: 20 });
 */
export const sessionListSchema = z.strictObject({
  scope: scopeSchema,
  active: z.boolean({ error: 'must be true or false' }).optional(),
  limit: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(1000).optional(),
  scopeMatch: scopeMatchSchema.optional(),
});

/**
 * Input types, as callers write them.
 *
 * @example
 * const input: SessionStartInput = { scope: { user: 'alice' }, id: 'run-42' };
 */
export type SessionStartInput = z.input<typeof sessionStartSchema>;
export type SessionEndInput = z.input<typeof sessionEndSchema>;
export type SessionGetInput = z.input<typeof sessionGetSchema>;
export type SessionListInput = z.input<typeof sessionListSchema>;

/**
 * One working session of an agent with a user. Episodes point at it through their
 * `session_id`. The one declaration of the record: its type, its JSON form (dates as ISO
 * strings) and the remote client's decoding all come from it.
 *
 * @example
 * const s: Session = await mem.sessions.start({ scope: { user: 'alice' } });
 */
export const sessionSchema = z
  .object({
    id: z.string(),
    ...scopeOut,
    startedAt: dateOut,
    /** null while the session is active. */
    endedAt: dateOut.nullable(),
    summary: z.string().nullable(),
    metadata: jsonObjectOut,
  })
  .meta({ id: 'Session' });

/**
 * One working session of an agent with a user.
 *
 * @example
 * const s: Session = await mem.sessions.start({ scope: { user: 'alice' } });
 */
export type Session = z.output<typeof sessionSchema>;

/**
 * Sessions: start, end (with a summary), get and list.
 *
 * @example
 * const s = await mem.sessions.start({ scope: { user: 'alice', agent: 'coder' } });
 * await mem.sessions.end({ scope: { user: 'alice', agent: 'coder' }, id: s.id, summary: 'shipped v2' });
 */
export interface Sessions {
  /** Starts a session; ConflictError when the id is already taken in the tenant. */
  start(input?: SessionStartInput): Promise<Session>;
  /** Ends an active session; NotFoundError for an unknown id, ConflictError when already ended. */
  end(input: SessionEndInput): Promise<Session>;
  /** The session, or null. */
  get(input: SessionGetInput): Promise<Session | null>;
  /** Sessions of the scope, most recently started first. */
  list(input?: SessionListInput): Promise<Session[]>;
}
