/**
 * `mnemo maintain` as an operator or cron runs it, on a fresh store per backend: the
 * report as JSON and as lines; bad flags (of maintain and of serve's schedule) exit 2
 * with a message naming the flag, before any store is opened.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo maintain [${backend}]`, { skip }, () => {
    let store: Awaited<ReturnType<typeof cliStore>>;
    before(async () => {
      store = await cliStore(backend);
    });
    after(() => store.cleanup());

    it('--dry-run --json reports every step and changes nothing; a real run prints a line per step (PostgreSQL)', async () => {
      const dry = await cli([
        'maintain',
        '--dry-run',
        '--json',
        '--purge-archived-after',
        '90d',
        ...store.flags,
      ]);
      assert.equal(dry.code, 0, dry.stderr);
      const r = JSON.parse(dry.stdout);
      assert.equal(r.engine, backend);
      assert.equal(r.dryRun, true);
      assert.deepEqual(
        r.steps.map((s: { step: string }) => s.step),
        ['usage', 'brain', 'cache', 'episodes', 'analyze', 'vacuum', 'reindex'],
      );
      assert.deepEqual(r.steps[0].deleted, { usage_events: 0 });
      assert.equal(r.steps.filter((s: { status: string }) => s.status === 'failed').length, 0);
      if (backend === 'pglite') assert.match(r.steps[6].reason, /^reindex: skipped on PGlite/);

      // The lines, once (each CLI run opens the store: PGlite's open is the slow part).
      if (backend === 'pglite') return;
      const run = await cli([
        'maintain',
        '--only',
        'usage,brain,vacuum,reindex',
        '--usage-retention',
        '13mo',
        ...store.flags,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^maintain on ${backend}, \\d+ ms$`, 'm'));
      assert.match(run.stdout, /^usage: deleted usage_events 0 \(\d+ ms\)$/m);
      assert.match(run.stdout, /^brain: deleted brain 0 \(\d+ ms\)$/m);
      assert.match(run.stdout, /^vacuum: done \(\d+ ms\)$/m);
      assert.match(run.stdout, /^reindex: (reindexed \S+|skipped: no vector index \(no embedder bound)/m);
      assert.doesNotMatch(run.stdout, /^cache:/m);
    });

    if (backend === 'pglite')
      it('bad flags exit 2 with a message naming the flag', async () => {
        const cases: [string[], RegExp][] = [
          [
            ['maintain', '--only', 'usage,bogus'],
            /^error \[invalid_input\]: --only: unknown step "bogus"; the steps are usage, /m,
          ],
          [
            ['maintain', '--usage-retention', 'soon'],
            /^error \[invalid_input\]: --usage-retention: expected a duration such as 13mo/m,
          ],
          [
            ['maintain', '--cache-max-entries', '0'],
            /^error \[invalid_input\]: --cache-max-entries: expected a whole number/m,
          ],
          [
            ['serve', '--maintain-every', '5x'],
            /^error \[invalid_input\]: --maintain-every: expected a duration/m,
          ],
        ];
        const results = await Promise.all(cases.map(([args]) => cli([...args, ...store.flags])));
        results.forEach((r, i) => {
          assert.equal(r.code, 2, `${cases[i]?.[0].join(' ')}: ${r.stderr}`);
          assert.match(r.stderr, cases[i]?.[1] as RegExp);
          assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
        });
      });
  });
}
