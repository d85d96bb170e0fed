import { z } from 'zod';
import { dateOut, idOut, jsonObjectOut, pageOut, scopeOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { dateInput, importance, jsonObject, LIMITS, tags, uuid } from '../validation.js';

/**
 * Roles of an episode: a conversation turn, or an `event` (observations of the coordination layer).
 *
 * @example
 * episodeRoles.includes('event') // => true
 */
export const episodeRoles = ['user', 'assistant', 'system', 'tool', 'event'] as const;

/**
 * Role of an episode.
 *
 * @example
 * const role: EpisodeRole = 'assistant';
 */
export type EpisodeRole = (typeof episodeRoles)[number];

// PostgreSQL text and jsonb cannot hold U+0000: refuse it up front instead of letting the driver fail.
const hasNoNul = (s: string): boolean => !s.includes('\u0000');

/**
 * Memory content: 1 to LIMITS.contentChars characters, no NUL character.
 *
 * @example
 * parse(memoryContent, 'deployed the API at 14:00');
 */
export const memoryContent = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.contentChars, `must be at most ${LIMITS.contentChars} characters (see docs/limits.md)`)
  .refine(hasNoNul, 'must not contain the NUL character (U+0000)');

/**
 * A short label (subject, category, event type, source, author): at most LIMITS.shortText characters.
 *
 * @example
 * parse(shortText, 'deploy');
 */
export const shortText = z
  .string()
  .max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`)
  .refine(hasNoNul, 'must not contain the NUL character (U+0000)');

/**
 * Metadata: a plain JSON object of at most LIMITS.jsonBytes bytes as JSON text.
 *
 * @example
 * parse(metadataSchema, { source: 'slack', thread: 'T42' });
 */
export const metadataSchema = jsonObject
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= LIMITS.jsonBytes, {
    message: `must be at most ${LIMITS.jsonBytes} bytes as JSON (see docs/limits.md)`,
  })
  .refine((v) => !JSON.stringify(v).includes('\\u0000'), {
    message: 'must not contain the NUL character (U+0000)',
  });

/**
 * A point in time PostgreSQL can store (years 1 to 9999).
 *
 * @example
 * parse(storableDate, '2026-05-08T13:56:00Z');
 */
export const storableDate = dateInput.refine((d) => {
  const y = d.getUTCFullYear();
  return y >= 1 && y <= 9999;
}, 'must be between the years 1 and 9999');

/** Tags without NUL characters. */
const tagList = tags.refine((t) => t.every(hasNoNul), 'tags must not contain U+0000');

/** The fields of one episode, shared by `append` and the items of `appendMany`. */
const episodeFields = {
  content: memoryContent.describe('what happened, in plain words (at most 100,000 characters)'),
  role: z
    .enum(episodeRoles)
    .default('user')
    .describe(
      'who said or did it: user, assistant, system, tool, or event (something that happened); default user',
    ),
  eventType: shortText.optional().describe('kind of event, e.g. "deploy" or "bug.found"'),
  subject: shortText.optional().describe('what it is about, e.g. "payments-api" or "alice"'),
  importance: importance
    .default(5)
    .describe('1 (trivia) to 10 (critical); default 5. Recall ranks important memories higher.'),
  tags: tagList.optional().describe('short labels to filter by later, e.g. ["billing", "bug"]'),
  metadata: metadataSchema.optional().describe('any JSON object of extra fields to keep with it'),
  occurredAt: storableDate.optional().describe('when it happened (default: now), ISO 8601'),
  idempotencyKey: shortText
    .min(1, 'must not be empty')
    .optional()
    .describe('a key unique to this episode: retrying with the same key stores it only once'),
};

/**
 * Input of `episodes.append`.
 *
 * @example
 * parse(appendEpisodeSchema, { scope: { user: 'alice' }, content: 'hello' });
 */
export const appendEpisodeSchema = z.strictObject({ scope: scopeSchema, ...episodeFields });

/**
 * Input of `episodes.append`.
 *
 * @example
 * const input: AppendEpisodeInput = { scope: { user: 'alice' }, content: 'hi', importance: 7 };
 */
export type AppendEpisodeInput = z.input<typeof appendEpisodeSchema>;

/**
 * Input of `episodes.appendMany`: up to LIMITS.batch episodes; each may override the session.
 *
 * @example
 * parse(appendManySchema, { scope: { user: 'alice' }, episodes: [{ content: 'a' }, { content: 'b' }] });
 */
export const appendManySchema = z.strictObject({
  scope: scopeSchema,
  episodes: z
    .array(z.strictObject({ ...episodeFields, session: shortText.optional() }))
    .min(1, 'must hold at least one episode')
    .max(LIMITS.batch, `at most ${LIMITS.batch} episodes per call (see docs/limits.md)`),
});

/**
 * Input of `episodes.appendMany`.
 *
 * @example
 * const input: AppendManyInput = { scope: { user: 'alice' }, episodes: [{ content: 'hi' }] };
 */
export type AppendManyInput = z.input<typeof appendManySchema>;

/**
 * Input of `episodes.get`.
 *
 * @example
 * parse(getEpisodeSchema, { id: '7f9c...' });
 */
export const getEpisodeSchema = z.strictObject({
  scope: scopeSchema,
  id: uuid.describe('the episode (a uuid, as returned by an earlier call)'),
});

/**
 * Input of `episodes.get`.
 *
 * @example
 * const input: GetEpisodeInput = { scope: { tenant: 'acme' }, id: episode.id };
 */
export type GetEpisodeInput = z.input<typeof getEpisodeSchema>;

/**
 * Input of `episodes.list`. `tag`: has this tag; `tags`: has all of these; `since` inclusive,
 * `until` exclusive; `session` overrides `scope.session`.
 *
 * @example
 * parse(listEpisodesSchema, { scope: { user: 'alice' }, role: 'user', limit: 20 });
 */
export const listEpisodesSchema = z.strictObject({
  scope: scopeSchema,
  session: shortText.optional().describe('only this session'),
  since: storableDate.optional().describe('from this time on (inclusive), ISO 8601'),
  until: storableDate.optional().describe('before this time, ISO 8601'),
  eventType: shortText.optional().describe('only this event type'),
  role: z.enum(episodeRoles).optional().describe('only this role'),
  tag: shortText.min(1).optional().describe('only episodes with this tag'),
  tags: tagList.optional().describe('only episodes carrying all of these tags'),
  minImportance: importance.optional().describe('only at least this important'),
  includeArchived: z.boolean().default(false).describe('also consolidated (archived) episodes'),
  limit: z
    .number()
    .int('must be a whole number')
    .min(1)
    .max(1000, 'must be at most 1000')
    .default(50)
    .describe('how many to return (default 50, at most 1000)'),
  cursor: z
    .string()
    .min(1, 'must not be empty')
    .max(1000)
    .optional()
    .describe('nextCursor of the previous page, to get the next one'),
});

/**
 * Input of `episodes.list`.
 *
 * @example
 * const input: ListEpisodesInput = { scope: { user: 'alice' }, since: '2026-05-01T00:00:00Z', limit: 20 };
 */
export type ListEpisodesInput = z.input<typeof listEpisodesSchema>;

/**
 * One entry of the episodic log. Scope parts not set are ''. The one declaration of the
 * record: its type, its JSON form (dates as ISO strings) and the remote client's decoding.
 *
 * @example
 * const e: Episode = await mem.episodes.append({ content: 'deployed v2' }); e.seq; e.embedded;
 */
export const episodeSchema = z
  .object({
    id: idOut,
    /** Global insertion order (a bigint identity); ties on `occurredAt` are broken by it. */
    seq: z.number().int(),
    ...scopeOut,
    session: z.string(),
    role: z.enum(episodeRoles),
    eventType: z.string(),
    subject: z.string(),
    content: z.string(),
    importance: z.number().int(),
    tags: z.array(z.string()),
    metadata: jsonObjectOut,
    occurredAt: dateOut,
    createdAt: dateOut,
    archivedAt: dateOut.nullable(),
    /** Whether the embedding has been computed yet (text search works either way). */
    embedded: z.boolean(),
  })
  .meta({ id: 'Episode' });

/**
 * One entry of the episodic log.
 *
 * @example
 * const e: Episode = await mem.episodes.append({ content: 'deployed v2' });
 */
export type Episode = z.output<typeof episodeSchema>;

/**
 * A page of episodes (`episodes.list`).
 *
 * @example
 * const page: z.output<typeof episodePageSchema> = await mem.episodes.list({});
 */
export const episodePageSchema = pageOut(episodeSchema);

/**
 * A page of results with an opaque cursor for the next page (null at the end).
 *
 * @example
 * let page: Page<Episode> = await mem.episodes.list({ limit: 10 });
 * while (page.nextCursor) page = await mem.episodes.list({ limit: 10, cursor: page.nextCursor });
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
