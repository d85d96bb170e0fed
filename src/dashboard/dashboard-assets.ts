/**
 * The dashboard's two static files (a style sheet and a small script), read once from
 * `assets/` beside this module (copied into dist at build): nothing is fetched from elsewhere.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const dir = new URL('./assets/', import.meta.url);

/**
 * The files by name, with their content type.
 *
 * @example
 * ASSETS.get('dashboard.css')?.type // 'text/css; charset=utf-8'
 */
export const ASSETS = new Map<string, { body: string; type: string }>([
  [
    'dashboard.css',
    { body: readFileSync(new URL('dashboard.css', dir), 'utf8'), type: 'text/css; charset=utf-8' },
  ],
  [
    'dashboard.js',
    { body: readFileSync(new URL('dashboard.js', dir), 'utf8'), type: 'text/javascript; charset=utf-8' },
  ],
]);

/**
 * A short hash of the files: page links carry it (`?v=`), so the files can be cached for a long time.
 *
 * @example
 * `<link rel="stylesheet" href="/dashboard/assets/dashboard.css?v=${ASSET_VERSION}">`
 */
export const ASSET_VERSION = createHash('sha256')
  .update([...ASSETS.values()].map((a) => a.body).join('\0'))
  .digest('hex')
  .slice(0, 12);
