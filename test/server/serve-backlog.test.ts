import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveLocation } from '../../src/config.js';
import { openStore } from '../../src/db/open.js';
import { cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';

const root = new URL('../..', import.meta.url).pathname;
/** Enough rows that the built-in model is far from done when SIGTERM comes. */
const ROWS = 4000;
/** Room for the process to exit and the machine to be busy, beyond the announced bound. */
const MARGIN_MS = 5000;

/** `mnemo serve` on the store, with the built-in model (the test runner defaults to none). */
function startServe(flags: string[]): ChildProcess & { out: () => string } {
  const child = spawn(process.execPath, [join(root, 'bin/mnemo.js'), 'serve', '--port', '0', ...flags], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '', MNEMO_EMBEDDER: 'builtin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return Object.assign(child, { out: () => out });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r(child.exitCode);
    else child.once('exit', (code) => r(code));
  });
}

async function waitFor(child: ChildProcess & { out: () => string }, re: RegExp, ms: number) {
  const end = Date.now() + ms;
  while (!re.test(child.out())) {
    if (child.exitCode !== null) assert.fail(`mnemo serve exited (${child.exitCode}): ${child.out()}`);
    if (Date.now() > end) assert.fail(`no line matching ${re} within ${ms} ms: ${child.out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo serve with an embedding backlog (built-in model) [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    const open = () =>
      openStore(
        resolveLocation(flags[0] === '--data-dir' ? { dataDir: flags[1] } : { databaseUrl: flags[1] }),
      );
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
      const db = await open();
      try {
        await db.query(
          `insert into episodes (tenant_id, role, content)
           select 't1', 'user', 'turn ' || g || ': the deploy of service ' || md5(g::text) || ' went fine'
           from generate_series(1, $1::int) g`,
          [ROWS],
        );
      } finally {
        await db.close();
      }
    });
    after(() => cleanup());

    it('logs rows left, rate and time left; SIGTERM stops it within the announced bound, losing nothing', async (t) => {
      const child = startServe(flags);
      let code: number | null;
      let stoppedInMs: number;
      try {
        await waitFor(child, new RegExp(`embedding backlog: ${ROWS} rows wait for an embedding`), 120_000);
        await waitFor(child, /embedding backlog: \d+ rows left, [\d.]+ rows\/s, about .* to go/, 120_000);
      } finally {
        const t0 = Date.now();
        child.kill('SIGTERM');
        code = await exited(child);
        stoppedInMs = Date.now() - t0;
      }
      const out = child.out();
      t.diagnostic(`stopped ${stoppedInMs} ms after SIGTERM`);
      assert.equal(code, 0, out);
      const announced = /SIGTERM: shutting down \(draining requests for up to (\d+) s/.exec(out);
      assert.ok(announced, out);
      const boundMs = Number(announced[1]) * 1000;
      assert.ok(
        stoppedInMs < boundMs + MARGIN_MS,
        `stopped in ${stoppedInMs} ms, announced ${boundMs} ms (+${MARGIN_MS} ms margin)`,
      );
      assert.match(out, /mnemo stopped/);
      const stopped = /embedding stopped with (\d+) rows left \((\d+) embedded/.exec(out);
      assert.ok(stopped, out);
      const [left, embedded] = [Number(stopped[1]), Number(stopped[2])];
      assert.ok(embedded > 0 && left > 0, out);

      // The store says the same: rows embedded so far keep their 512-d vectors, the rest are null.
      const db = await open();
      try {
        const { rows } = await db.query<{ pending: number; done: number; dims: number[] }>(
          `select count(*) filter (where embedding is null) as pending,
                  count(*) filter (where embedding is not null) as done,
                  coalesce(array_agg(distinct vector_dims(embedding)) filter (where embedding is not null), '{}') as dims
           from episodes`,
        );
        assert.deepEqual(rows[0], { pending: left, done: ROWS - left, dims: [512] });
        assert.equal(ROWS - left, embedded, 'the log and the store agree');
      } finally {
        await db.close();
      }
    });
  });
}
