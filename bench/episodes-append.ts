// Appends 10,000 episodes with one appendMany call on PGlite (in memory) and on PostgreSQL
// (MNEMO_BENCH_DATABASE_URL, else a scratch database on MNEMO_TEST_DATABASE_URL's server),
// and prints wall time, episodes/s and database round trips.
// Usage: npx tsx bench/episodes-append.ts [count]
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { systemClock } from '../src/clock.js';
import type { Db } from '../src/db/db.js';
import { openStore } from '../src/db/open.js';
import { createEpisodes } from '../src/episodes/episodes-service.js';

const COUNT = Number(process.argv[2] ?? 10_000);

/** Wraps a Db so every statement sent to the server (query, exec, in or out of a transaction) is counted. */
function counting(db: Db, counter: { n: number }): Db {
  return {
    dialect: db.dialect,
    query: (sql, params) => {
      counter.n++;
      return db.query(sql, params);
    },
    exec: (sql) => {
      counter.n++;
      return db.exec(sql);
    },
    transaction: (fn) => {
      counter.n += 2; // begin + commit
      return db.transaction((tx) => fn(counting(tx, counter)));
    },
    listen: (c, f) => db.listen(c, f),
    close: () => db.close(),
  };
}

function episodes(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    content: `turn ${i}: the user asked about deploying service ${i % 97} and the assistant explained the rollout plan`,
    role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
    importance: (i % 10) + 1,
    tags: i % 3 ? ['chat'] : ['chat', 'deploy'],
    metadata: { turn: i },
    session: `s${Math.floor(i / 100)}`,
  }));
}

async function bench(name: string, db: Db): Promise<void> {
  const counter = { n: 0 };
  const eps = createEpisodes({ db: counting(db, counter), clock: systemClock });
  // Warm up (plans, caches) on a small batch, not counted.
  await eps.appendMany({ scope: { tenant: 'warmup' }, episodes: episodes(100) });
  counter.n = 0;
  const items = episodes(COUNT);
  const t0 = performance.now();
  const out = await eps.appendMany({ scope: { tenant: 'bench', user: 'u1' }, episodes: items });
  const ms = performance.now() - t0;
  if (out.length !== COUNT) throw new Error(`expected ${COUNT} episodes, got ${out.length}`);
  console.log(
    `${name.padEnd(10)} ${COUNT} episodes in ${ms.toFixed(0)} ms = ${Math.round((COUNT / ms) * 1000)} episodes/s, ${counter.n} round trip(s)`,
  );
}

const pgl = await openStore({ kind: 'pglite', dataDir: null });
try {
  await bench('pglite', pgl);
} finally {
  await pgl.close();
}

const url = process.env.MNEMO_BENCH_DATABASE_URL;
const server = process.env.MNEMO_TEST_DATABASE_URL;
if (url) {
  const db = await openStore({ kind: 'postgres', url });
  try {
    await bench('postgres', db);
  } finally {
    await db.close();
  }
} else if (server) {
  const name = `mnemo_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(server);
  u.pathname = `/${name}`;
  try {
    const db = await openStore({ kind: 'postgres', url: u.toString() });
    try {
      await bench('postgres', db);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log('postgres   skipped: set MNEMO_BENCH_DATABASE_URL or MNEMO_TEST_DATABASE_URL');
}
