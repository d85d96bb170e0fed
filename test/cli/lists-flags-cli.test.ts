// The CLI's rules for flags and lists, through the built CLI on both backends: errors name
// the flag, date flags say the format, brain set refuses broken JSON, and every list
// filters by the scope flags given and spans the rest, with a column per spanned part.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../support/backends.js';
import { cli, cliStore } from './cli-harness.js';

/** A one-line error with its code, no stack trace. */
function oneLineError(stderr: string, code: string, text: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${stderr}`);
  assert.match(lines[0], new RegExp(`^error \\[${code}\\]: `));
  assert.match(lines[0], text);
}

const header = (stdout: string) => stdout.split('\n')[0].trim().split(/\s+/);

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo flags and lists [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    const run = (...args: string[]) => cli([...args, ...flags], { MNEMO_EMBEDDER: 'none' });
    const ok = async (...args: string[]) => {
      const r = await run(...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
    });
    after(() => cleanup());

    it('brain set refuses a value that starts like JSON and does not parse; --string stores it as text', async () => {
      const r = await run('brain', 'set', 'a.b', '{"a":');
      assert.equal(r.code, 2);
      oneLineError(
        r.stderr,
        'invalid_input',
        /^error \[invalid_input\]: <value>: starts like JSON but does not parse .*--string/,
      );
      const n = await run('brain', 'set', 'a.n', '42 apples');
      assert.equal(n.code, 2, 'a number followed by words is a typo too');
      assert.equal((await run('brain', 'get', 'a.b')).code, 1, 'nothing was stored');
      const s = await ok('brain', 'set', 'a.b', '{"a":', '--string', '--json');
      assert.equal(JSON.parse(s.stdout).value, '{"a":');
      const w = await ok('brain', 'set', 'a.w', 'plain words stay text', '--json');
      assert.equal(JSON.parse(w.stdout).value, 'plain words stay text');
      const j = await ok('brain', 'set', 'a.j', '{"a":1}', '--json');
      assert.deepEqual(JSON.parse(j.stdout).value, { a: 1 });
    });

    it('errors name the flag, not the library field', async () => {
      const agent = await run('brain', 'set', 'x.y', '1', '--agent', 'a'.repeat(300));
      assert.equal(agent.code, 2);
      oneLineError(
        agent.stderr,
        'invalid_input',
        /^error \[invalid_input\]: --agent: must be at most 256 characters$/,
      );
      const p = await run('brain', 'set', 'x.y', '1', '--priority', '11');
      oneLineError(p.stderr, 'invalid_input', /^error \[invalid_input\]: --priority: must be 1 to 10/);
      const ttl = await run('brain', 'set', 'x.y', '1', '--ttl', '0');
      oneLineError(ttl.stderr, 'invalid_input', /^error \[invalid_input\]: --ttl: /);
      const key = await run('brain', 'get', 'a..b');
      oneLineError(key.stderr, 'invalid_input', /^error \[invalid_input\]: <key>: /);
    });

    it('date flags say the format they expect, with an example, and store nothing', async () => {
      const format = /expected an ISO 8601 date or date-time, e\.g\. 2026-11-30 or 2026-11-30T14:00:00Z/;
      const asOf = await run('facts', 'list', '--as-of', 'next week');
      assert.equal(asOf.code, 2);
      oneLineError(asOf.stderr, 'invalid_input', /^error \[invalid_input\]: --as-of: /);
      assert.match(asOf.stderr, format);
      const ra = await run('tasks', 'add', 'later', '--run-after', '30/11/2026');
      assert.equal(ra.code, 2);
      oneLineError(ra.stderr, 'invalid_input', /^error \[invalid_input\]: --run-after: /);
      assert.match(ra.stderr, format);
      const feb = await run('episodes', 'list', '--since', '2026-02-30');
      assert.equal(feb.code, 2, 'a day that does not exist');
      assert.match(feb.stderr, /--since: .*got "2026-02-30"/);
      assert.deepEqual(JSON.parse((await ok('tasks', 'list', '--queue', 'later', '--json')).stdout), []);
      const t = JSON.parse((await ok('tasks', 'add', 'later', '--run-after', '2030-01-01', '--json')).stdout);
      assert.equal(t.runAfter, '2030-01-01T00:00:00.000Z');
      const t2 = JSON.parse(
        (await ok('tasks', 'add', 'later', '--run-after', '2030-01-01T12:30:00+02:00', '--json')).stdout,
      );
      assert.equal(t2.runAfter, '2030-01-01T10:30:00.000Z');
    });

    it('every list filters by the scope flags given and spans the rest, with a column per spanned part', async () => {
      const alice = ['--user', 'alice', '--agent', 'a1', '--session', 's1'];
      await ok('brain', 'set', 'k.alice', '1', ...alice);
      await ok('brain', 'set', 'k.bob', '1', '--user', 'bob');
      await ok('facts', 'add', 'fact of alice', ...alice);
      await ok('facts', 'add', 'fact of bob', '--user', 'bob');
      await ok('episodes', 'add', 'episode of alice', ...alice);
      await ok('episodes', 'add', 'episode of bob', '--user', 'bob');
      await ok('sessions', 'start', 'session-of-alice', '--user', 'alice', '--agent', 'a1');
      await ok('sessions', 'start', 'session-of-bob', '--user', 'bob');
      await ok('decisions', 'record', '--context', 'decision of alice', '--chosen', 'x', ...alice);
      await ok('decisions', 'record', '--context', 'decision of bob', '--chosen', 'y', '--user', 'bob');
      await ok('tasks', 'add', 'q', '--payload', '{"of":"alice"}', '--user', 'alice', '--agent', 'a1');
      await ok('tasks', 'add', 'q', '--payload', '{"of":"bob"}', '--user', 'bob');

      const lists: { args: string[]; parts: string[] }[] = [
        { args: ['brain', 'list', 'k'], parts: ['user', 'agent'] },
        { args: ['facts', 'list'], parts: ['user', 'agent', 'session'] },
        { args: ['episodes', 'list'], parts: ['user', 'agent', 'session'] },
        { args: ['sessions', 'list'], parts: ['user', 'agent'] },
        { args: ['decisions', 'list'], parts: ['user', 'agent', 'session'] },
        { args: ['tasks', 'list', '--queue', 'q'], parts: ['user', 'agent'] },
      ];
      for (const { args, parts } of lists) {
        const all = await ok(...args);
        assert.deepEqual(header(all.stdout).slice(0, parts.length), parts, `${args[0]}: spans ${parts}`);
        assert.match(all.stdout, /alice/, `${args[0]} without --user lists alice's`);
        assert.match(all.stdout, /bob/, `${args[0]} without --user lists bob's`);
        const mine = await ok(...args, '--user', 'alice');
        const h = header(mine.stdout);
        assert.deepEqual(
          h.slice(0, parts.length - 1),
          parts.slice(1),
          `${args[0]} --user alice spans the rest`,
        );
        assert.ok(!h.includes('user'), `${args[0]} --user alice has no user column`);
        assert.match(mine.stdout, /alice/);
        assert.doesNotMatch(mine.stdout, /bob/, `${args[0]} --user alice lists only alice's`);
        const line = mine.stdout.split('\n')[2];
        assert.match(line, /^a1\s/, `${args[0]}: the agent column holds the agent`);
        const other = await ok(...args, '--user', 'alice', '--agent', 'a2');
        assert.match(other.stdout, /^\(none\)$/m, `${args[0]} --agent a2 filters it out`);
      }
    });
  });
}
