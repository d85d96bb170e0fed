import { renderDocsPage } from './docs-page.js';
import type { MnemoApp } from './server-types.js';

/**
 * Version of the HTTP API described by the OpenAPI document.
 *
 * @example
 * openApiDocument(app).info.version === API_VERSION // => true
 */
export const API_VERSION = '1.0.0';

/**
 * Where the API is: `/`, relative, so it resolves against the URL the document was
 * fetched from (the serving server's own origin, behind any host name or port), and
 * the document stays one static text that never echoes a request's Host header.
 *
 * @example
 * openApiDocument(app).servers // => [{ url: '/', description: ... }]
 */
export const API_SERVERS = [
  { url: '/', description: 'the server this document is served from (a relative URL: its origin)' },
];

/**
 * The OpenAPI 3.1 document of the app, generated from the zod schemas that
 * validate the requests. Every operation has an `operationId`, set in its
 * `createRoute` call.
 *
 * @example
 * const doc = openApiDocument(app); doc.openapi // => '3.1.0'
 */
export function openApiDocument(app: MnemoApp): ReturnType<MnemoApp['getOpenAPI31Document']> {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'mnemo HTTP API',
      version: API_VERSION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      description:
        'Persistent memory and coordination for AI agents. Send an API key as `Authorization: Bearer <key>` ' +
        '(or `x-api-key`). Errors have the body `{ "error": { "code", "message", "field"? } }`.',
    },
    servers: API_SERVERS,
    security: [{ bearerAuth: [] }],
  });
}

/**
 * `GET /v1/openapi.json` and `GET /v1/docs` (a self-contained HTML reference
 * rendered from the same document; no scripts). Both are public.
 *
 * @example
 * registerOpenApiRoutes(app);
 */
export function registerOpenApiRoutes(app: MnemoApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API key created with `mnemo keys create` (mnemo_xxxxxxxx_...)',
  });
  let cached: { doc: ReturnType<typeof openApiDocument>; html: string } | undefined;
  const build = () => {
    if (!cached) {
      const doc = openApiDocument(app);
      cached = { doc, html: renderDocsPage(doc) };
    }
    return cached;
  };
  app.get('/v1/openapi.json', (c) => c.json(build().doc));
  app.get('/v1/docs', (c) => {
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(build().html);
  });
}
