// mnemo recall and mnemo context through the built CLI, on both backends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PG_URL } from '../support/backends.js';
import { cli, cliStore } from './cli-harness.js';

/** The rows of a printed table (header and rule line dropped), split on runs of 2+ spaces. */
function table(stdout: string): { header: string[]; rows: string[][] } {
  const lines = stdout.trimEnd().split('\n');
  return {
    header: lines[0].split(/\s{2,}/),
    rows: lines.slice(2).map((l) => l.split(/\s{2,}/)),
  };
}

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo recall / context [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    const none = { MNEMO_EMBEDDER: 'none' };
    const run = (...args: string[]) => cli([...args, ...flags], none);
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
      for (const args of [
        ['episodes', 'add', 'I pushed the new build to Vercel', '--user', 'alice', '--session', 's1'],
        ['episodes', 'add', 'We had pizza for lunch', '--user', 'alice', '--session', 's1'],
        ['facts', 'add', 'Alice uses vim', '--subject', 'editor', '--user', 'alice'],
        ['facts', 'add', 'Always answer in French', '--category', 'directive', '--user', 'alice'],
        ['brain', 'set', 'identity.name', 'Alice', '--category', 'identity', '--user', 'alice'],
        ['episodes', 'add', 'Bob pushed a build too', '--user', 'bob'],
      ]) {
        const r = await run(...args);
        assert.equal(r.code, 0, r.stderr);
      }
    });
    after(() => cleanup());

    it('recall prints kind, score, when and content, best first, for the scope given', async () => {
      const r = await run('recall', 'build Vercel', '--user', 'alice');
      assert.equal(r.code, 0, r.stderr);
      const t = table(r.stdout);
      assert.deepEqual(t.header, ['kind', 'score', 'when', 'content']);
      assert.deepEqual(t.rows[0].slice(0, 1), ['episode']);
      assert.equal(t.rows[0][3], 'I pushed the new build to Vercel');
      assert.match(t.rows[0][1], /^\d\.\d{3}$/);
      assert.match(t.rows[0][2], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      assert.ok(!r.stdout.includes('Bob'), "another user's episode is not recalled");
      assert.match(r.stderr, /text only/, 'says the ranking used no vectors');
    });

    it('--explain adds one column per signal; --json prints the whole result', async () => {
      const e = await run('recall', 'vim editor', '--user', 'alice', '--explain', '-k', '3');
      assert.equal(e.code, 0, e.stderr);
      const t = table(e.stdout);
      assert.deepEqual(t.header, [
        'kind',
        'score',
        'when',
        'content',
        'text',
        'vector',
        'cosine',
        'neighbor',
        'session',
        'recency',
        'importance',
        'confidence',
      ]);
      assert.equal(t.rows[0][3], 'editor: Alice uses vim');
      // Text is BM25 against the query's own reference (docs/recall.md), not a share of the
      // best candidate: the best match has the highest text score, which need not be 1.
      const texts = t.rows.map((r) => Number(r[4]));
      assert.ok(texts[0] > 0 && texts.every((x) => x <= texts[0]), `text column ${texts}`);
      const j = await run('recall', 'pizza', '--user', 'alice', '--kinds', 'episode', '--json', '--explain');
      assert.equal(j.code, 0, j.stderr);
      const out = JSON.parse(j.stdout);
      assert.equal(out.usedVector, false);
      assert.deepEqual(
        out.items.map((i: { kind: string }) => i.kind),
        out.items.map(() => 'episode'),
      );
      assert.equal(out.items[0].content, 'We had pizza for lunch');
      assert.equal(typeof out.items[0].scores.text, 'number');
      const facts = JSON.parse(
        (await run('recall', 'vim', '--user', 'alice', '--kinds', 'episode', '--json')).stdout,
      );
      assert.deepEqual(facts.items, [], '--kinds episode leaves facts out');
    });

    it('refuses bad flags naming them, in one line, exit code 2', async () => {
      const k = await run('recall', 'build', '-k', '0');
      assert.equal(k.code, 2);
      assert.match(k.stderr.trim(), /^error \[invalid_input\]: --k: must be 1 to 100$/);
      const kinds = await run('recall', 'build', '--kinds', 'episode,memo');
      assert.equal(kinds.code, 2);
      assert.match(kinds.stderr.trim(), /^error \[invalid_input\]: --kinds: .*"episode"\|"fact"/);
      const since = await run('recall', 'build', '--since', 'yesterday');
      assert.equal(since.code, 2);
      assert.match(since.stderr, /--since: expected an ISO 8601 date or date-time, e.g\. 2026-11-30/);
      const empty = await run('recall', '   ');
      assert.equal(empty.code, 2);
      assert.match(empty.stderr.trim(), /^error \[invalid_input\]: <query>: must not be empty$/);
      const budget = await run('context', 'x', '--budget', '10');
      assert.equal(budget.code, 2);
      assert.match(budget.stderr.trim(), /^error \[invalid_input\]: --budget: must be 50 to 200000 tokens$/);
    });

    it('context prints the block within the budget; --json gives text, tokens and items', async () => {
      const r = await run('context', 'vim', '--user', 'alice', '--budget', '500');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^## Directives\n- Always answer in French\n/);
      assert.match(r.stdout, /## Who and where\n- identity\.name: Alice\n/);
      assert.match(r.stdout, /editor: Alice uses vim/);
      assert.ok(!r.stdout.includes('Bob'));
      const j = await run('context', 'vim', '--user', 'alice', '--budget', '500', '--json');
      const out = JSON.parse(j.stdout);
      assert.equal(`${out.text}\n`.replace(/\n+$/, '\n'), r.stdout);
      assert.ok(out.tokens > 0 && out.tokens <= 500);
      assert.ok(out.items.some((i: { section: string }) => i.section === 'directives'));
      const small = JSON.parse(
        (await run('context', 'vim', '--user', 'alice', '--budget', '50', '--json')).stdout,
      );
      assert.ok(small.tokens <= 50, `within 50 tokens, got ${small.tokens}`);
    });

    it('with the built-in model, recall finds the Vercel episode for "deployment" once embedded', async () => {
      const builtin = { MNEMO_EMBEDDER: 'builtin' };
      const before = await cli(['recall', 'deployment', '--user', 'alice', '--json', ...flags], none);
      assert.deepEqual(JSON.parse(before.stdout).items, [], 'no word in common: text alone finds nothing');
      const re = await cli(['reembed', '--model', 'builtin', ...flags], builtin);
      assert.equal(re.code, 0, re.stderr);
      const r = await cli(['recall', 'deployment', '--user', 'alice', '--explain', ...flags], builtin);
      assert.equal(r.code, 0, r.stderr);
      const t = table(r.stdout);
      // Found by meaning. (Not necessarily first: the built-in model puts the very short
      // brain key "identity.name: Alice" about as close to every query: BENCHMARKS.md.)
      const vercel = t.rows.find((row) => row[3] === 'I pushed the new build to Vercel');
      assert.ok(vercel, `the Vercel episode is recalled:\n${r.stdout}`);
      assert.equal(vercel[4], '0.000', 'no word in common');
      assert.ok(Number(vercel[5]) > 0, 'found by its vector');
      assert.ok(
        t.rows.every((row) => row[3] !== 'identity.name: identity.name: Alice'),
        'a brain key is not labelled twice',
      );
      assert.doesNotMatch(r.stderr, /text only/);
    });
  });
}
