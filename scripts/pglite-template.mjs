// Makes dist/assets/pglite-template.tar.gz: an empty embedded store with every migration
// applied, dumped by PGlite, which new embedded stores start from (src/db/pglite-template.ts).
// Run by `npm run build` after the compile; takes a few seconds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = join(root, 'dist/assets');
const { openStore } = await import(join(root, 'dist/db/open.js'));
const { pgliteVersion, TEMPLATE_FILE, TEMPLATE_INFO } = await import(
  join(root, 'dist/db/pglite-template.js')
);
const { dumpPglite } = await import(join(root, 'dist/db/pglite.js'));

// No template yet at this point: the store is made by initdb and the migrations.
mkdirSync(assets, { recursive: true });
const db = await openStore({ kind: 'pglite', dataDir: null }, { template: false });
try {
  const dump = await dumpPglite(db);
  writeFileSync(join(assets, TEMPLATE_FILE), Buffer.from(await dump.arrayBuffer()));
  const { rows } = await db.query('select max(version)::int as v from schema_migrations');
  writeFileSync(
    join(assets, TEMPLATE_INFO),
    `${JSON.stringify({ pglite: pgliteVersion(), schemaVersion: rows[0].v, madeAt: new Date().toISOString() }, null, 2)}\n`,
  );
} finally {
  await db.close();
}
