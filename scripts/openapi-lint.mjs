#!/usr/bin/env node
// npm run lint:openapi: builds the HTTP app over an in-memory store (no server, no port),
// writes its OpenAPI document (GET /v1/openapi.json) to a temporary file and runs
// `redocly lint --extends recommended` on it. It fails on any error, and on any warning that
// docs/http.md does not explain (EXPLAINED below); the explained warnings are printed.
// Usage: node --import tsx scripts/openapi-lint.mjs [--out FILE | --file FILE]
//   --out FILE: also keep the document there; --file FILE: lint that document instead.
//
// Redocly must not phone home: REDOCLY_TELEMETRY=off stops its usage report,
// REDOCLY_SUPPRESS_UPDATE_NOTICE=true its check for a newer version.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

// The warnings docs/http.md explains (rule -> where it is expected); any other problem fails.
const EXPLAINED = {
  // /healthz and /readyz take no input and no key: there is no 4XX for them to answer.
  'operation-4xx-response': (at) => /^#\/paths\/~1(healthz|readyz)\/get\//.test(at),
  // dateInput (src/validation.ts) accepts a Date or an ISO string: both render as date-time.
  'no-illogical-composition-keywords': () => true,
};
const USAGE = 'usage: node --import tsx scripts/openapi-lint.mjs [--out FILE | --file FILE]';
const args = process.argv.slice(2);
if (args.length !== 0 && (args.length !== 2 || !['--out', '--file'].includes(args[0]))) {
  console.error(USAGE);
  process.exit(2);
}
const [flag, given] = args;

const dir = given ? undefined : mkdtempSync(join(tmpdir(), 'mnemo-openapi-'));
const file = given ? resolve(given) : join(dir, 'openapi.json');
if (flag !== '--file') writeFileSync(file, `${JSON.stringify(await liveDocument(), null, 2)}\n`);

/** GET /v1/openapi.json of an app over an in-memory store (the document reads no data). */
async function liveDocument() {
  // The document comes from the route schemas; no embeddings are needed to build it.
  process.env.MNEMO_EMBEDDER ??= 'none';
  const { createMemory } = await import('../src/memory.ts');
  const { createApp } = await import('../src/server/app.ts');
  const memory = await createMemory({ dataDir: ':memory:' });
  try {
    const res = await createApp({ memory }).request('/v1/openapi.json');
    if (res.status !== 200) throw new Error(`GET /v1/openapi.json answered ${res.status}`);
    return await res.json();
  } finally {
    await memory.close();
  }
}

try {
  const r = spawnSync(
    join(root, 'node_modules/.bin/redocly'),
    ['lint', '--extends', 'recommended', '--format', 'json', file],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        REDOCLY_SUPPRESS_NOTIFICATIONS: 'true',
      },
    },
  );
  if (r.error) throw r.error;
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    process.stdout.write(r.stdout);
    console.error(`redocly lint exited ${r.status} without a JSON report`);
    process.exit(r.status || 1);
  }
  process.exitCode = judge(report, r.status);
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Prints every problem and decides the exit code: any error fails, and so does a warning
 * that docs/http.md ("Linting the document") does not explain, so a new kind is looked at.
 */
function judge(report, status) {
  const unexplained = [];
  for (const p of report.problems) {
    const pointer = p.location?.[0]?.pointer ?? '';
    const ok = p.severity === 'warn' && (EXPLAINED[p.ruleId]?.(pointer) ?? false);
    if (!ok) unexplained.push(p);
    console.log(
      `${p.severity.padEnd(5)} ${p.ruleId}  ${decodePointer(pointer)}  ${p.message}${ok ? '' : '  <- not explained'}`,
    );
  }
  const t = report.totals;
  console.log(
    `redocly ${report.version}: ${t.errors} errors, ${t.warnings} warnings (${t.warnings - unexplained.filter((p) => p.severity === 'warn').length} explained in docs/http.md), ${t.ignored} ignored`,
  );
  if (unexplained.length) {
    console.error(
      `${unexplained.length} problems are errors or warnings docs/http.md does not explain: fix them, or explain them there and in EXPLAINED (scripts/openapi-lint.mjs)`,
    );
    return 1;
  }
  return status === 0 ? 0 : status || 1;
}

/** `#/paths/~1v1~1keys/get` -> `paths > /v1/keys > get`. */
function decodePointer(p) {
  return p
    .replace(/^#\//, '')
    .split('/')
    .map((seg) => seg.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join(' > ');
}
