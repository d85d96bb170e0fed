// Copies the SQL migrations next to the compiled code, where the migrator reads them, and the
// dashboard's static files next to its module.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'dist/db/migrations'), { recursive: true });
cpSync(join(root, 'src/db/migrations'), join(root, 'dist/db/migrations'), { recursive: true });

// The dashboard's style sheet and script, served by `mnemo serve` at /dashboard/assets.
mkdirSync(join(root, 'dist/dashboard/assets'), { recursive: true });
cpSync(join(root, 'src/dashboard/assets'), join(root, 'dist/dashboard/assets'), { recursive: true });
