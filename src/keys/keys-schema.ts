import { z } from 'zod';
import { datePlainOut, idOut } from '../records.js';
import { scopeSchema } from '../scope.js';
import { dateInput, LIMITS, uuid } from '../validation.js';

/**
 * What a key may do: `read` (GET), `write` (changes), `admin` (keys and administration; implies read and write).
 *
 * @example
 * KEY_SCOPES.includes('admin') // => true
 */
export const KEY_SCOPES = ['read', 'write', 'admin'] as const;

/**
 * One permission of an API key.
 *
 * @example
 * const s: KeyScope = 'read';
 */
export type KeyScope = (typeof KEY_SCOPES)[number];

/**
 * Scopes a new key gets when none are named.
 *
 * @example
 * DEFAULT_KEY_SCOPES // => ['read', 'write']
 */
export const DEFAULT_KEY_SCOPES: KeyScope[] = ['read', 'write'];

/**
 * Requests per minute a new key gets when none is named.
 *
 * @example
 * DEFAULT_RATE_LIMIT_PER_MINUTE // => 600
 */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const tenant = scopeSchema.unwrap().shape.tenant.unwrap();

/**
 * Input of `keys.create`.
 *
 * @example
 * parse(createKeySchema, { tenant: 'acme', scopes: ['read'] });
 */
export const createKeySchema = z
  .object({
    tenant,
    name: z.string().max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`).optional(),
    scopes: z
      .array(z.enum(KEY_SCOPES, { message: 'must be read, write or admin' }))
      .min(1, 'must name at least one of read, write, admin')
      .refine((s) => new Set(s).size === s.length, 'must not repeat a scope')
      .optional(),
    tier: z
      .string()
      .min(1, 'must not be empty')
      .max(64, 'must be at most 64 characters')
      .regex(/^[a-z0-9_-]+$/i, 'must be letters, digits, "-" or "_"')
      .optional(),
    rateLimitPerMinute: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(1_000_000, 'must be at most 1000000')
      .optional(),
    monthlyQuota: z
      .number()
      .int('must be a whole number')
      .min(1, 'must be at least 1 (omit it or pass null for no quota)')
      .nullable()
      .optional(),
    expiresAt: dateInput.nullable().optional(),
    user: z.string().max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`).optional(),
    agent: z.string().max(LIMITS.shortText, `must be at most ${LIMITS.shortText} characters`).optional(),
    pinned: z.boolean().optional(),
  })
  .strict();

/**
 * Input of `keys.create`, as a caller writes it.
 *
 * @example
 * const input: CreateKeyInput = { tenant: 'acme', monthlyQuota: 10_000 };
 */
export type CreateKeyInput = z.input<typeof createKeySchema>;

/**
 * Input of `keys.list`.
 *
 * @example
 * parse(listKeysSchema, { tenant: 'acme' });
 */
export const listKeysSchema = z.object({ tenant: tenant.optional() }).strict().default({});

/**
 * Input of `keys.list`, as a caller writes it.
 *
 * @example
 * const filter: ListKeysInput = { tenant: 'acme' };
 */
export type ListKeysInput = z.input<typeof listKeysSchema>;

/**
 * Input of `keys.revoke` and `keys.setEnabled`: a key id, optionally restricted to one tenant.
 *
 * @example
 * parse(keyIdSchema, { id: record.id, tenant: 'acme' });
 */
export const keyIdSchema = z.object({ id: uuid, tenant: tenant.optional() }).strict();

/**
 * Input of `keys.revoke`, as a caller writes it.
 *
 * @example
 * await keys.revoke({ id: record.id } satisfies KeyIdInput);
 */
export type KeyIdInput = z.input<typeof keyIdSchema>;

/**
 * Input of `keys.setEnabled`.
 *
 * @example
 * parse(setEnabledSchema, { id: record.id, enabled: false });
 */
export const setEnabledSchema = keyIdSchema.extend({ enabled: z.boolean() }).strict();

/**
 * An API key as stored (never the key itself: only its sha256 is kept).
 *
 * @example
 * const { record } = await keys.create({ tenant: 'acme' });
 * record.prefix // => 'mnemo_3f9a1c0b'
 */
export const apiKeyRecordSchema = z
  .object({
    id: idOut,
    tenant: z.string(),
    name: z.string(),
    /** The first characters of the key (`mnemo_xxxxxxxx`), to tell keys apart. */
    prefix: z.string().meta({ example: 'mnemo_3f9a1c0b' }),
    scopes: z.array(z.enum(KEY_SCOPES)),
    tier: z.string(),
    rateLimitPerMinute: z.number().int(),
    /** Requests per calendar month (UTC); null = unlimited. */
    monthlyQuota: z.number().int().nullable(),
    enabled: z.boolean(),
    expiresAt: datePlainOut.nullable(),
    lastUsedAt: datePlainOut.nullable(),
    createdAt: datePlainOut,
    revokedAt: datePlainOut.nullable(),
    /** The user its calls default to ('' = none): MCP over HTTP uses it as the scope's user. */
    user: z.string().describe("the user its calls default to ('' = none); MCP uses it"),
    /** The agent its calls default to ('' = none). */
    agent: z.string().describe("the agent its calls default to ('' = none)"),
    /** True: a call naming another user or agent than the key's is refused (`forbidden`). */
    pinned: z.boolean().describe('calls naming another user or agent are refused'),
  })
  .meta({ id: 'ApiKey' });

/**
 * An API key as stored (never the key itself).
 *
 * @example
 * const r: ApiKeyRecord = (await keys.list({ tenant: 'acme' }))[0];
 */
export type ApiKeyRecord = z.output<typeof apiKeyRecordSchema>;

/**
 * A freshly created key: `key` is shown this once and never stored.
 *
 * @example
 * const { key, record }: CreatedKey = await keys.create({ tenant: 'acme' });
 */
export interface CreatedKey {
  key: string;
  record: ApiKeyRecord;
}
