/**
 * Runs the mnemo CLI in a child process against a fresh store per backend
 * (a temporary PGlite folder, or a fresh database on the test server).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type BackendName, copyPgliteTemplate, createTestDatabase } from '../support/backends.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

/** What a CLI run printed and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mnemo ...args` (the built bin/mnemo.js: npm test builds first) and never throws; `env` adds variables. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const r = await run(process.execPath, ['bin/mnemo.js', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

/**
 * Store flags for a fresh store on `backend`, and how to remove it. A PGlite folder starts
 * as a copy of the run's migrated template when `npm test` made one (see
 * test/support/backends.ts), so the first command does not run initdb and every migration.
 */
export async function cliStore(backend: BackendName): Promise<{ flags: string[]; cleanup(): Promise<void> }> {
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-cli-'));
    copyPgliteTemplate(dir);
    return { flags: ['--data-dir', dir], cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const t = await createTestDatabase();
  return { flags: ['--database-url', t.url], cleanup: t.drop };
}
