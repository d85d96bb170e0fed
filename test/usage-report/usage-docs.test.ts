/**
 * The CSV columns table of docs/operations.md is the formatter's (USAGE_CSV_COLUMNS), in
 * its order, and so is the header of the example.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { USAGE_CSV_COLUMNS } from '../../src/usage-report/usage-report-csv.js';

it('docs/operations.md lists the usage CSV columns in the order the CSV has them', () => {
  const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### CSV'), doc.indexOf('### Flags and who sees what'));
  const columns = section
    .split('\n')
    .map((l) => /^\| `([a-z0-9_]+)` \|/.exec(l)?.[1])
    .filter((c) => c !== undefined);
  assert.deepEqual(columns, [...USAGE_CSV_COLUMNS]);
  assert.ok(section.includes(`\n${USAGE_CSV_COLUMNS.join(',')}\n`), 'the example starts with the header');
});
