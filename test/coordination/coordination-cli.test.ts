import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';
import { waitFor } from './wait.js';

const root = new URL('../..', import.meta.url).pathname;

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo tasks, observe, watch [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
    });
    after(() => cleanup());
    const run = (...args: string[]) => cli([...args, ...flags]);

    it('adds, claims, completes, fails and lists tasks; errors are typed', async () => {
      const add = await run(
        'tasks',
        'add',
        'crawl',
        '--payload',
        '{"url":"a"}',
        '--dedupe-key',
        'a',
        '--json',
      );
      assert.equal(add.code, 0, add.stderr);
      const t = JSON.parse(add.stdout);
      assert.deepEqual(t.payload, { url: 'a' });
      const dup = JSON.parse((await run('tasks', 'add', 'crawl', '--dedupe-key', 'a', '--json')).stdout);
      assert.equal(dup.id, t.id);
      const claimed = await run('tasks', 'claim', 'crawl', '--agent', 'w1', '--lease', '60', '--json');
      assert.equal(JSON.parse(claimed.stdout).claimedBy, 'w1');
      assert.equal((await run('tasks', 'claim', 'crawl', '--agent', 'w2')).stdout, '(none)\n');
      const thief = await run('tasks', 'complete', t.id, '--agent', 'w2');
      assert.equal(thief.code, 1);
      assert.match(thief.stderr, /^error \[conflict\]: lease lost/);
      const done = await run('tasks', 'complete', t.id, '--agent', 'w1', '--result', '{"pages":3}', '--json');
      assert.deepEqual(JSON.parse(done.stdout).result, { pages: 3 });

      const b = JSON.parse((await run('tasks', 'add', 'crawl', '--priority', '3', '--json')).stdout);
      await run('tasks', 'claim', 'crawl', '--agent', 'w1');
      const failed = await run(
        'tasks',
        'fail',
        b.id,
        '--agent',
        'w1',
        '--error',
        'timeout',
        '--no-retry',
        '--json',
      );
      assert.equal(JSON.parse(failed.stdout).status, 'failed');
      const list = await run('tasks', 'list', '--queue', 'crawl');
      assert.match(list.stdout, /^user\s+agent\s+id\s+queue\s+status\s+priority\s+attempts\s+claimedBy/);
      assert.match(list.stdout, /crawl\s+failed\s+3\s+1\/5\s+w1/);
      assert.match(list.stdout, /crawl\s+done\s+0\s+1\/5\s+w1/);
      const onlyDone = JSON.parse((await run('tasks', 'list', '--status', 'done', '--json')).stdout);
      assert.deepEqual(
        onlyDone.map((x: { id: string }) => x.id),
        [t.id],
      );

      const neg = await run('tasks', 'claim', 'crawl', '--agent', 'w1', '--lease', '-5');
      assert.equal(neg.code, 2);
      assert.match(neg.stderr, /^error \[invalid_input\]: --lease: must be more than 0 seconds/);
      const noAgent = await run('tasks', 'claim', 'crawl');
      assert.equal(noAgent.code, 2);
      assert.match(noAgent.stderr, /^error \[invalid_input\]: --agent: /);
      const badJson = await run('tasks', 'add', 'crawl', '--payload', '{oops');
      assert.equal(badJson.code, 2);
      const badId = await run('tasks', 'complete', 'nope', '--agent', 'w1');
      assert.match(badId.stderr, /^error \[invalid_input\]: <id>: must be a uuid/);
    });

    it('watch prints observations live, and replays from --cursor; observe publishes', async () => {
      const first = await run(
        'observe',
        'payments',
        'deploy_failed',
        '--payload',
        '{"region":"eu"}',
        '--agent',
        'ci',
        '--json',
      );
      assert.equal(first.code, 0, first.stderr);
      const o1 = JSON.parse(first.stdout);
      assert.equal(o1.content, 'deploy_failed on payments: region=eu');

      const child = spawn(
        process.execPath,
        ['bin/mnemo.js', 'watch', '--subject', 'payments', '--cursor', String(o1.seq - 1), ...flags],
        { cwd: root, env: { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '' } },
      );
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
      });
      child.stderr.setEncoding('utf8').on('data', (s: string) => {
        err += s;
      });
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        await waitFor(() => out.includes('deploy_failed payments'), 30_000, 'replay from cursor');
        if (backend === 'postgres') {
          // PGlite allows one process per folder: live delivery across processes is a server feature.
          await run('observe', 'search', 'reindexed', '--agent', 'ci');
          await run('observe', 'payments', 'recovered', '--content', 'payments are back', '--agent', 'ops');
          await waitFor(() => out.includes('payments are back'), 30_000, 'live line');
        }
      } finally {
        child.kill('SIGINT');
      }
      assert.equal(await exited, 0, err);
      assert.match(
        out,
        new RegExp(`^#${o1.seq} \\S+ ci deploy_failed payments: deploy_failed on payments: region=eu$`, 'm'),
      );
      assert.doesNotMatch(out, /reindexed/, 'filtered by subject');
      assert.match(err, /stopped; resume with --cursor \d+/);

      const bad = await run('watch', '--cursor', '-1');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--cursor must be a seq/);
    });
  });
}
