// Shared assertions for bad-input tests of the episodes, facts and purge areas.
import assert from 'node:assert/strict';
import type { Db } from '../../src/db/db.js';
import { MnemoError } from '../../src/errors.js';

/** Asserts `p` rejects with a MnemoError of `code` naming `field` (undefined = any field). */
export async function rejectsWith(p: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof MnemoError, `expected a MnemoError, got ${(e as Error)?.stack ?? e}`);
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.field, field, e.message);
    assert.ok(e.message.length > 10, 'the message says what to fix');
    return true;
  });
}

/** Row counts of the tables a memory write can touch, to prove a failed call changed nothing. */
export async function snapshot(db: Db): Promise<string> {
  const tables = [
    'episodes',
    'facts',
    'decisions',
    'sessions',
    'tasks',
    'brain',
    'brain_history',
    'llm_cache',
    'conflicts',
    'purge_audit',
  ];
  const out: string[] = [];
  for (const t of tables) {
    const { rows } = await db.query<{ n: number; h: string }>(
      `select count(*) as n, coalesce(md5(string_agg(x::text, ',' order by x::text)), '') as h from ${t} x`,
    );
    out.push(`${t}=${rows[0].n}:${rows[0].h}`);
  }
  return out.join(' ');
}
