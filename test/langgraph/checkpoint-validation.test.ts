/**
 * LangGraph's official conformance suite for checkpointers,
 * `@langchain/langgraph-checkpoint-validation`, whole, on the built MnemoCheckpointSaver,
 * on PGlite and on PostgreSQL. The suite is written for vitest globals, so each backend
 * runs it in a vitest child process (test/langgraph/validation.vitest.mjs); a failing,
 * skipped or missing test of the suite fails this test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** The suite's size at @langchain/langgraph-checkpoint-validation 1.1.1: fewer means some did not run. */
const SUITE_TESTS = 718;

function runSuite(backend: string, databaseUrl: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--root', here, '--config', 'vitest.config.mjs'], {
      env: { ...process.env, NO_COLOR: '1', MNEMO_LG_BACKEND: backend, MNEMO_LG_DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

function assertPassed(r: { code: number | null; out: string }): void {
  const summary = /Tests\s+(.*)\((\d+)\)/.exec(r.out);
  assert.equal(r.code, 0, `the conformance suite failed:\n${r.out.slice(-6000)}`);
  assert.ok(summary, `no test summary in the suite's output:\n${r.out.slice(-3000)}`);
  assert.equal(summary[1]?.trim(), `${SUITE_TESTS} passed`, `not every test passed: ${summary[0]}`);
  assert.equal(Number(summary[2]), SUITE_TESTS);
}

describe('LangGraph checkpoint conformance suite', { concurrency: true }, () => {
  it('passes whole on PGlite', { timeout: 180_000 }, async () => {
    assertPassed(await runSuite('pglite', 'memory:'));
  });

  it('passes whole on PostgreSQL', {
    timeout: 180_000,
    skip: PG_URL ? false : 'MNEMO_TEST_DATABASE_URL is not set',
  }, async () => {
    const db = await createTestDatabase('mnemo_lgv');
    try {
      assertPassed(await runSuite('postgres', db.url));
    } finally {
      await db.drop();
    }
  });
});
