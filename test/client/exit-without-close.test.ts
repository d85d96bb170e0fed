/**
 * A script that never calls close() exits by itself: the indexer's and the analyzer's
 * timers, the built-in model's thread and the connection pool do not keep the process
 * alive. What it wrote (and was acknowledged) before exiting is still there.
 * Real child processes over the built package; the built-in model on its thread.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createMemory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';

const root = resolve(import.meta.dirname, '../..');
const entry = pathToFileURL(join(root, 'dist/index.js')).href;
/**
 * How long the child may live after its last acknowledged call (PGlite arms a 10 s
 * statistics timer after each query). Counted from its output line, not from spawn:
 * opening a store and loading the model take a while on a busy machine.
 */
const BOUND_MS = 20_000;
/** Start-up cap, so a child that hangs before answering fails the test too. */
const START_MS = 120_000;

const SCRIPT = `
import { createMemory } from ${JSON.stringify(entry)};
const opts = JSON.parse(process.argv[2]);
const mem = await createMemory(opts);
const b = await mem.brain.set({ key: 'exit.check', value: { ok: true } });
const r = await mem.remember({ text: 'Ada keeps her notes in a red notebook' });
const e = await mem.episodes.append({ content: 'the deploy finished at noon' });
const hits = await mem.recall({ query: 'red notebook' });
console.log(JSON.stringify({ brain: b.version, fact: r.fact.id, episode: e.id, usedVector: hits.usedVector, embedder: mem.embedder?.id ?? null }));
// no close(): the process must end on its own
`;

function runChild(
  dir: string,
  opts: object,
): Promise<{ code: number | null; out: string; err: string; killed: boolean }> {
  const file = join(dir, 'no-close.mjs');
  writeFileSync(file, SCRIPT);
  const env = { ...process.env, MNEMO_EMBEDDER: 'builtin' };
  return new Promise((done) => {
    const child = spawn(process.execPath, [file, JSON.stringify(opts)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.on('data', (d) => {
      out += d;
      clearTimeout(timer);
      timer = setTimeout(kill, BOUND_MS);
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    const kill = () => {
      killed = true;
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, START_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, out, err, killed });
    });
  });
}

describeBackends('a script that never calls close()', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-noclose-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits by itself, with the model thread and indexer running, and keeps acknowledged writes', async () => {
    const loc = ctx.location();
    const opts = loc.kind === 'postgres' ? { databaseUrl: loc.url } : { dataDir: join(dir, 'store') };
    const r = await runChild(dir, opts);
    assert.equal(r.killed, false, `still running after ${BOUND_MS} ms; stderr:\n${r.err}`);
    assert.equal(r.code, 0, r.err);
    const acked = JSON.parse(r.out.trim());
    assert.equal(acked.embedder, 'builtin:use-lite-512', 'the built-in model was in use');
    assert.equal(acked.usedVector, true, 'the model thread answered');
    // Reopen the store the child left without closing, and read what it acknowledged.
    const mem = await createMemory({ ...opts, embedder: null, indexer: false });
    try {
      assert.deepEqual((await mem.brain.get({ key: 'exit.check' }))?.value, { ok: true });
      assert.equal(
        (await mem.facts.get({ id: acked.fact }))?.content,
        'Ada keeps her notes in a red notebook',
      );
      assert.equal((await mem.episodes.get({ id: acked.episode }))?.content, 'the deploy finished at noon');
    } finally {
      await mem.close();
    }
  });
});
