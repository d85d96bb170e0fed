#!/usr/bin/env node
// The part of the suite .ci/run runs again on the other supported Node.js versions
// (the whole suite runs once, on the machine's Node.js). Prints the files, one a line.
//
// Chosen for what differs between Node.js versions: child processes (the CLI, serve,
// MCP over stdio, task workers), worker threads and WASM (PGlite, the built-in model),
// the HTTP server, streams (SSE), fetch, node:test itself. Every folder of test/ that
// holds test files has at least one file here, and every file here exists: otherwise
// this exits 1 and says what to update, so the part cannot shrink silently. Where a
// folder's files test the same Node.js features, the lighter one is listed (CI time:
// the built-in model in a server is served-backlog's, in a thread threaded-embedder's).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const SUBSET = [
  'test/ai-sdk/memory-tools.test.ts',
  'test/backup/backup-load.test.ts',
  'test/brain/brain-concurrency.test.ts',
  'test/cli/help-text.test.ts',
  'test/client/remote-transport.test.ts',
  'test/coordination/tasks-processes.test.ts',
  'test/dashboard/dashboard-auth.test.ts',
  'test/db/persistence.test.ts',
  'test/decisions/decisions.test.ts',
  'test/episodes/episodes.test.ts',
  'test/examples/examples.test.ts',
  'test/facts/facts.test.ts',
  'test/formation/llm-client.test.ts',
  'test/mcp/mcp-stdio.test.ts',
  'test/package/package.test.ts',
  'test/purge/purge-errors.test.ts',
  'test/recall/embedders/builtin-embedder.test.ts',
  'test/recall/embedders/threaded-embedder.test.ts',
  'test/recall/count.test.ts',
  'test/langgraph/graph-resume.test.ts',
  'test/maintenance/scheduler-processes.test.ts',
  'test/scope/list-scope-match.test.ts',
  'test/server/sse.test.ts',
  'test/sessions/sessions.test.ts',
  'test/stats/stats-cli.test.ts',
  'test/transfer/transfer-roundtrip.test.ts',
  'test/usage-report/usage-report.test.ts',
  'test/validation/validation.test.ts',
];

const root = join(dirname(new URL(import.meta.url).pathname), '..');

/** Folders under test/ that directly hold *.test.ts files. */
function testFolders(dir, out = new Set()) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) testFolders(p, out);
    else if (name.endsWith('.test.ts')) out.add(relative(root, dir));
  }
  return out;
}

const problems = [];
for (const f of SUBSET) {
  try {
    statSync(join(root, f));
  } catch {
    problems.push(`${f} is listed but does not exist`);
  }
}
const covered = new Set(SUBSET.map((f) => dirname(f)));
for (const folder of testFolders(join(root, 'test')))
  if (!covered.has(folder)) problems.push(`${folder}/ has test files but none is listed`);
if (problems.length) {
  console.error(`scripts/ci-node-subset.mjs: update SUBSET:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(SUBSET.join('\n'));
