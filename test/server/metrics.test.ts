/**
 * GET /metrics: parsed by a real Prometheus text-format parser; every metric is there
 * and moves when its event happens (requests, recalls, embeddings, tasks, LLM calls and
 * cache lookups against a fake OpenAI-compatible server, rate-limit refusals, the pool,
 * the stats figures). Prometheus's own promtool lints the scrape and checks the sample
 * alert rules of docs/operations.md.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { z } from 'zod';
import { cachedCompleteJson } from '../../src/formation/llm-cached.js';
import { createLlmClient } from '../../src/formation/llm-client.js';
import type { Embedder } from '../../src/recall/embedders/embedder.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { createMetrics } from '../../src/server/metrics.js';
import { describeBackends } from '../support/backends.js';
import {
  apiError,
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';
import { startServer, type TestServer } from './server-helpers.js';

/** promtool is installed by scripts/setup-promtool.sh (CI runs it); elsewhere this part says it is missing. */
const PROMTOOL =
  spawnSync('promtool', ['--version']).status === 0
    ? false
    : process.env.CI
      ? false // CI must have it: the test then fails on the missing binary
      : 'promtool is not installed: bash scripts/setup-promtool.sh';

const NAMES = [
  'mnemo_http_requests_total',
  'mnemo_http_request_duration_seconds',
  'mnemo_recall_duration_seconds',
  'mnemo_embedding_backlog_rows',
  'mnemo_embedded_rows_total',
  'mnemo_tasks',
  'mnemo_llm_calls_total',
  'mnemo_llm_tokens_total',
  'mnemo_llm_cost_dollars_total',
  'mnemo_llm_cache_lookups_total',
  'mnemo_db_pool_connections',
  'mnemo_rate_limited_total',
  'mnemo_rows',
  'mnemo_database_size_bytes',
  'mnemo_db_blocks_total',
  'mnemo_db_longest_statement_seconds',
  'process_cpu_user_seconds_total',
];

type Scrape = Map<string, PromFamily> & { text: string };

/**
 * The observation count of one labelled series of a histogram. The parser flattens the
 * series of a histogram with labels besides `le` into one set of buckets (it follows an
 * early client_python), so it reads the lines of that one series with those labels taken out.
 */
function histogramCount(s: Scrape, name: string, labels: Record<string, string>): number {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const lines = s.text
    .split('\n')
    .filter(
      (l) =>
        l.startsWith(`# HELP ${name} `) ||
        l.startsWith(`# TYPE ${name} `) ||
        (l.startsWith(`${name}_`) && pairs.every((p) => l.includes(p))),
    )
    .map((l) => {
      let out = l;
      for (const p of pairs) out = out.replace(p, '');
      return out.replace(/,+/g, ',').replace('{,', '{').replace(',}', '}').replace('{}', '');
    });
  const family = parsePrometheusTextFormat(`${lines.join('\n')}\n`)[0];
  return Number(family?.metrics[0]?.count ?? 0);
}

/** Sum of the samples of `name` whose labels include `labels` (a histogram's count). */
function value(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const family = s.get(name);
  if (!family) return 0;
  let sum = 0;
  for (const m of family.metrics) {
    if (!Object.entries(labels).every(([k, v]) => m.labels?.[k] === v)) continue;
    sum += Number(family.type === 'HISTOGRAM' ? m.count : m.value);
  }
  return sum;
}

/** Releases held embeddings: the indexer waits on it while a test looks at the backlog. */
let gate: Promise<void> = Promise.resolve();

function gatedEmbedder(): Embedder {
  const inner = createHashEmbedder({ dimension: 32 });
  return {
    ...inner,
    embed: async (texts, o) => {
      await gate;
      return inner.embed(texts, o);
    },
  };
}

describeBackends('GET /metrics', (ctx) => {
  let t: TestServer;
  let fake: FakeOpenAiServer;
  let admin: string;
  let reader: string;
  before(async () => {
    fake = await startFakeOpenAiServer();
    // Row counts read at every scrape here, so a write shows at once (60 s by default).
    const metrics = createMetrics({ rowCountTtlMs: 0 });
    t = await startServer(ctx.db(), {
      serve: { metrics },
      memory: {
        observer: metrics.observer,
        embedder: gatedEmbedder(),
        llm: createLlmClient({
          baseUrl: fake.baseUrl,
          model: 'test-model',
          maxRetries: 0,
          pricing: { promptPerMTok: 1_000_000, completionPerMTok: 2_000_000 },
        }),
      },
    });
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  async function scrape(key = admin): Promise<Scrape> {
    const r = await t.call('/metrics', { key });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return Object.assign(new Map(parsePrometheusTextFormat(r.text).map((f) => [f.name, f])), {
      text: r.text,
    });
  }

  it('answers without a key in open loopback mode (no key in the store)', async () => {
    const r = await t.call('/metrics');
    assert.equal(r.status, 200);
    assert.ok(parsePrometheusTextFormat(r.text).length > 0);
    admin = await t.key({ tenant: 'default', scopes: ['admin'] });
    reader = await t.key({ tenant: 'default', scopes: ['read', 'write'] });
  });

  it('answers an admin key; a read/write key gets 403 and no key 401, in the API error shape', async () => {
    assert.equal((await t.call('/metrics', { key: admin })).status, 200);
    const forbidden = await t.call('/metrics', { key: reader });
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.error.code, 'forbidden');
    const anonymous = await t.call('/metrics');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error.code, 'unauthorized');
  });

  it('has every metric, with Prometheus types; the pool only on PostgreSQL', async () => {
    const s = await scrape();
    for (const name of NAMES) assert.ok(s.has(name), `${name} is missing`);
    assert.equal(s.get('mnemo_http_request_duration_seconds')?.type, 'HISTOGRAM');
    assert.equal(s.get('mnemo_recall_duration_seconds')?.type, 'HISTOGRAM');
    assert.equal(s.get('mnemo_tasks')?.type, 'GAUGE');
    assert.equal(s.get('mnemo_http_requests_total')?.type, 'COUNTER');
    const pool = s.get('mnemo_db_pool_connections')?.metrics ?? [];
    if (ctx.backend === 'pglite') assert.equal(pool.length, 0);
    else assert.deepEqual(pool.map((m) => m.labels?.state).sort(), ['idle', 'total', 'waiting']);
  });

  it('counts HTTP requests and their latency by route pattern and status', async () => {
    const before = await scrape();
    const whoami = { method: 'GET', route: '/v1/whoami', status: '200' };
    await t.call('/v1/whoami', { key: reader });
    await t.call('/v1/tasks/00000000-0000-4000-8000-000000000000', { key: reader });
    await t.call('/v1/no-such-route', { key: reader });
    const s = await scrape();
    assert.equal(
      value(s, 'mnemo_http_requests_total', whoami) - value(before, 'mnemo_http_requests_total', whoami),
      1,
    );
    assert.equal(
      histogramCount(s, 'mnemo_http_request_duration_seconds', whoami) -
        histogramCount(before, 'mnemo_http_request_duration_seconds', whoami),
      1,
    );
    assert.equal(value(s, 'mnemo_http_requests_total', { route: 'unmatched', status: '404' }), 1);
    const routes = s.get('mnemo_http_requests_total')?.metrics.map((m) => m.labels?.route) ?? [];
    assert.ok(routes.includes('/v1/tasks/:id'), routes.join(' '));
    assert.ok(!routes.some((r) => r?.includes('00000000')), 'a raw path became a label');
  });

  it('times recalls', async () => {
    const before = value(await scrape(), 'mnemo_recall_duration_seconds');
    assert.equal(
      (await t.call('/v1/recall', { key: reader, method: 'POST', json: { query: 'deploy' } })).status,
      200,
    );
    assert.equal(value(await scrape(), 'mnemo_recall_duration_seconds'), before + 1);
  });

  it('shows the embedding backlog and counts the rows the indexer embeds', async () => {
    let release = () => {};
    gate = new Promise((r) => {
      release = r;
    });
    const before = await scrape();
    for (const content of ['one', 'two', 'three']) await t.memory.episodes.append({ content });
    const held = await scrape();
    assert.equal(
      value(held, 'mnemo_embedding_backlog_rows'),
      value(before, 'mnemo_embedding_backlog_rows') + 3,
    );
    release();
    await t.memory.flush();
    const done = await scrape();
    assert.equal(value(done, 'mnemo_embedding_backlog_rows'), 0);
    assert.equal(
      value(done, 'mnemo_embedded_rows_total') - value(before, 'mnemo_embedded_rows_total'),
      3 + value(before, 'mnemo_embedding_backlog_rows'),
    );
  });

  it('exports the stats figures: rows per kind move with a write; size, cache hit ratio; connections on a server', async () => {
    const before = await scrape();
    await t.memory.decisions.record({
      context: 'release day',
      alternatives: ['friday', 'monday'],
      chosen: 'monday',
    });
    const s = await scrape();
    assert.equal(
      value(s, 'mnemo_rows', { kind: 'decision' }),
      value(before, 'mnemo_rows', { kind: 'decision' }) + 1,
    );
    assert.equal(value(s, 'mnemo_rows', { kind: 'fact' }), value(before, 'mnemo_rows', { kind: 'fact' }));
    assert.ok(value(s, 'mnemo_database_size_bytes') > 0);
    const hits = (x: Scrape) => value(x, 'mnemo_db_blocks_total', { result: 'hit' });
    assert.equal(s.get('mnemo_db_blocks_total')?.type, 'COUNTER');
    // The server publishes its block counts a second or more after the statements ran.
    assert.ok(hits(s) > 0 && hits(s) >= hits(before), `blocks hit ${hits(before)} -> ${hits(s)}`);
    const connections = s.get('mnemo_db_connections')?.metrics ?? [];
    if (ctx.backend === 'pglite') {
      assert.equal(connections.length, 0);
      assert.equal(value(s, 'mnemo_db_longest_statement_seconds'), 0);
    } else {
      const used = value(s, 'mnemo_db_connections', { state: 'used' });
      const max = value(s, 'mnemo_db_connections', { state: 'max' });
      assert.ok(used >= 1 && max >= used, `used ${used} of ${max}`);
      assert.ok(value(s, 'mnemo_db_longest_statement_seconds') >= 0);
    }
  });

  it('passes promtool: the scrape lints clean; the sample rules of docs/operations.md check and name only exported metrics', {
    skip: PROMTOOL,
  }, async () => {
    const s = await scrape();
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: s.text, encoding: 'utf8' });
    // promtool flags prom-client's own process metrics' help texts in some versions: only ours count.
    const ours = `${lint.stdout}${lint.stderr}`.split('\n').filter((l) => l.startsWith('mnemo_'));
    assert.deepEqual(ours, []);
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const rules = /```yaml\n(groups:[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(rules, 'docs/operations.md has an alert rules block');
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), rules);
      const check = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /SUCCESS: \d+ rules found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const named = new Set(
      [...rules.matchAll(/\b(mnemo_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1] as string),
    );
    for (const name of named)
      assert.ok(s.has(name), `the rules name ${name}, which /metrics does not export`);
  });

  it('counts live tasks by queue and status', async () => {
    const call = (path: string, json: unknown) => t.call(path, { key: reader, method: 'POST', json });
    assert.equal((await call('/v1/tasks', { queue: 'crawl' })).status, 201);
    let s = await scrape();
    assert.equal(value(s, 'mnemo_tasks', { queue: 'crawl', status: 'open' }), 1);
    assert.equal((await call('/v1/tasks/claim?agent=w1', { queue: 'crawl' })).status, 200);
    s = await scrape();
    assert.equal(value(s, 'mnemo_tasks', { queue: 'crawl', status: 'open' }), 0);
    assert.equal(value(s, 'mnemo_tasks', { queue: 'crawl', status: 'claimed' }), 1);
  });

  it('counts LLM calls, tokens, cost and cache hits and misses', async () => {
    const llm = t.memory.llm;
    assert.ok(llm);
    const before = await scrape();
    const request = {
      messages: [{ role: 'user' as const, content: 'how many?' }],
      schema: z.object({ n: z.number() }),
      schemaName: 'count',
    };
    fake.enqueue('chat', chatCompletion({ n: 1 }, { promptTokens: 10, completionTokens: 5 }));
    const ask = () => cachedCompleteJson({ llm, cache: t.memory.cache, promptVersion: 'v1', request });
    assert.equal((await ask()).hit, false);
    assert.equal((await ask()).hit, true);
    fake.enqueue('chat', apiError(400, 'bad request'));
    await assert.rejects(llm.completeJson(request));
    const s = await scrape();
    const moved = (name: string, labels?: Record<string, string>) =>
      value(s, name, labels) - value(before, name, labels);
    assert.equal(moved('mnemo_llm_calls_total', { outcome: 'ok' }), 1);
    assert.equal(moved('mnemo_llm_calls_total', { outcome: 'error' }), 1);
    assert.equal(moved('mnemo_llm_tokens_total', { kind: 'prompt' }), 10);
    assert.equal(moved('mnemo_llm_tokens_total', { kind: 'completion' }), 5);
    assert.ok(Math.abs(moved('mnemo_llm_cost_dollars_total') - 20) < 1e-9);
    assert.equal(moved('mnemo_llm_cache_lookups_total', { result: 'miss' }), 1);
    assert.equal(moved('mnemo_llm_cache_lookups_total', { result: 'hit' }), 1);
  });

  it("records a request's LLM tokens and cost in its usage event", async () => {
    const scope = { user: 'usage-llm', session: 'old-trip' };
    const at = new Date(Date.now() - 3_600_000);
    await t.memory.episodes.appendMany({
      scope,
      episodes: [
        { role: 'user', content: 'Book a ryokan in Kyoto for October.', occurredAt: at },
        { role: 'assistant', content: 'Booked near Gion.', occurredAt: new Date(at.getTime() + 1000) },
      ],
    });
    fake.enqueue(
      'chat',
      chatCompletion(
        { summary: 'A ryokan near Gion was booked for October.', facts: [] },
        { promptTokens: 100, completionTokens: 20 },
      ),
    );
    const r = await t.call('/v1/consolidate?user=usage-llm', {
      key: reader,
      method: 'POST',
      json: { olderThanSeconds: 60 },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.llmRequests, 1);
    await t.server.flushUsage();
    const { rows } = await t.memory.db.query<{ tokens: number; cost: number }>(
      `select tokens, cost from usage_events where endpoint = '/v1/consolidate' order by id desc limit 1`,
    );
    // Pricing of this server's client: $1 a prompt token, $2 a completion token.
    assert.deepEqual(rows, [{ tokens: 120, cost: 140 }]);
  });

  it('counts requests the rate limiter refuses', async () => {
    const before = value(await scrape(), 'mnemo_rate_limited_total', { limit: 'minute' });
    const key = await t.key({ tenant: 'default', rateLimitPerMinute: 1 });
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    assert.equal((await t.call('/v1/whoami', { key })).status, 429);
    assert.equal(value(await scrape(), 'mnemo_rate_limited_total', { limit: 'minute' }), before + 1);
  });

  it('shows the pool connections in use on PostgreSQL', { skip: ctx.backend === 'pglite' }, async () => {
    await t.memory.db.transaction(async () => {
      const s = await scrape();
      const total = value(s, 'mnemo_db_pool_connections', { state: 'total' });
      const idle = value(s, 'mnemo_db_pool_connections', { state: 'idle' });
      assert.ok(total - idle >= 1, `total ${total}, idle ${idle}`);
      assert.ok(value(s, 'mnemo_db_pool_connections', { state: 'waiting' }) >= 0);
    });
  });
});
