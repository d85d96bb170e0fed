import { createRoute, z } from '@hono/zod-openapi';
import { KEY_SCOPES } from '../keys/keys-schema.js';
import { commonErrorResponses } from './error-handler.js';
import type { RouteRegistrar } from './server-types.js';

const whoamiSchema = z
  .object({
    tenant: z.string().openapi({ example: 'acme' }),
    keyId: z.string().nullable().openapi({ description: 'null in open loopback mode' }),
    keyPrefix: z.string().nullable().openapi({ example: 'mnemo_3f9a1c0b' }),
    scopes: z.array(z.enum(KEY_SCOPES)),
    open: z
      .boolean()
      .openapi({ description: 'true when the request came without a key in open loopback mode' }),
  })
  .openapi('WhoAmI');

const whoami = createRoute({
  method: 'get',
  path: '/v1/whoami',
  operationId: 'whoamiGet',
  tags: ['keys'],
  summary: 'Who the key is: tenant, key id and scopes',
  responses: {
    200: { description: 'the caller', content: { 'application/json': { schema: whoamiSchema } } },
    ...commonErrorResponses,
  },
});

/**
 * The smallest area: `GET /v1/whoami`. A template for every other route module.
 *
 * @example
 * registerWhoamiRoutes(app, deps); // GET /v1/whoami -> { tenant, keyId, keyPrefix, scopes, open }
 */
export const registerWhoamiRoutes: RouteRegistrar = (app) => {
  app.openapi(whoami, (c) => {
    const auth = c.get('auth');
    return c.json(
      {
        tenant: auth.tenant,
        keyId: auth.keyId,
        keyPrefix: auth.key?.prefix ?? null,
        scopes: auth.scopes,
        open: auth.open,
      },
      200,
    );
  });
};
