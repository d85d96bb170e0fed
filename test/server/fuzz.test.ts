/**
 * Fuzz: thousands of malformed or hostile requests, generated deterministically from a
 * seed, across every area route. Every answer must be a 4xx with a JSON error body, the
 * server must still answer afterwards, and the store must be exactly as it was.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, it } from 'node:test';
import { describeBackends } from '../support/backends.js';
import { startServer, type TestServer } from './server-helpers.js';

process.env.MNEMO_EMBEDDER ??= 'none';

const SEED = Number(process.env.MNEMO_FUZZ_SEED ?? 20260508);
const COUNT = Number(process.env.MNEMO_FUZZ_COUNT ?? 2400);
const NO_ID = '00000000-0000-4000-8000-000000000000';

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  return { next, pick };
}

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE episodes; --",
  '1; DELETE FROM facts WHERE true; --',
  "x' UNION SELECT key_hash FROM api_keys --",
  "acme'); update brain set value = '1'; --",
  '$1::text; select pg_sleep(0)',
  '\\x27 OR 1=1',
];
const PATH_ATTACKS = [
  ...SQL.map(encodeURIComponent),
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%2f..%2fapi_keys',
  '%2e%2e',
  '..%5c..%5cwindows',
  'a%2Fb%2Fc',
  '%FF%FE%FD',
  '%C0%AF',
  '%ED%A0%80',
  '%00',
  'x'.repeat(5000),
  '__proto__',
  'constructor',
  '-1',
  '1e309',
  'NaN',
];
const decoded = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
/** Path attacks that are not valid brain keys either (`1e309` or `__proto__` are fine key names). */
const KEY_ATTACKS = PATH_ATTACKS.filter(
  (p) => decoded(p).length > 256 || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(decoded(p)),
);
const DEEP = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
const DEEP_ARRAY = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const HUGE = 'x'.repeat(150_000);
/** JSON text placeholders replaced after stringify (deep nesting, numbers JSON.stringify cannot write). */
const RAW: Record<string, string> = {
  '"@DEEP@"': DEEP,
  '"@DEEPA@"': DEEP_ARRAY,
  '"@INF@"': '1e309',
  '"@NINF@"': '-1e309',
};

interface Spec {
  method: string;
  /** `{id}` (a uuid), `{key}` (a brain key) or `{sid}` (a session id) is filled in per request. */
  path: string;
  body?: Record<string, unknown>;
  required?: string[];
  /** Fields that accept any JSON value (a wrong type is not a fault there). */
  any?: string[];
  /** GET query parameters with a valid value each. */
  query?: Record<string, string>;
}

const ep = {
  content: 'c',
  role: 'user',
  eventType: 'e',
  subject: 's',
  importance: 5,
  tags: ['t'],
  metadata: { a: 1 },
};
const SPECS: Spec[] = [
  {
    method: 'PUT',
    path: '/v1/brain/{key}',
    body: { value: { a: 1 }, category: 'c', priority: 5, ttlSeconds: 60, by: 'me' },
    required: ['value'],
    any: ['value'],
  },
  { method: 'GET', path: '/v1/brain/{key}' },
  { method: 'DELETE', path: '/v1/brain/{key}', query: { expectedVersion: '1', by: 'me' } },
  { method: 'GET', path: '/v1/brain/{key}/history', query: { limit: '5' } },
  { method: 'GET', path: '/v1/brain', query: { prefix: 'identity', category: 'c', limit: '5' } },
  {
    method: 'POST',
    path: '/v1/episodes',
    body: { ...ep, occurredAt: '2026-05-08T12:00:00Z', idempotencyKey: 'k' },
    required: ['content'],
  },
  {
    method: 'POST',
    path: '/v1/episodes',
    body: { episodes: [ep, { content: 'd', session: 's' }] },
    required: ['episodes'],
  },
  {
    method: 'GET',
    path: '/v1/episodes',
    query: {
      since: '2026-01-01T00:00:00Z',
      eventType: 'e',
      role: 'user',
      tag: 't',
      minImportance: '2',
      includeArchived: 'true',
      limit: '5',
    },
  },
  { method: 'GET', path: '/v1/episodes/{id}' },
  {
    method: 'POST',
    path: '/v1/facts',
    body: {
      kind: 'semantic',
      category: 'fact',
      subject: 's',
      content: 'c',
      confidence: 0.5,
      source: 'x',
      sourceEpisodeIds: [],
      tags: ['t'],
      metadata: {},
      by: 'me',
    },
    required: ['content'],
  },
  {
    method: 'GET',
    path: '/v1/facts',
    query: {
      kind: 'semantic',
      subject: 's',
      asOf: '2026-01-01T00:00:00Z',
      includeHistory: 'false',
      limit: '5',
    },
  },
  { method: 'GET', path: '/v1/facts/{id}' },
  { method: 'GET', path: '/v1/facts/{id}/chain' },
  {
    method: 'POST',
    path: '/v1/facts/{id}/supersede',
    body: { fact: { content: 'c', confidence: 1 }, by: 'me' },
    required: ['fact'],
  },
  { method: 'POST', path: '/v1/facts/{id}/invalidate', body: { reason: 'r', by: 'me' } },
  {
    method: 'POST',
    path: '/v1/decisions',
    body: {
      subject: 's',
      context: 'c',
      alternatives: ['a', { o: 1 }],
      chosen: 'a',
      reasoning: 'r',
      tags: ['t'],
      metadata: {},
    },
    required: ['context', 'chosen'],
  },
  { method: 'GET', path: '/v1/decisions', query: { status: 'pending', subject: 's', text: 'x', limit: '5' } },
  { method: 'GET', path: '/v1/decisions/lessons', query: { subject: 's', limit: '5' } },
  { method: 'GET', path: '/v1/decisions/{id}' },
  {
    method: 'POST',
    path: '/v1/decisions/{id}/resolve',
    body: { status: 'success', outcome: { x: 1 }, lessons: 'l', feedback: 'positive' },
    required: ['status'],
    any: ['outcome'],
  },
  { method: 'POST', path: '/v1/sessions', body: { id: 'fz', metadata: { a: 1 } } },
  { method: 'POST', path: '/v1/sessions/{sid}/end', body: { summary: 's' } },
  { method: 'GET', path: '/v1/sessions', query: { active: 'true', limit: '5' } },
  { method: 'GET', path: '/v1/sessions/{sid}' },
  {
    method: 'POST',
    path: '/v1/purge',
    body: { memory: { kind: 'episode', id: NO_ID }, reason: 'r', by: 'me' },
  },
  { method: 'GET', path: '/v1/cache/stats' },
  { method: 'DELETE', path: '/v1/cache' },
  {
    method: 'POST',
    path: '/v1/tasks',
    body: {
      queue: 'q',
      payload: { a: 1 },
      priority: 1,
      runAfter: '2026-05-08T12:00:00Z',
      dedupeKey: 'd',
      maxAttempts: 3,
    },
    required: ['queue'],
    any: ['payload'],
  },
  {
    method: 'POST',
    path: '/v1/tasks/claim',
    body: { queue: 'q', agent: 'w', leaseSeconds: 30, limit: 2 },
    required: ['queue'],
  },
  ...['heartbeat', 'complete', 'release', 'cancel'].map((a) => ({
    method: 'POST',
    path: `/v1/tasks/{id}/${a}`,
    body: { agent: 'w' },
  })),
  {
    method: 'POST',
    path: '/v1/tasks/{id}/fail',
    body: { agent: 'w', error: 'e', retry: true },
    required: ['error'],
  },
  { method: 'GET', path: '/v1/tasks', query: { queue: 'q', status: 'open', claimedBy: 'w', limit: '5' } },
  { method: 'GET', path: '/v1/tasks/{id}' },
  {
    method: 'POST',
    path: '/v1/observations',
    body: {
      agent: 'a',
      subject: 's',
      type: 't',
      payload: { a: 1 },
      content: 'c',
      importance: 5,
      tags: ['t'],
    },
    required: ['subject', 'type'],
  },
  {
    method: 'GET',
    path: '/v1/observations',
    query: { subject: 's', type: 't', since: '2026-01-01T00:00:00Z', text: 'x', limit: '5' },
  },
  {
    method: 'GET',
    path: '/v1/observations/stream',
    query: { cursor: '0', types: 't', heartbeatSeconds: '5' },
  },
  { method: 'GET', path: '/v1/conflicts', query: { status: 'open', subject: 's', limit: '5' } },
  { method: 'GET', path: '/v1/conflicts/{id}' },
  {
    method: 'POST',
    path: '/v1/conflicts/{id}/resolve',
    body: { keep: 'both', by: 'me' },
    required: ['keep'],
  },
  {
    method: 'POST',
    path: '/v1/recall',
    body: {
      query: 'q',
      k: 5,
      kinds: ['fact'],
      filters: { tags: ['t'] },
      minScore: 0,
      diversity: 0.5,
      neighbors: 1,
      explain: true,
    },
    required: ['query'],
  },
  { method: 'POST', path: '/v1/context', body: { query: 'q', tokenBudget: 500 } },
  {
    method: 'POST',
    path: '/v1/remember',
    body: { text: 't', subject: 's', category: 'c', confidence: 0.5, tags: ['t'], metadata: {} },
    required: ['text'],
  },
  {
    method: 'POST',
    path: '/v1/ingest',
    body: { session: 's', messages: [{ role: 'user', content: 'c' }], idempotencyKey: 'k' },
    required: ['messages'],
  },
  { method: 'POST', path: '/v1/consolidate', body: { olderThanSeconds: 60 } },
];

/** Query parameters any text is valid for. */
const FREE_TEXT = new Set([
  'prefix',
  'category',
  'subject',
  'text',
  'eventType',
  'tag',
  'by',
  'claimedBy',
  'types',
  'type',
  'queue',
]);
/** BAD_QUERY values that are valid for some parameters (booleans, stream cursor, expected version). */
const VALID_TOO: Record<string, string[]> = {
  includeArchived: ['0', 'true'],
  includeHistory: ['0', 'true'],
  active: ['0', 'true'],
  cursor: ['0'],
};
const BAD_QUERY = ['-1', '0', '1e309', 'NaN', 'abc', '', '%FF', '99999999999999999999', 'true', SQL[0]];

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  what: string;
}

/** One request with at least one certain fault. */
function generate(r: ReturnType<typeof prng>, ids: Record<string, string>): Req {
  const spec = r.pick(SPECS);
  const fill = (hostile: boolean) =>
    spec.path
      .replace('{id}', hostile ? r.pick(PATH_ATTACKS) : r.pick([NO_ID, ids.episode, ids.fact, ids.task]))
      .replace('{key}', hostile ? r.pick(KEY_ATTACKS) : 'identity.name')
      .replace('{sid}', hostile ? r.pick(PATH_ATTACKS) : 'no-such-session');
  const json = { 'content-type': 'application/json' };
  const req = (
    what: string,
    path: string,
    body?: string | Uint8Array,
    headers: Record<string, string> = json,
  ): Req => ({
    method: spec.method,
    path,
    headers,
    body,
    what,
  });
  const hasParam = /\{(id|key|sid)\}/.test(spec.path);

  if (!spec.body) {
    // GET / DELETE: a hostile path segment, or a query with at least one bad value (plus hostile text elsewhere).
    if (hasParam && (r.next() < 0.4 || !spec.query)) return req('hostile path', fill(true), undefined, {});
    const params = new URLSearchParams();
    const entries = Object.entries(spec.query ?? {});
    for (const [k, v] of entries) params.append(k, r.next() < 0.5 ? r.pick(SQL) : v);
    // Parameters that refuse every BAD_QUERY value (numbers, booleans, enums, dates), else a scope part.
    const strict = entries.map(([k]) => k).filter((k) => !FREE_TEXT.has(k));
    const badKey = strict.length && r.next() < 0.85 ? r.pick(strict) : 'user';
    if (badKey === 'user') params.set('user', r.pick(['u'.repeat(300), 'a\u0001b', 'x\u001f']));
    else params.set(badKey, r.pick(BAD_QUERY.filter((v) => !(VALID_TOO[badKey] ?? []).includes(v))));
    if (r.next() < 0.2) params.append(badKey, '1'); // repeated: an array where one value is expected
    if (r.next() < 0.1) params.set('tenant', 'globex');
    const qs = params.toString().replace('%25FF', '%FF');
    return req(`bad query ${badKey}`, `${fill(false)}?${qs}`, undefined, {});
  }

  const body = structuredClone(spec.body);
  const fields = Object.keys(body);
  const field = r.pick(fields);
  const path = hasParam && r.next() < 0.15 ? fill(true) : fill(false);
  const text = (b: unknown) => {
    let s = JSON.stringify(b);
    for (const [k, v] of Object.entries(RAW)) s = s.replaceAll(k, v);
    return s;
  };
  const kind = r.pick([
    'type',
    'type',
    'missing',
    'huge',
    'unknown',
    'sql',
    'deep',
    'array',
    'raw',
    'number',
    'scope',
    'nul',
    'bytes',
  ] as const);
  switch (kind) {
    case 'type': {
      if (spec.any?.includes(field)) break;
      const v = body[field];
      const bad =
        typeof v === 'string'
          ? [123, true, null, {}, ['x']]
          : typeof v === 'number'
            ? ['5', 'NaN', true, null, {}, [1], 1.5e300]
            : typeof v === 'boolean'
              ? ['true', 1, null]
              : Array.isArray(v)
                ? ['x', 1, { 0: 'a' }, [[[]]]]
                : ['x', 1, [], true];
      body[field] = r.pick(bad);
      return req(`wrong type ${field}`, path, text(body));
    }
    case 'missing':
      if (!spec.required?.length) break;
      delete body[r.pick(spec.required)];
      return req('missing field', path, text(body));
    case 'huge': {
      const s = fields.filter((f) => typeof body[f] === 'string');
      if (!s.length) break;
      body[r.pick(s)] = HUGE;
      return req('huge string', path, text(body));
    }
    case 'deep':
      body[r.pick([field, 'scope', 'metadata'])] = r.pick(['@DEEP@', '@DEEPA@']);
      return req('deep json', path, r.next() < 0.2 ? DEEP : text(body));
    case 'array':
      return req('array for object', path, r.next() < 0.5 ? text([body]) : text({ ...body, scope: [] }));
    case 'number':
      body[r.pick(fields.filter((f) => typeof body[f] === 'number').concat(['limit']))] = r.pick([
        '@INF@',
        '@NINF@',
        'NaN',
        '1e309',
      ]);
      body[`x${Math.floor(r.next() * 1e6)}`] = 1; // unknown field: a fault whatever the number does
      return req('bad number', path, text(body));
    case 'scope':
      body.scope = r.pick([
        { tenant: 'globex' },
        { user: 'a\u0001b' },
        { user: HUGE.slice(0, 300) },
        { agent: 5 },
        'acme',
        { __proto__x: 1 },
      ]);
      return req('bad scope', path, text(body));
    case 'nul': {
      const s = fields.filter((f) => typeof body[f] === 'string');
      if (!s.length) break;
      for (const f of s) body[f] = 'a\u0000b';
      return req('nul characters', path, text(body));
    }
    case 'raw':
      return r.pick([
        req('invalid json', path, '{"content": "x",'),
        req('invalid json', path, "{'content': 'x'}"),
        req('invalid json', path, '{"content": NaN}'),
        req('empty body', path, ''),
        req('text/plain', path, text(body), { 'content-type': 'text/plain' }),
        req('form body', path, 'content=x&importance=5', {
          'content-type': 'application/x-www-form-urlencoded',
        }),
        req('no content type', path, text(body), {}),
        req('multipart', path, '--b\r\n\r\nx\r\n--b--', {
          'content-type': 'multipart/form-data; boundary=b',
        }),
        req('too large', path, `{"content":"${'x'.repeat(1_100_000)}"}`),
        req('json null', path, 'null'),
        req('json string', path, '"x"'),
      ]);
    case 'bytes': {
      const t = Buffer.from(text({ ...body, '\u00ff\u00fe': 1 }), 'latin1');
      return req(
        'bad utf-8 bytes',
        path,
        new Uint8Array(
          r.next() < 0.5
            ? t
            : Buffer.concat([t.subarray(0, 5), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), t.subarray(5)]),
        ),
      );
    }
    case 'sql':
    case 'unknown':
      break;
  }
  // SQL strings in every text field, plus an unknown field (__proto__, constructor, SQL): refused as a whole.
  for (const f of fields) if (typeof body[f] === 'string') body[f] = r.pick(SQL);
  const name = r.pick(['__proto__', 'constructor', 'prototype', SQL[1], 'tenant_id', 'isAdmin']);
  const extra = `{"${name.replaceAll('"', '\\"')}": {"polluted": true, "prototype": {"polluted": true}}, `;
  return req(`unknown field ${name}`, path, extra + text(body).slice(1));
}

/**
 * Sends one request. A body over the server's limit goes on a connection of its own:
 * the server answers 413 without reading it and closes that connection.
 */
async function send(
  url: string,
  o: { method: string; headers: Record<string, string>; body?: string | Uint8Array },
): Promise<{ status: number; text: string }> {
  if (o.body !== undefined && o.body.length > 1_000_000)
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method: o.method, headers: o.headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end(o.body);
    });
  const res = await fetch(url, { ...o, signal: AbortSignal.timeout(20_000) });
  if (res.status < 400) await res.body?.cancel(); // a stream would never end
  return { status: res.status, text: res.status < 400 ? '' : await res.text() };
}

describeBackends('http fuzz', (ctx) => {
  let t: TestServer;
  let key: string;
  const ids: Record<string, string> = {};
  const snapshot = async (): Promise<Record<string, string>> => {
    const db = t.memory.db;
    const { rows } = await db.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const out: Record<string, string> = {};
    // usage_events (one row per request) and api_keys.last_used_at change by design with every request.
    for (const { name } of rows.filter((x) => !['usage_events', 'api_keys'].includes(x.name))) {
      const r = await db.query<{ n: number; h: string }>(
        `select count(*)::int as n, coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from "${name}" t`,
      );
      out[name] = `${r.rows[0].n}:${r.rows[0].h}`;
    }
    return out;
  };

  before(async () => {
    t = await startServer(ctx.db());
    key = (await t.keys.create({ tenant: 'acme', scopes: ['admin'], rateLimitPerMinute: 1_000_000 })).key;
    const call = async (path: string, method: string, json: unknown) => {
      const r = await t.call(path, { key, method, json });
      assert.ok(r.status < 300, r.text);
      return r.body;
    };
    await call('/v1/brain/identity.name', 'PUT', { value: 'Ada' });
    ids.episode = (await call('/v1/episodes', 'POST', { content: 'seed', tags: ['t'] })).id;
    ids.fact = (await call('/v1/facts', 'POST', { subject: 's', content: 'seed fact' })).id;
    await call('/v1/decisions', 'POST', { context: 'c', chosen: 'x' });
    await call('/v1/sessions', 'POST', { id: 'seed-session' });
    ids.task = (await call('/v1/tasks', 'POST', { queue: 'q' })).id;
    await call('/v1/observations', 'POST', { subject: 's', type: 't' });
  });
  after(() => t.close());

  it(`answers ${COUNT} malformed or hostile requests with a 4xx JSON error and changes nothing`, async () => {
    const before = await snapshot();
    const r = prng(SEED);
    const requests = Array.from({ length: COUNT }, () => generate(r, ids));
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const q = requests[next++];
        kinds.set(q.what.split(' ')[0], (kinds.get(q.what.split(' ')[0]) ?? 0) + 1);
        const { status, text } = await send(`${t.server.url}${q.path}`, {
          method: q.method,
          headers: { authorization: `Bearer ${key}`, ...q.headers },
          body: q.body,
        });
        let body: { error?: { code?: unknown; message?: unknown } } | undefined;
        try {
          body = JSON.parse(text);
        } catch {}
        const jsonError = typeof body?.error?.code === 'string' && typeof body.error.message === 'string';
        if (status < 400 || status > 499 || !jsonError)
          failures.push(
            `${q.what}: ${q.method} ${q.path.slice(0, 200)} ${String(q.body ?? '').slice(0, 200)} -> ${status} ${text.slice(0, 300)}`,
          );
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.deepEqual(
      failures.slice(0, 10),
      [],
      `${failures.length} of ${COUNT} requests were not a 4xx JSON error`,
    );
    assert.ok(kinds.size >= 10, `every kind of fault was sent: ${[...kinds.keys()].join(', ')}`);

    assert.equal((await t.call('/healthz')).status, 200);
    assert.equal((await t.call('/v1/whoami', { key })).status, 200);
    assert.deepEqual(await snapshot(), before, 'the store is unchanged');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is not polluted');
    assert.deepEqual(
      t.logged.filter((l) => l.level === 'error').map((l) => l.message),
      [],
    );
  });

  it('treats SQL in filters and ids as plain values: nothing matches, nothing leaks, nothing changes', async () => {
    const before = await snapshot();
    for (const s of SQL) {
      const v = encodeURIComponent(s);
      for (const path of [
        `/v1/episodes?eventType=${v}&tag=${v}`,
        `/v1/facts?subject=${v}`,
        `/v1/brain?category=${v}`,
        `/v1/decisions?subject=${v}`,
        `/v1/observations?subject=${v}`,
        `/v1/tasks?claimedBy=${v}`,
        `/v1/conflicts?subject=${v}`,
      ]) {
        const r = await t.call(path, { key });
        assert.equal(r.status, 200, `${path}: ${r.text}`);
        assert.deepEqual(r.body.items, [], path);
      }
      assert.equal((await t.call(`/v1/sessions/${v}`, { key })).status, 404);
    }
    assert.deepEqual(await snapshot(), before);
  });
});
