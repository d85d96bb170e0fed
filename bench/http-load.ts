/**
 * HTTP load: requests per second and latency percentiles of `mnemo serve` for recall
 * and for writes, measured with autocannon from this process against a server in a
 * child process (two processes on two cores, as a small deployment would run).
 *
 *   npx tsx bench/http-load.ts [--seconds 10] [--connections 10] [--memories 2000] [--database-url URL]
 *
 * With --database-url the server uses that PostgreSQL database (it should be empty:
 * a scratch one), otherwise an embedded store in a temporary folder.
 *
 * Then recalls and writes run at once (`connections` each, the writes in another user's
 * scope), to see what recalls cost the writes.
 *
 * The embedded store is seeded with LoCoMo development turns (embedded with the
 * built-in model) before the server starts. Recall queries are the LoCoMo questions,
 * rotated so the server's query-embedding cache rarely helps.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadLocomo } from '../src/bench/locomo-bench.js';
import { createMemory } from '../src/memory.js';

const require = createRequire(import.meta.url);
// autocannon ships no types; its programmatic API is documented in its README.
const autocannon = require('autocannon') as (opts: object) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}>;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    memories: { type: 'string', default: '2000' },
    data: { type: 'string', default: '../shared/bench/locomo' },
    'database-url': { type: 'string' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'mnemo-http-bench-'));
const conversations = loadLocomo(values.data as string);
const turns = conversations.flatMap((c) => c.turns);
const questions = conversations.flatMap((c) => c.questions.map((q) => q.question));

const databaseUrl = values['database-url'] as string | undefined;
const store = databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', dir];
const seed = await createMemory(databaseUrl ? { databaseUrl } : { dataDir: dir });
const n = Number(values.memories);
for (let i = 0; i < n; i += 1000) {
  await seed.episodes.appendMany({
    scope: { user: 'bench' },
    episodes: Array.from({ length: Math.min(1000, n - i) }, (_, j) => {
      const t = turns[(i + j) % turns.length];
      return {
        content: t.content,
        session: `${t.session}-${Math.floor((i + j) / turns.length)}`,
        occurredAt: t.occurredAt,
      };
    }),
  });
}
await seed.flush();
// The planner's statistics, as autovacuum (or mnemo's own analyzer) would gather them
// after a bulk load: measured without them, a 5,000-row scope's plans are nested loops.
await seed.db.exec('analyze');
await seed.close();

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const server = spawn(process.execPath, ['bin/mnemo.js', 'serve', '--port', String(port), ...store], {
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${base}/healthz`)).ok) break;
  } catch {}
  if (i > 300) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const duration = Number(values.seconds);
const connections = Number(values.connections);
let qi = 0;
const scenarios: Record<string, object> = {
  'recall (POST /v1/recall, k 10)': {
    method: 'POST',
    path: '/v1/recall',
    setupRequest: (req: object) => ({
      ...req,
      body: JSON.stringify({ scope: { user: 'bench' }, query: questions[qi++ % questions.length], k: 10 }),
    }),
  },
  'write (POST /v1/episodes, one episode)': {
    method: 'POST',
    path: '/v1/episodes',
    setupRequest: (req: object) => ({
      ...req,
      body: JSON.stringify({ scope: { user: 'bench', session: 'load' }, content: `load test turn ${qi++}` }),
    }),
  },
  'brain read (GET /v1/brain/{key})': {
    method: 'GET',
    path: '/v1/brain/identity.name?user=bench',
  },
};

type Result = Awaited<ReturnType<typeof autocannon>>;
function report(name: string, r: Result): void {
  console.log(
    JSON.stringify({
      scenario: name,
      store: databaseUrl ? 'postgres' : 'pglite',
      memories: n,
      connections,
      seconds: duration,
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    }),
  );
}

try {
  await fetch(`${base}/v1/brain/identity.name`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: { user: 'bench' }, value: 'Bench' }),
  });
  // Warm up: the model loads in the server on the first query.
  await fetch(`${base}/v1/recall`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scope: { user: 'bench' }, query: 'warm up' }),
  });
  for (const [name, request] of Object.entries(scenarios)) {
    const r = await autocannon({
      url: base,
      connections,
      duration,
      headers: { 'content-type': 'application/json' },
      requests: [request],
    });
    report(name, r);
  }
  // Writes while recalls run: both at once, `connections` each; the writes go to another
  // user's scope (an agent writing its own memories while others recall), so recall's
  // fresh-row step does not embed them. On PostgreSQL, first wait (up to 2 min) for the
  // server's indexer to embed what the write scenario wrote, so both start from rest.
  if (databaseUrl) {
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    for (let i = 0; i < 240; i++) {
      const { rows } = await c.query<{ n: number }>(
        'select count(*)::int as n from episodes where embedding is null',
      );
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    await c.end();
  }
  const writer = {
    method: 'POST',
    path: '/v1/episodes',
    setupRequest: (req: object) => ({
      ...req,
      body: JSON.stringify({ scope: { user: 'writer', session: 'load' }, content: `load test turn ${qi++}` }),
    }),
  };
  const [rec, wr] = await Promise.all(
    [scenarios['recall (POST /v1/recall, k 10)'], writer].map((request) =>
      autocannon({
        url: base,
        connections,
        duration,
        headers: { 'content-type': 'application/json' },
        requests: [request],
      }),
    ),
  );
  for (const [name, r] of [
    ['recall, while writes run', rec],
    ['write, while recalls run', wr],
  ] as const)
    report(name, r);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
