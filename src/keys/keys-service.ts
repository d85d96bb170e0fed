import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { InvalidInputError, MnemoError, NotFoundError } from '../errors.js';
import { parse } from '../validation.js';
import {
  type ApiKeyRecord,
  type CreatedKey,
  type CreateKeyInput,
  createKeySchema,
  DEFAULT_KEY_SCOPES,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  type KeyIdInput,
  type KeyScope,
  keyIdSchema,
  type ListKeysInput,
  listKeysSchema,
  setEnabledSchema,
} from './keys-schema.js';

/** How often `last_used_at` is written for one key, at most. */
const LAST_USED_EVERY_MS = 60_000;

const KEY_FORMAT = /^mnemo_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

/**
 * API keys of the HTTP server: created and shown once, stored only as a sha256
 * hash, verified in constant time.
 *
 * @example
 * const keys = createKeys({ db: mem.db, clock: systemClock });
 * const { key } = await keys.create({ tenant: 'acme', scopes: ['read'] });
 * const record = await keys.verify(key); // record.tenant === 'acme'
 */
export interface Keys {
  /** Creates a key; the raw key is in the result and nowhere else, ever. */
  create(input: CreateKeyInput): Promise<CreatedKey>;
  /** Keys of one tenant (or all), newest first; never the key itself. */
  list(input?: ListKeysInput): Promise<ApiKeyRecord[]>;
  /** Revokes a key for good (not_found if it does not exist or belongs to another tenant). */
  revoke(input: KeyIdInput): Promise<ApiKeyRecord>;
  /** Disables or re-enables a key without revoking it. */
  setEnabled(input: KeyIdInput & { enabled: boolean }): Promise<ApiKeyRecord>;
  /** The record of a usable key, or `unauthorized` saying why it is not usable. */
  verify(rawKey: string): Promise<ApiKeyRecord>;
  /** How many keys the store holds at all (revoked ones included): 0 allows open loopback mode. */
  count(): Promise<number>;
  /**
   * Tenants other than `tenant` that hold memory (brain, episodes, facts, decisions,
   * sessions, tasks), with their row counts, most rows first: a key of `tenant` sees none of it.
   */
  otherTenants(tenant: string): Promise<{ tenant: string; rows: number }[]>;
}

/** The tables whose rows a key's tenant decides the visibility of. */
const MEMORY_TABLES = ['brain', 'episodes', 'facts', 'decisions', 'sessions', 'tasks'] as const;

/**
 * sha256 of a raw key, hex: the only form in which a key is stored.
 *
 * @example
 * hashKey('mnemo_3f9a1c0b_...') // => 64 hex characters
 */
export function hashKey(rawKey: string): string {
  return createHash('sha256').update(rawKey, 'utf8').digest('hex');
}

type Row = {
  id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  scopes: string[];
  tier: string;
  rate_limit_per_minute: number;
  monthly_quota: number | null;
  enabled: boolean;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  revoked_at: Date | null;
  default_user: string;
  default_agent: string;
  pinned: boolean;
};

const COLUMNS = `id, tenant_id, name, key_prefix, key_hash, scopes, tier, rate_limit_per_minute,
  monthly_quota, enabled, expires_at, last_used_at, created_at, revoked_at, default_user, default_agent, pinned`;

function toRecord(r: Row): ApiKeyRecord {
  return {
    id: r.id,
    tenant: r.tenant_id,
    name: r.name,
    prefix: r.key_prefix,
    scopes: r.scopes as KeyScope[],
    tier: r.tier,
    rateLimitPerMinute: r.rate_limit_per_minute,
    monthlyQuota: r.monthly_quota,
    enabled: r.enabled,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    user: r.default_user,
    agent: r.default_agent,
    pinned: r.pinned,
  };
}

function unauthorized(message: string): MnemoError {
  return new MnemoError('unauthorized', message);
}

/**
 * Builds the API key service on a store.
 *
 * @example
 * const keys = createKeys({ db, clock: systemClock });
 * const { key, record } = await keys.create({ tenant: 'acme', name: 'ci', scopes: ['read', 'write'] });
 */
export function createKeys(deps: { db: Db; clock: Clock }): Keys {
  const { db, clock } = deps;
  const lastUsedWritten = new Map<string, number>();

  async function byId(id: string, tenant: string | undefined): Promise<Row> {
    const { rows } = await db.query<Row>(
      `select ${COLUMNS} from api_keys where id = $1 and ($2::text is null or tenant_id = $2)`,
      [id, tenant ?? null],
    );
    if (!rows[0]) throw new NotFoundError(`no API key with id ${id}`, 'id');
    return rows[0];
  }

  return {
    async create(raw) {
      const input = parse(createKeySchema, raw, 'key');
      const now = clock.now();
      if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
        throw new InvalidInputError('"expiresAt": must be in the future', 'expiresAt');
      if (input.pinned && !input.user && !input.agent)
        throw new InvalidInputError(
          '"pinned": pins the key\'s user and agent, and this key has neither: give user or agent (or both)',
          'pinned',
        );
      const prefix = `mnemo_${randomBytes(4).toString('hex')}`;
      const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
      const { rows } = await db.query<Row>(
        `insert into api_keys (tenant_id, name, key_hash, key_prefix, scopes, tier, rate_limit_per_minute,
           monthly_quota, expires_at, created_at, default_user, default_agent, pinned)
         values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11, $12, $13)
         returning ${COLUMNS}`,
        [
          input.tenant,
          input.name ?? '',
          hashKey(key),
          prefix,
          `{${(input.scopes ?? DEFAULT_KEY_SCOPES).join(',')}}`,
          input.tier ?? 'standard',
          input.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
          input.monthlyQuota ?? null,
          input.expiresAt ?? null,
          now,
          input.user ?? '',
          input.agent ?? '',
          input.pinned ?? false,
        ],
      );
      return { key, record: toRecord(rows[0]) };
    },

    async list(raw) {
      const input = parse(listKeysSchema, raw ?? {}, 'filter');
      const { rows } = await db.query<Row>(
        `select ${COLUMNS} from api_keys where ($1::text is null or tenant_id = $1)
         order by created_at desc, id`,
        [input.tenant ?? null],
      );
      return rows.map(toRecord);
    },

    async revoke(raw) {
      const input = parse(keyIdSchema, raw, 'key');
      const row = await byId(input.id, input.tenant);
      if (row.revoked_at) return toRecord(row);
      const { rows } = await db.query<Row>(
        `update api_keys set revoked_at = $2 where id = $1 returning ${COLUMNS}`,
        [input.id, clock.now()],
      );
      return toRecord(rows[0]);
    },

    async setEnabled(raw) {
      const input = parse(setEnabledSchema, raw, 'key');
      await byId(input.id, input.tenant);
      const { rows } = await db.query<Row>(
        `update api_keys set enabled = $2 where id = $1 returning ${COLUMNS}`,
        [input.id, input.enabled],
      );
      return toRecord(rows[0]);
    },

    async verify(rawKey) {
      if (typeof rawKey !== 'string' || rawKey === '')
        throw unauthorized(
          'no API key: send "Authorization: Bearer <key>" (create one with `mnemo keys create`)',
        );
      if (!KEY_FORMAT.test(rawKey))
        throw unauthorized(
          'this is not a mnemo API key (they look like mnemo_xxxxxxxx_...): check what you sent',
        );
      const hash = hashKey(rawKey);
      const { rows } = await db.query<Row>(`select ${COLUMNS} from api_keys where key_hash = $1`, [hash]);
      const row = rows[0];
      // The lookup uses the hash index; the compare that decides is constant-time anyway.
      if (!row || !timingSafeEqual(Buffer.from(row.key_hash, 'hex'), Buffer.from(hash, 'hex')))
        throw unauthorized(
          'unknown API key: it was never issued by this store (check for a typo or another server)',
        );
      if (row.revoked_at)
        throw unauthorized(
          `API key ${row.key_prefix} was revoked on ${row.revoked_at.toISOString()}: use another key`,
        );
      if (!row.enabled)
        throw unauthorized(`API key ${row.key_prefix} is disabled: ask an administrator to enable it`);
      const now = clock.now();
      if (row.expires_at && row.expires_at.getTime() <= now.getTime())
        throw unauthorized(
          `API key ${row.key_prefix} expired on ${row.expires_at.toISOString()}: create a new one`,
        );
      const last = lastUsedWritten.get(row.id) ?? row.last_used_at?.getTime() ?? 0;
      if (now.getTime() - last >= LAST_USED_EVERY_MS) {
        lastUsedWritten.set(row.id, now.getTime());
        await db.query('update api_keys set last_used_at = $2 where id = $1', [row.id, now]);
        row.last_used_at = now;
      }
      return toRecord(row);
    },

    async count() {
      const { rows } = await db.query<{ n: number }>('select count(*)::int as n from api_keys');
      return rows[0].n;
    },

    async otherTenants(tenant) {
      // Every index of these tables leads with tenant_id: the counts are index scans.
      const parts = MEMORY_TABLES.map((t) => `select tenant_id from ${t} where tenant_id <> $1`);
      const { rows } = await db.query<{ tenant: string; rows: number }>(
        `select tenant_id as tenant, count(*)::int as rows from (${parts.join(' union all ')}) t
         group by tenant_id order by count(*) desc, tenant_id`,
        [tenant],
      );
      return rows;
    },
  };
}
