/**
 * `mnemo usage` on a fresh store per backend holding November 2026 (usage-fixture.ts):
 * the CSV parses back with its header (both backends); the text is readable lines and
 * `--tenant` filters (PostgreSQL); a bad month, an unknown flag or two output formats exit 2
 * with a message (PGlite: refused before any store is opened). Few spawns: each costs.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { StoreLocation } from '../../src/db/db.js';
import { openStore } from '../../src/db/open.js';
import { USAGE_CSV_COLUMNS } from '../../src/usage-report/usage-report-csv.js';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';
import { parseCsv } from './csv.js';
import { type UsageFixture, writeUsage } from './usage-fixture.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo usage [${backend}]`, { skip }, () => {
    let store: Awaited<ReturnType<typeof cliStore>>;
    let f: UsageFixture;
    before(async () => {
      store = await cliStore(backend);
      const [flag, where] = store.flags as [string, string];
      const loc: StoreLocation =
        flag === '--data-dir' ? { kind: 'pglite', dataDir: where } : { kind: 'postgres', url: where };
      const db = await openStore(loc);
      try {
        f = await writeUsage(db);
      } finally {
        await db.close();
      }
    });
    after(() => store.cleanup());

    it('--csv prints a header and a row per tenant, key, endpoint, method and status', async () => {
      const r = await cli(['usage', '--month', '2026-11', '--csv', ...store.flags]);
      assert.equal(r.code, 0, r.stderr);
      const rows = parseCsv(r.stdout);
      assert.deepEqual(rows[0], [...USAGE_CSV_COLUMNS]);
      assert.equal(rows.length, 1 + 7);
      const col = (name: (typeof USAGE_CSV_COLUMNS)[number]) => USAGE_CSV_COLUMNS.indexOf(name);
      const refused = rows.find((x) => x[col('status')] === '429');
      assert.deepEqual(
        [col('tenant'), col('key_id'), col('key_name'), col('requests'), col('key_overage')].map(
          (i) => refused?.[i],
        ),
        ['acme', f.metered.id, 'billing, "metered"', '2', '10'],
      );
      assert.deepEqual([...new Set(rows.slice(1).map((x) => x[col('tenant')]))], ['acme', 'globex']);
    });

    it('prints a line per tenant, key, status and endpoint; --tenant keeps one tenant', async (t) => {
      if (backend === 'pglite') {
        t.skip(
          'the same command code over a report proven on both backends (usage-report.test.ts): run once, on PostgreSQL (a PGlite spawn is slow)',
        );
        return;
      }
      const j = await cli(['usage', '--month', '2026-11', '--tenant', 'globex', '--json', ...store.flags]);
      assert.equal(j.code, 0, j.stderr);
      const report = JSON.parse(j.stdout);
      assert.deepEqual(
        report.tenants.map((x: { tenant: string; requests: number }) => [x.tenant, x.requests]),
        [['globex', 1]],
      );
      const text = await cli(['usage', '--month', '2026-11', ...store.flags]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(
        text.stdout,
        /^usage 2026-11 \(UTC, 2026-11-01T00:00:00\.000Z to 2026-12-01T00:00:00\.000Z\)$/m,
      );
      assert.match(
        text.stdout,
        /^tenant acme: 17 requests \(2 refused\), 200 tokens, cost \$0\.5000, overage 10, latency p50 40 ms, p95 200 ms, p99 200 ms$/m,
      );
      assert.match(
        text.stdout,
        new RegExp(
          `^ {2}key ${f.metered.prefix} \\(billing, "metered"\\): 15 requests, quota 3, used 13, overage 10, 2 refused`,
          'm',
        ),
      );
      assert.match(text.stdout, /^ {4}by status: 200 12, 404 1, 429 2$/m);
      assert.match(
        text.stdout,
        /^ {4}GET \/v1\/facts 200: 10 requests, 0 tokens, cost \$0\.0000, latency p50 55 ms, p95 95\.5 ms, p99 99\.1 ms$/m,
      );
      assert.match(text.stdout, /^ {2}no key: 1 requests, no quota/m);
      assert.match(text.stdout, /^tenant globex: 1 requests/m);
    });

    it('exits 2 with a message on a bad month, an unknown flag or two formats', async (t) => {
      if (backend === 'postgres') {
        t.skip('refused before the store is opened: the same on both backends (run once, on PGlite)');
        return;
      }
      const cases: [string[], RegExp][] = [
        [
          ['--month', '2026-13'],
          /^error \[invalid_input\]: --month: expected a month written YYYY-MM, such as 2026-11 \(got "2026-13"\)$/m,
        ],
        [['--month', 'nov'], /--month: expected a month written YYYY-MM/],
        [['--bogus'], /unknown option '--bogus'/],
        [['--json', '--csv'], /^error \[invalid_input\]: --json and --csv: choose one output format$/m],
      ];
      for (const [args, message] of cases) {
        const r = await cli(['usage', ...args, ...store.flags]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
      }
    });
  });
}
