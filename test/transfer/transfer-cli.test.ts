/**
 * `mnemo export` and `mnemo import` through the built CLI on each backend: a store moved
 * through a file gives the same content; bad flags, a missing file and a damaged file
 * are refused with exit 2 and nothing written; an import killed with SIGKILL leaves
 * whole batches only, and running the same command again completes it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { cli, cliStore } from '../cli/cli-harness.js';
import { describeBackends } from '../support/backends.js';
import { digests } from './transfer-helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const env = { MNEMO_EMBEDDER: 'none' };

async function openFlags(flags: string[]): Promise<LocalMemory> {
  const [flag, value] = flags;
  return createMemory({
    ...(flag === '--data-dir' ? { dataDir: value } : { databaseUrl: value }),
    embedder: null,
    indexer: false,
  });
}

describeBackends('mnemo export / import', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-transfer-'));
  const cleanups: (() => Promise<void>)[] = [];
  let source: string[];
  const file = join(dir, 'store.ndjson');
  const store = async () => {
    const s = await cliStore(ctx.backend);
    cleanups.push(s.cleanup);
    return s.flags;
  };
  before(async () => {
    source = await store();
    const mem = await openFlags(source);
    try {
      await mem.episodes.appendMany({
        scope: { tenant: 'acme', user: 'alice' },
        episodes: Array.from({ length: 2000 }, (_, i) => ({
          role: 'user' as const,
          content: `turn ${i} of the log`,
        })),
      });
      await mem.brain.set({ scope: { tenant: 'acme' }, key: 'identity.name', value: 'Acme' });
    } finally {
      await mem.close();
    }
  });
  after(async () => {
    for (const c of cleanups) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves a store through a file: same content, and a second import adds nothing', async () => {
    const out = await cli(['export', ...source, '--out', file], env);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /lines: 2004/);
    const target = await store();
    const first = await cli(['import', file, ...target, '--tenant-remap', 'acme=initech', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).episodes, '2000 added of 2000');
    const again = await cli(['import', file, ...target, '--tenant-remap', 'acme=initech', '--json'], env);
    assert.equal(JSON.parse(again.stdout).episodes, '0 added of 2000');
    const [a, b] = [await openFlags(source), await openFlags(target)];
    try {
      assert.deepEqual(await digests(b.db, 'initech'), await digests(a.db, 'acme', 'initech'));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses bad flags, a missing file and a damaged file with exit 2, writing nothing', async () => {
    const target = await store();
    const cases: [string[], RegExp][] = [
      [['export', '--include', 'secrets'], /^error \[invalid_input\]: --include: expected keys, usage/],
      [['export', '--since', 'yesterday'], /^error \[invalid_input\]: --since: expected an ISO 8601 date/],
      [
        ['import', file, '--tenant-remap', 'acme'],
        /^error \[invalid_input\]: --tenant-remap: expected FROM=TO/,
      ],
      [
        ['import', file, '--batch-size', '0'],
        /^error \[invalid_input\]: --batch-size: must be a whole number/,
      ],
      [['import', join(dir, 'nope.ndjson'), ...target], /^error \[invalid_input\]: <file>: no file/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[1500] = '{"table":"episodes","row":{"id":"not a uuid"}}';
    const damaged = join(dir, 'damaged.ndjson');
    writeFileSync(damaged, lines.join('\n'));
    const r = await cli(['import', damaged, ...target], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error \[invalid_input\]: line 1501: episodes "row\.\w+": /);
    const mem = await openFlags(target);
    try {
      const { rows } = await mem.db.query<{ n: number }>('select count(*)::int as n from episodes');
      assert.equal(rows[0].n, 0, 'checked before any write');
    } finally {
      await mem.close();
    }
  });

  it('keeps whole batches when killed mid-import, and the same command completes it', async () => {
    const target = await store();
    const args = ['bin/mnemo.js', 'import', file, ...target, '--batch-size', '40'];
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env, DATABASE_URL: '', MNEMO_DATA_DIR: '' },
    });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      // Progress lines come after committed batches: kill at the first one.
      if (/importing: \d+\//.test(err) && child.exitCode === null) child.kill('SIGKILL');
    });
    await once(child, 'exit');
    assert.equal(child.signalCode, 'SIGKILL', `killed mid-import: ${err}`);
    const mem = await openFlags(target);
    try {
      const { rows } = await mem.db.query<{ n: number }>('select count(*)::int as n from episodes');
      // The brain key is line 2 and its history line 3: k committed batches of 40 lines hold 40k - 2 episodes.
      assert.ok(rows[0].n > 0 && rows[0].n < 2000, `partial: ${rows[0].n}`);
      assert.equal((rows[0].n + 2) % 40, 0, `whole batches only: ${rows[0].n} episodes`);
    } finally {
      await mem.close();
    }
    const rerun = await cli(['import', file, ...target, '--batch-size', '40', '--json'], env);
    assert.equal(rerun.code, 0, rerun.stderr);
    const [a, b] = [await openFlags(source), await openFlags(target)];
    try {
      assert.deepEqual(await digests(b.db), await digests(a.db));
    } finally {
      await a.close();
      await b.close();
    }
  });
});
