/**
 * `mnemo stats` as cron runs it, on a fresh store per backend: `--check` exits 0 on a
 * healthy store and 3 with a warning line on one past its size limit; bad flags exit 2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo stats [${backend}]`, { skip }, () => {
    let store: Awaited<ReturnType<typeof cliStore>>;
    before(async () => {
      store = await cliStore(backend);
      const r = await cli(['remember', 'Ada prefers tea', ...store.flags]);
      assert.equal(r.code, 0, r.stderr);
    });
    after(() => store.cleanup());

    it('--check exits 0 on a healthy store and prints the figures', async () => {
      const r = await cli(['stats', '--check', ...store.flags]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^rows: episode 0, fact 1, /m);
      assert.match(r.stdout, /^embedding backlog: /m);
      assert.doesNotMatch(r.stdout, /^warning/m);
      if (backend === 'pglite') assert.match(r.stdout, /^unavailable: database\.connections: /m);
      else assert.match(r.stdout, /^ {2}connections: \d+ of \d+$/m);
    });

    it('--check exits 3 with a warning line when the store is past 90% of --max-size', async () => {
      const r = await cli(['stats', '--check', '--max-size', '1MB', ...store.flags]);
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /^warning \[store_size\]: the database holds [\d.]+ MB, past 90% of its 1\.0 MB limit/m,
      );
      // Without --check the same report exits 0: the warning is printed, not judged.
      assert.equal((await cli(['stats', '--max-size', '1MB', ...store.flags])).code, 0);
    });

    it('--json prints the report, warnings included', async () => {
      const r = await cli(['stats', '--json', '--check', '--max-size', '10GB', ...store.flags]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.tenant, 'default');
      assert.equal(report.rows.fact, 1);
      assert.equal(report.database.maxSizeBytes, 10 * 1024 ** 3);
      assert.deepEqual(report.warnings, []);
    });

    it('refuses a bad size with exit 2 and a typed error naming the flag', async () => {
      for (const bad of ['banana', '0', '-5GB', '10XB']) {
        const r = await cli(['stats', '--max-size', bad, ...store.flags]);
        assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /^error \[invalid_input\]: --max-size: expected a size such as 10GB/m);
      }
    });

    it('--all-tenants adds the rows of every tenant', async () => {
      assert.equal((await cli(['remember', 'Globex ships', '--tenant', 'globex', ...store.flags])).code, 0);
      const r = await cli(['stats', '--all-tenants', '--json', ...store.flags]);
      assert.equal(r.code, 0, r.stderr);
      const { tenant, tenants } = JSON.parse(r.stdout);
      assert.equal(tenant, 'default');
      assert.deepEqual(
        tenants.map((t: { tenant: string; fact: number }) => [t.tenant, t.fact]),
        [
          ['default', 1],
          ['globex', 1],
        ],
      );
      const lines = await cli(['stats', '--all-tenants', ...store.flags]);
      assert.match(lines.stdout, /^rows per tenant:\ntenant +episode +fact/m);
      assert.match(lines.stdout, /^globex +0 +1 /m);
    });
  });
}
