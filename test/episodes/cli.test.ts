// The remember, episodes, facts and purge commands, through a real child process on a temp store.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['bin/mnemo.js', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('mnemo remember / episodes / facts / purge [pglite]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mnemo-episodes-cli-'));
  const at = ['--data-dir', dir];
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers episodes and lists them newest first', async () => {
    const a = await cli([
      'episodes',
      'add',
      'deployed the API',
      ...at,
      '--user',
      'alice',
      '--session',
      's1',
      '--tag',
      'ops',
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout.trim(), /^[0-9a-f-]{36}$/);
    const b = await cli([
      'episodes',
      'add',
      'build failed',
      ...at,
      '--user',
      'alice',
      '--role',
      'event',
      '--event-type',
      'ci.failed',
      '--importance',
      '8',
      '--subject',
      'ci',
      '--json',
    ]);
    assert.equal(b.code, 0, b.stderr);
    const e = JSON.parse(b.stdout);
    assert.equal(e.role, 'event');
    assert.equal(e.eventType, 'ci.failed');
    assert.equal(e.importance, 8);

    const list = await cli(['episodes', 'list', ...at, '--user', 'alice', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const page = JSON.parse(list.stdout);
    assert.deepEqual(
      page.items.map((x: { content: string }) => x.content),
      ['build failed', 'deployed the API'],
    );
    const s1 = await cli([
      'episodes',
      'list',
      ...at,
      '--session',
      's1',
      '--since',
      '2000-01-01T00:00:00Z',
      '--limit',
      '5',
    ]);
    assert.equal(s1.code, 0, s1.stderr);
    assert.match(s1.stdout, /deployed the API/);
    assert.doesNotMatch(s1.stdout, /build failed/);
  });

  it('remember keeps a fact, the same as the library', async () => {
    const r = await cli([
      'remember',
      'Zoe prefers answers in French',
      ...at,
      '--user',
      'zoe',
      '--subject',
      'language',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.kind, 'fact');
    assert.equal(out.fact.content, 'Zoe prefers answers in French');
    assert.equal(out.fact.source, 'remember');
    const list = await cli(['facts', 'list', ...at, '--user', 'zoe', '--subject', 'language', '--json']);
    assert.match(list.stdout, /answers in French/);
  });

  it('refuses bad input with a readable error and exit code 2', async () => {
    const r = await cli(['episodes', 'add', 'x', ...at, '--importance', '11']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid_input.*importance.*1 to 10/);
    const c = await cli(['facts', 'add', 'x', ...at, '--confidence', 'high']);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /--confidence must be a number/);
  });

  it('adds, supersedes and lists facts, with history and as-of', async () => {
    const add = await cli([
      'facts',
      'add',
      'Alice lives in Lyon',
      ...at,
      '--user',
      'alice',
      '--subject',
      'alice.city',
    ]);
    assert.equal(add.code, 0, add.stderr);
    const id = add.stdout.trim();
    const sup = await cli(['facts', 'supersede', id, 'Alice lives in Paris', ...at, '--user', 'alice']);
    assert.equal(sup.code, 0, sup.stderr);
    assert.notEqual(sup.stdout.trim(), id);
    const cur = JSON.parse((await cli(['facts', 'list', ...at, '--user', 'alice', '--json'])).stdout);
    assert.deepEqual(
      cur.items.map((f: { content: string }) => f.content),
      ['Alice lives in Paris'],
    );
    const hist = await cli(['facts', 'list', ...at, '--subject', 'alice.city', '--history']);
    assert.match(hist.stdout, /Lyon/);
    assert.match(hist.stdout, /Paris/);
    const past = JSON.parse(
      (await cli(['facts', 'list', ...at, '--as-of', '2000-01-01T00:00:00Z', '--json'])).stdout,
    );
    assert.deepEqual(past.items, []);
    const again = await cli(['facts', 'supersede', id, 'Alice lives in Rome', ...at]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /conflict.*already superseded/);
  });

  it('purges only with --yes and a target, then nothing of the user is left', async () => {
    const none = await cli(['purge', ...at, '--yes']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--user U, --agent A, --session S, or --all/);
    const unconfirmed = await cli(['purge', ...at, '--user', 'alice']);
    assert.equal(unconfirmed.code, 2);
    assert.match(unconfirmed.stderr, /--yes/);
    const done = await cli(['purge', ...at, '--user', 'alice', '--reason', 'erasure', '--yes', '--json']);
    assert.equal(done.code, 0, done.stderr);
    const r = JSON.parse(done.stdout);
    assert.equal(r.counts.episodes, 2);
    assert.equal(r.counts.facts, 2);
    const list = JSON.parse((await cli(['episodes', 'list', ...at, '--json'])).stdout);
    assert.deepEqual(list.items, []);
  });
});
