/**
 * A real LangGraph StateGraph, compiled with the mnemo store and checkpointer, interrupts
 * for approval in one process; a second process (the restart) finds the run where it
 * stopped and finishes it without rerunning the steps already done. On PostgreSQL when
 * the suite has one (two PGlite opens from disk cost ~30 s on CI's machine), else on a
 * PGlite folder.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, PG_URL } from '../support/backends.js';

const child = join(dirname(fileURLToPath(import.meta.url)), 'resume-child.mjs');

async function run(mode: 'start' | 'resume', location: string) {
  const { stdout } = await promisify(execFile)(process.execPath, [child, mode, location], {
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string);
}

it(`resumes an interrupted graph run after the process restarts [${PG_URL ? 'postgres' : 'pglite'}]`, {
  timeout: 240_000,
}, async () => {
  const pg = PG_URL ? await createTestDatabase('mnemo_lgr') : null;
  const dir = pg ? null : await mkdtemp(join(tmpdir(), 'mnemo-lgr-'));
  const location = pg?.url ?? join(dir as string, 'store');
  try {
    const first = await run('start', location);
    assert.deepEqual(first.interrupts, [{ question: 'ship it?' }]);
    assert.deepEqual(first.next, ['approve']);
    assert.equal(first.log.length, 1);

    const second = await run('resume', location);
    assert.deepEqual(second.nextBefore, ['approve'], 'the new process sees where the run stopped');
    // plan ran once, in the first process; approval and action in the second
    assert.deepEqual(second.log, [first.log[0], 'approved: yes', `act (pid ${second.pid})`]);
    assert.notEqual(first.log[0], `plan v2 (pid ${second.pid})`);
    assert.deepEqual(second.nextAfter, []);
    assert.deepEqual(second.item, { text: 'shipped v2', pid: second.pid });
    assert.deepEqual(second.recalled, ['lg.runs.decisions.v2']);
  } finally {
    await pg?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
});
