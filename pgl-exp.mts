import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { openStore } from '/work/main/src/db/open.js';
let t = performance.now();
const db = await openStore({ kind: 'pglite', dataDir: null });
console.log('fresh in-memory + migrate', Math.round(performance.now() - t));
t = performance.now();
const pg0 = await PGlite.create({ extensions: { vector } });
console.log('bare PGlite.create', Math.round(performance.now() - t));
// dump a migrated one
const inner = (db as any).pg as PGlite;
t = performance.now();
const dump = await inner.dumpDataDir('none');
console.log('dump', Math.round(performance.now() - t), dump.size);
t = performance.now();
const pg2 = await PGlite.create({ extensions: { vector }, loadDataDir: dump });
console.log('create from dump', Math.round(performance.now() - t));
console.log((await pg2.query('select count(*) from meta')).rows);
