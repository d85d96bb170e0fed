import { z } from 'zod';
import { createRemoteHttp } from '../client/remote-http.js';
import { systemClock } from '../clock.js';
import { apiKeyRecordSchema, type CreatedKey } from '../keys/keys-schema.js';
import { createKeys, type Keys } from '../keys/keys-service.js';
import { withLocalMemory } from './common.js';
import { type Served, servedServer } from './served-folder.js';

/**
 * What `mnemo keys` does with keys, on the store or through a serving server.
 *
 * @example
 * const admin: KeyAdmin = createKeys({ db, clock: systemClock });
 */
export type KeyAdmin = Pick<Keys, 'list' | 'revoke' | 'setEnabled' | 'otherTenants'> & {
  create(input: Parameters<Keys['create']>[0]): Promise<CreatedKey & { otherTenants?: OtherTenant[] }>;
};

type OtherTenant = { tenant: string; rows: number };

/** The answer to a create: the key (shown once), its record, and for the owner the other tenants. */
const createdWire = z.object({
  key: z.string(),
  record: apiKeyRecordSchema,
  otherTenants: z.array(z.object({ tenant: z.string(), rows: z.number().int() })).optional(),
});

/**
 * Key administration through the `/v1/keys` routes of the server holding the folder,
 * with its local admin token: every tenant, and the owner may set a key's limits.
 *
 * @example
 * const admin = remoteKeys(served); await admin.list();
 */
export function remoteKeys(served: Pick<Served, 'url' | 'token'>): KeyAdmin {
  const http = createRemoteHttp({ url: served.url, apiKey: served.token });
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  // The server tells the owner's token which other tenants hold memory in its answer to a create.
  let others: OtherTenant[] = [];
  return {
    async create(input) {
      const created = z.decode(
        createdWire,
        await http.send({ method: 'POST', path: '/v1/keys', body: defined({ ...input }) }),
      );
      others = created.otherTenants ?? [];
      return created;
    },
    async otherTenants(tenant) {
      return others.filter((o) => o.tenant !== tenant);
    },
    async list(input) {
      const r = await http.send({ method: 'GET', path: '/v1/keys', query: { tenant: input?.tenant } });
      return z.decode(z.object({ keys: z.array(apiKeyRecordSchema) }), r as never).keys;
    },
    async revoke(input) {
      const r = await http.send({
        method: 'DELETE',
        path: `/v1/keys/${encodeURIComponent(input.id)}`,
        query: { tenant: input.tenant },
      });
      return z.decode(apiKeyRecordSchema, r as never);
    },
    async setEnabled(input) {
      const r = await http.send({
        method: 'PUT',
        path: `/v1/keys/${encodeURIComponent(input.id)}/enabled`,
        query: { tenant: input.tenant },
        body: { enabled: input.enabled },
      });
      return z.decode(apiKeyRecordSchema, r as never);
    },
  };
}

/**
 * Runs `fn` with key administration on the store named by the flags: through the HTTP
 * API of the `mnemo serve` holding its folder (so new keys work there at once), else on
 * the store itself.
 *
 * @example
 * await withKeys({ dataDir: './.mnemo' }, (keys) => keys.list());
 */
export async function withKeys<T>(
  f: { databaseUrl?: string; dataDir?: string },
  fn: (keys: KeyAdmin) => Promise<T>,
): Promise<T> {
  const served = await servedServer(f);
  if (served) return fn(remoteKeys(served));
  return withLocalMemory(f, (mem) => fn(createKeys({ db: mem.db, clock: systemClock })));
}
