/**
 * The thresholds table of docs/operations.md is the registry's (src/stats/stats-thresholds.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { THRESHOLDS } from '../../src/stats/stats-thresholds.js';

it('docs/operations.md lists every threshold as the registry measures and limits it', () => {
  const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Thresholds'), doc.indexOf('### Unavailable figures'));
  const rows = section.split('\n').filter((l) => /^\| `[a-z_]+` \|/.test(l));
  assert.deepEqual(
    rows,
    THRESHOLDS.map((t) => `| \`${t.name}\` | ${t.measured} | ${t.limitText} |`),
  );
});
