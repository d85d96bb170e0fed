#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts, test/**/*.test.ts) with node's test runner.
// Usage: npm test [-- file-or-folder ...]   (MNEMO_SKIP_BUILD=1 to skip the build)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const targets = args.length ? args : ['src', 'test'];
const files = targets
  .flatMap((t) => {
    const p = join(root, t);
    return statSync(p).isDirectory() ? walk(p, []) : [relative(root, p)];
  })
  .sort();

if (process.env.CI && !process.env.MNEMO_TEST_DATABASE_URL) {
  console.error(
    'CI is set but MNEMO_TEST_DATABASE_URL is not: the PostgreSQL suite would be skipped. Refusing.',
  );
  process.exit(1);
}

// CLI tests spawn the built bin/mnemo.js (a third of the start-up time of running the
// sources through tsx), so the build must be current.
if (!process.env.MNEMO_SKIP_BUILD) {
  const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

// A migrated embedded store, made once per run: each PGlite block of the dialect loop
// (test/support/backends.ts) starts from a copy of this folder instead of running initdb
// and every migration again (1-2 s against 4-10 s per block on 2 cores). Fresh stores made
// from nothing are still tested: the CLI, createMemory() and the migration tests make theirs.
// In RAM (/dev/shm) when the machine has it: each block copies 40 MB.
const scratch = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const templateRoot = mkdtempSync(join(scratch, 'mnemo-test-template-'));
const template = join(templateRoot, 'store');
const made = spawnSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `const { openStore } = await import(${JSON.stringify(join(root, 'dist/db/open.js'))});
     const db = await openStore({ kind: 'pglite', dataDir: ${JSON.stringify(template)} });
     await db.close();`,
  ],
  { cwd: root, stdio: 'inherit' },
);
if (made.status !== 0) {
  console.error('could not make the migrated PGlite template for the tests (is dist/ built?)');
  process.exit(made.status ?? 1);
}

const concurrency = process.env.MNEMO_TEST_CONCURRENCY ?? '2';
const r = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/summary-reporter.mjs')}`,
    '--test-reporter-destination=stdout',
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    // Tests about meaning build the built-in model themselves; the rest need no embeddings.
    env: {
      MNEMO_EMBEDDER: 'none',
      ...process.env,
      NODE_ENV: 'test',
      MNEMO_TEST_PGLITE_TEMPLATE: template,
    },
  },
);
rmSync(templateRoot, { recursive: true, force: true });
process.exit(r.status ?? 1);
