/**
 * `mnemo backup` and `mnemo restore` through the built CLI: a backup with --keep prunes
 * the older one, restores into an empty store and is refused by a non-empty one; bad
 * flags, foreign and newer-schema files exit 2 with a message and no stack; an embedded
 * folder held by `mnemo serve` is refused at once with what to do instead; `mnemo serve
 * --backup-every` backs up once a period and prunes to `--backup-keep`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { restoreStore } from '../../src/backup/restore-service.js';
import { createMemory } from '../../src/memory.js';
import { cli, cliStore } from '../cli/cli-harness.js';
import { describeBackends, PG_URL } from '../support/backends.js';

const env = { MNEMO_EMBEDDER: 'none' };
const holdChild = join(import.meta.dirname, '../support/hold-folder-child.ts');

describeBackends('mnemo backup / restore', (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-backup-cli-'));
  const cleanups: (() => Promise<void>)[] = [];
  let source: string[];
  before(async () => {
    const s = await cliStore(ctx.backend);
    cleanups.push(s.cleanup);
    source = s.flags;
    const [flag, value] = source;
    const mem = await createMemory({
      ...(flag === '--data-dir' ? { dataDir: value } : { databaseUrl: value }),
      embedder: null,
      indexer: false,
    });
    try {
      for (const tenant of ['acme', 'globex'])
        await mem.episodes.appendMany({
          scope: { tenant, user: 'alice' },
          episodes: Array.from({ length: 5 }, (_, i) => ({
            role: 'user' as const,
            content: `${tenant} ${i}`,
          })),
        });
    } finally {
      await mem.close();
    }
  });
  after(async () => {
    for (const c of cleanups) await c();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backs up with --keep, restores into an empty store, refuses a non-empty one', async () => {
    const older = 'mnemo-20200101T000000Z.ndjson.gz';
    writeFileSync(join(dir, older), 'an older backup');
    const run = await cli(['backup', ...source, '--to', dir, '--keep', '1', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    const b = JSON.parse(run.stdout) as { file: string; format: string; prunedFiles: string[] };
    assert.equal(b.format, ctx.backend === 'postgres' ? 'pg_dump' : 'export');
    assert.deepEqual(b.prunedFiles, [older]);
    assert.deepEqual(readdirSync(dir), [b.file.slice(dir.length + 1)]);

    const target = await cliStore(ctx.backend);
    cleanups.push(target.cleanup);
    const r = await cli(['restore', b.file, ...target.flags, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { episodes: string }).episodes, '10 added of 10');
    // A non-empty target is refused on both backends by test/backup/backup-restore.test.ts;
    // here once, on the server (a PGlite CLI start costs seconds), for the exit code.
    if (ctx.backend === 'postgres') {
      const again = await cli(['restore', b.file, ...target.flags], env);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /^error \[conflict\]: the target store is not empty/);
    }
  });

  it('refuses bad flags and files with exit 2, a message and no stack', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'hello\n');
    const header = {
      format: 'mnemo-export',
      version: 1,
      schemaVersion: 999,
      createdAt: new Date().toISOString(),
      embedding: null,
      filters: {},
      include: [],
    };
    const future = join(dir, 'future.ndjson.gz');
    writeFileSync(
      future,
      gzipSync(`${JSON.stringify(header)}\n${JSON.stringify({ end: { lines: 2, rows: {} } })}\n`),
    );
    const cases: [string[], RegExp][] = [
      [['backup', ...source, '--to', join(dir, 'missing')], /--to: no folder/],
      [['backup', ...source, '--to', dir, '--keep', '0'], /--keep: expected a whole number/],
      [['backup', ...source, '--to', dir, '--keep', 'many'], /--keep: expected a whole number/],
      [['backup', ...source, '--to', dir, '--format', 'zip'], /--format: expected auto, export or pg_dump/],
      [['restore', join(dir, 'none.dump'), ...source], /<file>: no file/],
    ];
    // Files that open the store to be refused: on PGlite each start costs seconds, and the
    // library refuses them on both backends (backup-restore.test.ts); the CLI's exit code once.
    if (ctx.backend === 'postgres' || !PG_URL)
      cases.push(
        [['restore', notes, ...source, '--tenant', 'acme'], /line 1: is not valid JSON/],
        [['restore', future, ...source, '--tenant', 'acme'], /schema_too_new.*newer mnemo/],
      );
    for (const [args, message] of cases) {
      const r = await cli(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.startsWith('mnemo-')).length,
      1,
      'no backup written or pruned by a refused command',
    );
  });
});

describe('mnemo backup on a folder served by mnemo serve', () => {
  it('fails at once with a locked error that names the scheduled backup', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-backup-served-'));
    const out = mkdtempSync(join(tmpdir(), 'mnemo-backup-out-'));
    // A process holding the folder's lock as `serve` does (the lock is all backup meets).
    const holder = spawn(
      process.execPath,
      ['--import', 'tsx', holdChild, dir, 'lock', 'serve', '0', '60000'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    try {
      let said = '';
      holder.stdout.on('data', (c) => {
        said += c;
      });
      const end = Date.now() + 30_000;
      while (!said.includes('won')) {
        if (Date.now() > end) throw new Error('the holder did not take the lock');
        await new Promise((r) => setTimeout(r, 25));
      }
      const started = Date.now();
      const r = await cli(['backup', '--data-dir', dir, '--to', out], env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error \[locked\]: the data folder .* is served by mnemo serve \(pid \d+\)/);
      assert.match(r.stderr, /--backup-every 24h --backup-dir DIR/);
      assert.ok(Date.now() - started < 10_000, 'no wait for the lock');
      assert.deepEqual(readdirSync(out), [], 'nothing written');
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('mnemo serve --backup-every (the scheduled backup)', () => {
  const work = mkdtempSync(join(tmpdir(), 'mnemo-serve-backup-'));
  const store = join(work, 'store');
  const backups = join(work, 'backups');
  after(() => rmSync(work, { recursive: true, force: true }));

  it('refuses a period without a writable folder, and a folder or count without a period, exit 2', async () => {
    mkdirSync(backups);
    for (const [args, message] of [
      [['--backup-every', '1h'], /--backup-every needs --backup-dir/],
      [
        ['--backup-every', '1h', '--backup-dir', join(work, 'missing')],
        /--backup-dir: .* must be an existing folder/,
      ],
      [['--backup-every', 'daily', '--backup-dir', backups], /--backup-every: expected a duration/],
      [['--backup-keep', '3'], /--backup-keep needs --backup-every/],
      [
        ['--backup-every', '1h', '--backup-dir', backups, '--backup-keep', '0'],
        /--backup-keep must be a whole number/,
      ],
    ] as [string[], RegExp][]) {
      const r = await cli(['serve', '--port', '0', '--data-dir', store, ...args], env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    assert.deepEqual(readdirSync(backups), [], 'nothing written');
  });

  it('backs up once per period, keeps the newest --backup-keep, and a backup restores what was written', async () => {
    const child = spawn(
      process.execPath,
      [
        'bin/mnemo.js',
        ...['serve', '--port', '0', '--data-dir', store, '--maintain-every', 'off'],
        ...['--backup-every', '1s', '--backup-dir', backups, '--backup-keep', '2'],
      ],
      { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, ...env, DATABASE_URL: '' } },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    try {
      const waitFor = async (what: () => boolean, label: string) => {
        for (let i = 0; i < 1200 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
        assert.ok(what(), `${label}; the server printed:\n${out}`);
      };
      await waitFor(() => /listening on http:\/\/\S+/.test(out), 'the server started');
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      const r = await fetch(`${url}/v1/remember`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ episode: { content: 'the nightly backup holds this' } }),
      });
      assert.equal(r.status, 201, await r.text());
      const runs = () => out.match(/^backup: ran for the period/gm)?.length ?? 0;
      await waitFor(() => runs() >= 3, 'three periods backed up');
      assert.match(out, /scheduled jobs: backup every 1 s/);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, out);
    }
    const files = readdirSync(backups).filter((f) => /^mnemo-.*\.ndjson\.gz$/.test(f));
    assert.equal(files.length, 2, `kept: ${readdirSync(backups).join(', ')}`);
    const mem = await createMemory({ dataDir: ':memory:', embedder: null, indexer: false });
    try {
      await restoreStore({ store: mem, file: join(backups, files.sort().at(-1) as string) });
      const { items } = await mem.episodes.list({});
      assert.deepEqual(
        items.map((e) => e.content),
        ['the nightly backup holds this'],
      );
    } finally {
      await mem.close();
    }
  });
});
