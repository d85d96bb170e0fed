/**
 * Recall's text statistics kept on write (migration 0013): after any mix of writes,
 * updates, archiving, purges, rollbacks and concurrent writers in separate processes,
 * what recall reads (recall_stats plus pending deltas) equals an exact recount of the
 * tables, and a purge leaves no lexeme of the purged text behind.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { fixedClock } from '../../src/clock.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { openPostgres } from '../../src/db/postgres.js';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createTestDatabase, describeBackends, PG_URL } from '../support/backends.js';
import { exactStats, storedStats } from '../support/recall-stats.js';

async function assertExact(db: Db, tenant: string, what: string): Promise<void> {
  assert.deepEqual(await storedStats(db, tenant), await exactStats(db, tenant), `statistics exact ${what}`);
}

describeBackends('recall statistics kept on write', (ctx) => {
  let mem: LocalMemory;
  const clock = fixedClock(new Date('2026-03-01T00:00:00Z'));
  const alice = { tenant: 'st', user: 'alice' };
  const bob = { tenant: 'st', user: 'bob' };
  before(async () => {
    mem = await createMemory({ db: ctx.db(), clock, embedder: null, indexer: false });
  });
  after(async () => mem.close());

  it('stay exact through writes, updates, archiving, supersede, rollback and purge', async () => {
    const db = ctx.db();
    await assertExact(db, 'st', 'when empty');
    const eps = await mem.episodes.appendMany({
      scope: alice,
      episodes: [
        { role: 'user', content: 'I booked the flight to Lisbon', subject: 'travel plans' },
        { role: 'assistant', content: 'Lisbon is lovely in May; the flight is short' },
        { role: 'user', content: 'my sister Maria lives in Porto' },
      ],
    });
    await mem.episodes.append({ scope: bob, role: 'user', content: 'bob flies to Lisbon too' });
    await assertExact(db, 'st', 'after appends');

    await db.query(`update episodes set archived_at = now() where id = $1`, [eps[0].id]);
    await assertExact(db, 'st', 'after archiving (an archived episode still counts)');

    const f = await mem.facts.assert({ scope: alice, content: 'alice prefers window seats' });
    await mem.facts.supersede({ scope: alice, id: f.id, fact: { content: 'alice prefers aisle seats' } });
    const g = await mem.facts.assert({ scope: alice, content: 'alice owns a red bicycle' });
    await mem.facts.invalidate({ scope: alice, id: g.id, reason: 'sold it' });
    await assertExact(db, 'st', 'after supersede and invalidate (only current facts count)');

    await mem.brain.set({ scope: alice, key: 'identity.name', value: 'Alice Smith' });
    await mem.brain.set({
      scope: alice,
      key: 'identity.name',
      value: 'Alice Jones',
      description: 'married name',
    });
    await mem.brain.set({ scope: alice, key: 'home.city', value: 'Lisbon' });
    await mem.brain.delete({ scope: alice, key: 'home.city' });
    await assertExact(db, 'st', 'after brain set, overwrite and delete');

    const d = await mem.decisions.record({ scope: alice, context: 'which airline', chosen: 'TAP' });
    await mem.decisions.resolve({
      scope: alice,
      id: d.id,
      status: 'success',
      lessons: 'direct flights save hours',
    });
    await assertExact(db, 'st', 'after a decision and its lessons');

    const before = await storedStats(db, 'st');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(
          `insert into episodes (tenant_id, user_id, role, content) values ('st', 'alice', 'user', 'never kept')`,
        );
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual(
      await storedStats(db, 'st'),
      before,
      'a rolled-back write leaves the statistics as they were',
    );

    await mem.purge.purge({ scope: alice, reason: 'test', by: 'test' });
    await assertExact(db, 'st', 'after purging alice');
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from (select lexeme from recall_stats where user_id = 'alice'
         union all select lexeme from recall_stats_delta where user_id = 'alice') s`,
    );
    assert.equal(rows[0].n, 0, 'no lexeme of the purged user stays in the statistics, not even a zero count');
    assert.ok(
      (await storedStats(db, 'st')).some((r) => r.user_id === 'bob'),
      "bob's statistics stay",
    );
  });

  it('a repeatable-read writer leaves deltas that recall reads and the next write folds', async () => {
    const db = ctx.db();
    await db.transaction(async (tx) => {
      await tx.exec('set transaction isolation level repeatable read');
      await tx.query(
        `insert into episodes (tenant_id, user_id, role, content) values ('rr', 'u', 'user', 'quiet harbour')`,
      );
    });
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from recall_stats_delta where tenant_id = 'rr'`,
    );
    assert.ok(rows[0].n > 0, 'the change waits as deltas');
    await assertExact(db, 'rr', 'with deltas pending');
    await mem.episodes.append({ scope: { tenant: 'rr', user: 'u' }, role: 'user', content: 'busy harbour' });
    const left = await db.query<{ n: number }>(
      `select count(*)::int as n from recall_stats_delta where tenant_id = 'rr'`,
    );
    assert.equal(left.rows[0].n, 0, 'the next read-committed write folded them');
    await assertExact(db, 'rr', 'after the fold');
  });

  it("the migration's backfill counts a store written before it exactly", async () => {
    const db = ctx.db();
    await mem.episodes.append({
      scope: { tenant: 'bf', user: 'x' },
      role: 'user',
      content: 'heron by the lake',
    });
    await mem.facts.assert({ scope: { tenant: 'bf', user: 'x' }, content: 'x watches herons' });
    await mem.brain.set({ scope: { tenant: 'bf' }, key: 'hobby', value: 'birds' });
    const expected = await exactStats(db, 'bf');
    const file = readFileSync(
      new URL('../../src/db/migrations/0013_recall_stats.sql', import.meta.url),
      'utf8',
    );
    const backfill = file.slice(file.indexOf('-- What is stored already.'));
    await db.transaction(async (tx) => {
      await tx.exec('delete from recall_stats; delete from recall_stats_delta;');
      await tx.exec(backfill);
    });
    assert.deepEqual(await storedStats(db, 'bf'), expected);
    await assertExact(db, 'st', 'for every tenant');
  });

  it('recall scores a tenant-wide query with every user counted, and a user query with that user only', async () => {
    const t = { tenant: 'tw' };
    await mem.episodes.append({ scope: { ...t, user: 'a' }, role: 'user', content: 'walrus walrus seal' });
    await mem.episodes.append({ scope: { ...t, user: 'b' }, role: 'user', content: 'walrus penguin' });
    await mem.episodes.append({ scope: { ...t, user: 'b' }, role: 'user', content: 'penguin colony' });
    const one = await mem.recall({ scope: { ...t, user: 'a' }, query: 'walrus', explain: true });
    const all = await mem.recall({ scope: t, query: 'walrus', explain: true });
    assert.equal(one.items.length, 1);
    assert.equal(all.items.length, 2);
    await assertExact(ctx.db(), 'tw', 'in the tenant-wide case');
  });
});

const CHILD = fileURLToPath(new URL('./stats-writer-child.ts', import.meta.url));

function start(url: string, nth: number, at: number, mode: 'write' | 'hold'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, url, String(nth), String(at), mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

describe('recall statistics under concurrent writer processes [postgres]', {
  skip: !PG_URL && 'MNEMO_TEST_DATABASE_URL is not set',
}, () => {
  let t: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Db;
  before(async () => {
    t = await createTestDatabase();
    db = await openPostgres(t.url);
    await migrate(db);
  });
  after(async () => {
    await db?.close();
    await t?.drop();
  });

  it('six processes writing the same scopes at once leave exact statistics', async () => {
    const at = Date.now() + 3000;
    const kids = Array.from({ length: 6 }, (_, i) => start(t.url, i, at, 'write'));
    const codes = await Promise.all(kids.map(async (k) => (await once(k, 'exit'))[0]));
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0], 'every writer finished');
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from episodes where tenant_id = 'stats'`,
    );
    assert.equal(rows[0].n, 6 * (40 + 40), 'every acknowledged write is there');
    await assertExact(db, 'stats', 'after concurrent writers');
  });

  it('a writer does not wait for a running fold: its change waits as deltas, counted all the same', async () => {
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query(`select pg_advisory_xact_lock(hashtext('mnemo.recall_stats'))`);
      const mem = await createMemory({ databaseUrl: t.url, embedder: null, indexer: false });
      try {
        // Would hang (and time out) if the write waited for the lock.
        await mem.episodes.append({
          scope: { tenant: 'fold', user: 'u' },
          role: 'user',
          content: 'osprey nest',
        });
        const { rows } = await db.query<{ n: number }>(
          `select count(*)::int as n from recall_stats_delta where tenant_id = 'fold'`,
        );
        assert.ok(rows[0].n > 0, 'the change is pending as deltas');
        await assertExact(db, 'fold', 'while the fold lock is held');
        const r = await mem.recall({ scope: { tenant: 'fold', user: 'u' }, query: 'osprey' });
        assert.equal(r.items.length, 1, 'recall finds it, scored with the pending counts');
        await holder.query('commit');
        await mem.episodes.append({
          scope: { tenant: 'fold', user: 'u' },
          role: 'user',
          content: 'osprey flight',
        });
        const left = await db.query<{ n: number }>(
          `select count(*)::int as n from recall_stats_delta where tenant_id = 'fold'`,
        );
        assert.equal(left.rows[0].n, 0, 'the next write folded everything');
        await assertExact(db, 'fold', 'after the fold');
      } finally {
        await mem.close();
      }
    } finally {
      await holder.end();
    }
  });

  it('a writer killed inside its transaction leaves no trace in the statistics', async () => {
    const before = await storedStats(db, 'stats');
    const k = start(t.url, 99, 0, 'hold');
    let out = '';
    k.stdout?.on('data', (b) => {
      out += String(b);
    });
    while (!out.includes('holding')) await new Promise((r) => setTimeout(r, 50));
    k.kill('SIGKILL');
    await once(k, 'exit');
    // The server rolls the transaction back when its connection drops.
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where state like 'idle in transaction%' and datname = current_database()`,
      );
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.deepEqual(await storedStats(db, 'stats'), before, 'the statistics are unchanged');
    await assertExact(db, 'stats', 'after the kill');
  });
});
