// Child process for the concurrent-migration test: opens the store at argv[2] and
// prints the versions this process applied.

import { migrate } from '../../src/db/migrate.js';
import { openPostgres } from '../../src/db/postgres.js';

const db = await openPostgres(process.argv[2]);
// Start together: wait until the given wall-clock instant.
const at = Number(process.argv[3]);
await new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));
const applied = await migrate(db);
await db.close();
process.stdout.write(JSON.stringify(applied));
