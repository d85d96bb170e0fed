/**
 * LangGraph's official conformance suite for checkpointers,
 * `@langchain/langgraph-checkpoint-validation`, whole, on the built MnemoCheckpointSaver,
 * on PGlite and on PostgreSQL. The suite is written for vitest globals, so it runs in a
 * vitest child process (test/langgraph/validation.vitest.mjs), once per backend; a
 * failing, skipped or missing test of the suite fails this test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const here = dirname(fileURLToPath(import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

/** The suite's size at @langchain/langgraph-checkpoint-validation 1.1.1: fewer means some did not run. */
const SUITE_TESTS = 718;

function runSuite(backends: [string, string][]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', '--root', here, '--config', 'vitest.config.mjs'], {
      env: { ...process.env, NO_COLOR: '1', MNEMO_LG_BACKENDS: JSON.stringify(backends) },
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

// One vitest process runs the suite on each backend in turn: one startup, one core.
it(`LangGraph's checkpoint conformance suite passes whole on ${PG_URL ? 'PGlite and PostgreSQL' : 'PGlite (no MNEMO_TEST_DATABASE_URL)'}`, {
  timeout: 300_000,
}, async () => {
  const db = PG_URL ? await createTestDatabase('mnemo_lgv') : null;
  try {
    const backends: [string, string][] = [['pglite', 'memory:']];
    if (db) backends.push(['postgres', db.url]);
    const r = await runSuite(backends);
    const summary = /Tests\s+(.*)\((\d+)\)/.exec(r.out);
    assert.equal(r.code, 0, `the conformance suite failed:\n${r.out.slice(-6000)}`);
    assert.ok(summary, `no test summary in the suite's output:\n${r.out.slice(-3000)}`);
    const expected = SUITE_TESTS * backends.length;
    assert.equal(summary[1]?.trim(), `${expected} passed`, `not every test passed: ${summary[0]}`);
    assert.equal(Number(summary[2]), expected);
  } finally {
    await db?.drop();
  }
});
