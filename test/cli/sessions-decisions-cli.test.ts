import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../support/backends.js';
import { cli, cliStore } from './cli-harness.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo sessions and decisions [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
    });
    after(() => cleanup());
    const run = (...args: string[]) => cli([...args, ...flags, '--user', 'alice']);

    it('starts, ends and lists sessions; a taken id is a conflict', async () => {
      const s = await run('sessions', 'start', 'run-1', '--metadata', '{"channel":"cli"}', '--json');
      assert.equal(s.code, 0, s.stderr);
      assert.deepEqual(JSON.parse(s.stdout).metadata, { channel: 'cli' });
      const dup = await run('sessions', 'start', 'run-1');
      assert.equal(dup.code, 1);
      assert.match(dup.stderr, /^error \[conflict\]: session "run-1" already exists/);
      const bad = await run('sessions', 'start', '--metadata', '{oops');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^error \[invalid_input\]: --metadata must be JSON/);
      const end = await run('sessions', 'end', 'run-1', '--summary', 'fixed the build', '--json');
      assert.equal(JSON.parse(end.stdout).summary, 'fixed the build');
      const list = await run('sessions', 'list', '--ended');
      assert.match(
        list.stdout,
        /^agent\s+id\s+startedAt\s+endedAt\s+summary$/m,
        'spans the agent: --user given',
      );
      assert.match(list.stdout, /^\s+run-1\s+.*fixed the build$/m);
      const missing = await run('sessions', 'end', 'nope');
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^error \[not_found\]: no session "nope"/);
    });

    it('records, resolves and lists decisions, and shows lessons', async () => {
      const r = await run(
        'decisions',
        'record',
        '--subject',
        'deploy',
        '--context',
        'release on a Friday?',
        '--alternative',
        'ship now',
        '--alternative',
        '{"option":"wait","risk":"low"}',
        '--chosen',
        'wait',
        '--tag',
        'release',
        '--json',
      );
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout);
      assert.deepEqual(d.alternatives, ['ship now', { option: 'wait', risk: 'low' }]);
      assert.equal(d.status, 'pending');
      const missing = await run('decisions', 'record', '--chosen', 'x');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /^error \[invalid_input\]: --context: is required/);
      const res = await run(
        'decisions',
        'resolve',
        d.id,
        '--status',
        'success',
        '--outcome',
        '{"pages":0}',
        '--lessons',
        'never ship on Fridays',
        '--json',
      );
      assert.equal(res.code, 0, res.stderr);
      assert.deepEqual(JSON.parse(res.stdout).outcome, { pages: 0 });
      const twice = await run('decisions', 'resolve', d.id, '--status', 'failure');
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /^error \[conflict\]: decision .* already resolved \(success\)/);
      const list = JSON.parse((await run('decisions', 'list', '--text', 'friday', '--json')).stdout);
      assert.deepEqual(
        list.map((x: { id: string }) => x.id),
        [d.id],
      );
      const lessons = await run('decisions', 'lessons', '--subject', 'deploy');
      assert.match(lessons.stdout, /^\s+deploy\s+success\s+never ship on Fridays\s+[0-9a-f-]{36}$/m);
    });
  });
}
