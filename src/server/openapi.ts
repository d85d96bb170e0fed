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
 * The OpenAPI 3.1 document of the app, generated from the zod schemas that
 * validate the requests.
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
      description:
        'Persistent memory and coordination for AI agents. Send an API key as `Authorization: Bearer <key>` ' +
        '(or `x-api-key`). Errors have the body `{ "error": { "code", "message", "field"? } }`.',
    },
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
