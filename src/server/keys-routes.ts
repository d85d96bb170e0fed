import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MnemoError } from '../errors.js';
import { apiKeyRecordSchema, createKeySchema } from '../keys/keys-schema.js';
import { uuid } from '../validation.js';
import { requireScope } from './auth-middleware.js';
import { commonErrorResponses, errorBodySchema } from './error-handler.js';
import type { AppEnv, RouteRegistrar } from './server-types.js';

const keyRecordSchema = apiKeyRecordSchema;

const createBody = createKeySchema
  .pick({
    name: true,
    scopes: true,
    expiresAt: true,
    user: true,
    agent: true,
    pinned: true,
    tier: true,
    rateLimitPerMinute: true,
    monthlyQuota: true,
  })
  .extend({
    tenant: z.string().optional().openapi({ description: "if given, must be the calling key's tenant" }),
  })
  .strict()
  .openapi('CreateApiKey');

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const admin = [requireScope('admin')];

const listRoute = createRoute({
  method: 'get',
  path: '/v1/keys',
  operationId: 'keysList',
  tags: ['keys'],
  summary: "List the tenant's API keys (never the keys themselves)",
  middleware: admin,
  responses: { 200: json(z.object({ keys: z.array(keyRecordSchema) }), 'the keys'), ...commonErrorResponses },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/v1/keys',
  operationId: 'keysCreate',
  tags: ['keys'],
  summary: "Create an API key in the caller's tenant; the key is in this response only",
  description:
    'The new key gets the tier, rate limit and monthly quota of the key that creates it (an admin cannot raise its own limits); ' +
    '`tier`, `rateLimitPerMinute` and `monthlyQuota` are accepted only from the local admin token of the folder owner (`mnemo keys create` while serving).',
  middleware: admin,
  request: { body: { required: true, content: { 'application/json': { schema: createBody } } } },
  responses: {
    201: json(
      z.object({
        key: z.string(),
        record: keyRecordSchema,
        otherTenants: z
          .array(z.object({ tenant: z.string(), rows: z.number().int() }))
          .optional()
          .openapi({
            description:
              "only for the folder owner's local token: the other tenants that hold memory, with their row counts (the CLI warns that the new key sees none of it)",
          }),
      }),
      'the key, shown once',
    ),
    ...commonErrorResponses,
  },
});

const enableRoute = createRoute({
  method: 'put',
  path: '/v1/keys/{id}/enabled',
  operationId: 'keysSetEnabled',
  tags: ['keys'],
  summary: 'Disable or enable an API key of the tenant',
  middleware: admin,
  request: {
    params: z.object({ id: uuid }),
    body: {
      required: true,
      content: {
        'application/json': { schema: z.object({ enabled: z.boolean() }).strict().openapi('KeyEnabled') },
      },
    },
  },
  responses: {
    200: json(keyRecordSchema, 'the key'),
    404: json(errorBodySchema, 'no such key in this tenant'),
    ...commonErrorResponses,
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/v1/keys/{id}',
  operationId: 'keysRevoke',
  tags: ['keys'],
  summary: 'Revoke an API key of the tenant',
  middleware: admin,
  request: { params: z.object({ id: uuid }) },
  responses: {
    200: json(keyRecordSchema, 'the revoked key'),
    404: json(errorBodySchema, 'no such key in this tenant'),
    ...commonErrorResponses,
  },
});

/**
 * Key administration over HTTP (admin scope; only the caller's own tenant):
 * `GET /v1/keys`, `POST /v1/keys`, `DELETE /v1/keys/{id}`.
 *
 * @example
 * registerKeysRoutes(app, deps);
 */
export const registerKeysRoutes: RouteRegistrar = (app, { keys }) => {
  // The folder owner's local token (mnemo keys ... while serving) sees every tenant unless one is named.
  // Keys run on the pool (`keys` is the store's), outside the request's tenant transaction,
  // so such calls across tenants see every tenant's keys.
  const tenantOf = (c: Context<AppEnv>): string | undefined => {
    const auth = c.get('auth');
    return auth.local && c.req.query('tenant') === undefined ? undefined : auth.tenant;
  };

  app.openapi(listRoute, async (c) => {
    const tenant = tenantOf(c);
    const list = await keys.list(tenant === undefined ? {} : { tenant });
    return c.json({ keys: list.map(toWire) }, 200);
  });

  app.openapi(createKeyRoute, async (c) => {
    const body = c.req.valid('json');
    const auth = c.get('auth');
    const limits = {
      tier: body.tier,
      rateLimitPerMinute: body.rateLimitPerMinute,
      monthlyQuota: body.monthlyQuota,
    };
    const asked = Object.entries(limits).find(([, v]) => v !== undefined)?.[0];
    if (asked && !auth.local)
      throw new MnemoError(
        'forbidden',
        `"${asked}": a key's limits are set by the store's owner (mnemo keys create on the server's machine); a new key gets the limits of the key that creates it`,
        { field: asked },
      );
    const created = await keys.create({
      tenant: auth.tenant,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.scopes !== undefined ? { scopes: body.scopes } : {}),
      ...(body.expiresAt ? { expiresAt: body.expiresAt } : {}),
      ...(body.user !== undefined ? { user: body.user } : {}),
      ...(body.agent !== undefined ? { agent: body.agent } : {}),
      ...(body.pinned !== undefined ? { pinned: body.pinned } : {}),
      ...(auth.key
        ? {
            tier: auth.key.tier,
            rateLimitPerMinute: auth.key.rateLimitPerMinute,
            monthlyQuota: auth.key.monthlyQuota,
          }
        : Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined))),
    });
    // The owner creating a key should hear when the store's memory lies in other tenants
    // (the classic first-run surprise); nobody else may learn which tenants exist.
    const otherTenants = auth.local ? await keys.otherTenants(created.record.tenant) : undefined;
    return c.json(
      { key: created.key, record: toWire(created.record), ...(otherTenants ? { otherTenants } : {}) },
      201,
    );
  });

  app.openapi(enableRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { enabled } = c.req.valid('json');
    const tenant = tenantOf(c);
    const record = await keys.setEnabled({ id, enabled, ...(tenant === undefined ? {} : { tenant }) });
    return c.json(toWire(record), 200);
  });

  app.openapi(revokeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const tenant = tenantOf(c);
    const record = await keys.revoke({ id, ...(tenant === undefined ? {} : { tenant }) });
    return c.json(toWire(record), 200);
  });
};

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function toWire(r: import('../keys/keys-schema.js').ApiKeyRecord) {
  return {
    ...r,
    expiresAt: iso(r.expiresAt),
    lastUsedAt: iso(r.lastUsedAt),
    createdAt: r.createdAt.toISOString(),
    revokedAt: iso(r.revokedAt),
  };
}
