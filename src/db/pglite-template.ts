/**
 * A new embedded store starts from a template: a dump of an empty store, migrated, made
 * by `npm run build` (scripts/pglite-template.mjs) into dist/assets. Without it, PGlite
 * runs initdb and then every migration in WASM on first open: measured 18.7 s against
 * 4.0 s from the template with the machine loaded (docs/decisions.md, "PGlite template").
 * The template is used only when it was made by the PGlite version installed now and the
 * store is new (an in-memory store, or a folder without `PG_VERSION`); migrations still
 * run after open, so a template older than the migrations gets the newer ones then.
 * Anything else (no template, another PGlite, an unreadable file) opens as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The template and its description, two levels up from this module (src/db and dist/db alike). */
const ASSETS = new URL('../../dist/assets/', import.meta.url);
/** File names in dist/assets. */
export const TEMPLATE_FILE = 'pglite-template.tar.gz';
export const TEMPLATE_INFO = 'pglite-template.json';

/**
 * The installed PGlite's version.
 *
 * @example
 * pgliteVersion() // => '0.3.14'
 */
export function pgliteVersion(): string {
  // Its package.json is not among its exports: found from its entry point, upwards.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/**
 * The template to create a store from, or undefined when `dataDir` already holds a
 * store or no usable template is there.
 *
 * @example
 * const loadDataDir = templateFor(null); // a Blob for a new in-memory store
 */
export function templateFor(dataDir: string | null): Blob | undefined {
  if (dataDir && existsSync(join(dataDir, 'PG_VERSION'))) return undefined;
  try {
    const info = JSON.parse(readFileSync(new URL(TEMPLATE_INFO, ASSETS), 'utf8')) as { pglite?: string };
    if (!info.pglite || info.pglite !== pgliteVersion()) return undefined;
    return new Blob([readFileSync(new URL(TEMPLATE_FILE, ASSETS))]);
  } catch {
    return undefined;
  }
}
