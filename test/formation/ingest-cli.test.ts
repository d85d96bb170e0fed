// mnemo ingest and mnemo consolidate through a real child process, on both backends;
// the LLM (for --wait) is the fake OpenAI server over a real socket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { StoreLocation } from '../../src/db/db.js';
import { openStore } from '../../src/db/open.js';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';
import {
  chatCompletion,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../support/fake-openai-server.js';

// The child processes embed nothing (no model load) and use no LLM unless a test says so.
process.env.MNEMO_EMBEDDER = 'none';
delete process.env.MNEMO_LLM_BASE_URL;
delete process.env.MNEMO_LLM_MODEL;

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo ingest and consolidate [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    let server: FakeOpenAiServer;
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-ingest-cli-'));
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
      server = await startFakeOpenAiServer();
    });
    after(async () => {
      await cleanup();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const run = (...args: string[]) => cli([...args, ...flags]);
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    /** Counts rows in the store after the child has exited. */
    async function count(sql: string, params: unknown[] = []): Promise<number> {
      const loc: StoreLocation =
        flags[0] === '--data-dir'
          ? { kind: 'pglite', dataDir: flags[1] }
          : { kind: 'postgres', url: flags[1] };
      const db = await openStore(loc);
      try {
        return Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
      } finally {
        await db.close();
      }
    }

    it('streams 1,500 JSON lines in batches, and a re-run with the same key stores nothing twice', async () => {
      const lines = Array.from({ length: 1500 }, (_, n) =>
        JSON.stringify({
          role: n % 2 ? 'assistant' : 'user',
          content: `line ${n} about [brackets] and {braces}`,
        }),
      );
      const p = file('big.jsonl', `${lines.join('\n')}\n`);
      const a = await run('ingest', p, '--user', 'alice', '--idempotency-key', 'big-1', '--json');
      assert.equal(a.code, 0, a.stderr);
      assert.deepEqual(JSON.parse(a.stdout), {
        episodes: 1500,
        idempotencyKey: 'big-1',
        extraction: 'skipped: no LLM configured',
      });
      const b = await run('ingest', p, '--user', 'alice', '--idempotency-key', 'big-1');
      assert.equal(b.code, 0, b.stderr);
      // Over 1,000 lines: progress on stderr, plain lines off a terminal.
      assert.match(b.stderr, /^ingesting: 0\/1500 messages, 1500 left, /m);
      assert.match(b.stderr, /^ingesting: 1500\/1500 messages, 0 left, [\d.]+ messages\/s, ETA 0s$/m);
      assert.equal(await count("select count(*) as n from episodes where user_id = 'alice'"), 1500);
      assert.equal(
        await count(
          "select count(*) as n from episodes where user_id = 'alice' and content = 'line 1499 about [brackets] and {braces}' and role = 'assistant'",
        ),
        1,
      );
    });

    it('without --idempotency-key, the same file ingested twice into one scope is stored once', async () => {
      const p = file(
        'twice.jsonl',
        '{"role":"user","content":"twice one"}\n{"role":"assistant","content":"twice two"}\n',
      );
      const a = await run('ingest', p, '--user', 'erin', '--json');
      assert.equal(a.code, 0, a.stderr);
      const key = JSON.parse(a.stdout).idempotencyKey;
      assert.match(key, /^file:[0-9a-f]{64}$/);
      const b = await run('ingest', p, '--user', 'erin', '--json');
      assert.equal(b.code, 0, b.stderr);
      assert.equal(JSON.parse(b.stdout).idempotencyKey, key, 'the key comes from the content');
      assert.equal(await count("select count(*) as n from episodes where user_id = 'erin'"), 2);
      // Another scope is another conversation; a changed file is new content.
      const other = await run('ingest', p, '--user', 'frank', '--json');
      assert.notEqual(JSON.parse(other.stdout).idempotencyKey, key);
      assert.equal(await count("select count(*) as n from episodes where user_id = 'frank'"), 2);
      writeFileSync(
        p,
        '{"role":"user","content":"twice one"}\n{"role":"assistant","content":"twice three"}\n',
      );
      await run('ingest', p, '--user', 'erin');
      assert.equal(await count("select count(*) as n from episodes where user_id = 'erin'"), 4);
      // --idempotency-key still overrides the derived key.
      const own = await run('ingest', p, '--user', 'erin', '--idempotency-key', 'mine', '--json');
      assert.equal(JSON.parse(own.stdout).idempotencyKey, 'mine');
      assert.equal(await count("select count(*) as n from episodes where user_id = 'erin'"), 6);
    });

    it('reads a JSON array and a { messages } object, with the session flag', async () => {
      const arr = file(
        'a.json',
        JSON.stringify(
          [
            { role: 'user', content: 'arr one', name: 'Bob' },
            { role: 'assistant', content: 'arr two' },
          ],
          null,
          2,
        ),
      );
      const obj = file(
        'o.json',
        JSON.stringify({ title: 'x', messages: [{ role: 'tool', content: 'obj one' }] }),
      );
      const a = await run('ingest', arr, '--user', 'bob', '--session', 's1');
      assert.equal(a.code, 0, a.stderr);
      assert.match(a.stdout, /^episodes: 2$/m);
      const o = await run('ingest', obj, '--user', 'bob', '--session', 's1', '--json');
      assert.equal(JSON.parse(o.stdout).episodes, 1);
      assert.equal(
        await count("select count(*) as n from episodes where user_id = 'bob' and session_id = 's1'"),
        3,
      );
      assert.equal(await count("select count(*) as n from episodes where metadata->>'name' = 'Bob'"), 1);
    });

    it('refuses a bad file naming the line, and stores nothing from it', async () => {
      const bad = file(
        'bad.jsonl',
        '{"role":"user","content":"fine"}\n{"role":"user","content":"also fine"}\n{"role":"robot","content":"no"}\n',
      );
      const r = await run('ingest', bad, '--user', 'carol');
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /^error \[invalid_input\]: line 3: "role": must be one of user, assistant, system, tool/,
      );
      const missing = await run('ingest', join(dir, 'nope.json'));
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read ".*nope\.json": no such file/);
      const cut = await run('ingest', file('cut.json', '[{"role":"user","content":"x"}'), '--user', 'carol');
      assert.equal(cut.code, 2);
      assert.match(cut.stderr, /not closed/);
      assert.equal(await count("select count(*) as n from episodes where user_id = 'carol'"), 0);
    });

    it('--wait runs the extraction with the configured LLM and reports what it wrote', async () => {
      server.enqueue(
        'chat',
        chatCompletion({
          candidates: [
            {
              kind: 'semantic',
              category: 'fact',
              subject: 'user.city',
              content: 'The user lives in Oslo.',
              confidence: 0.9,
              sourceTurns: [0],
            },
          ],
        }),
      );
      const p = file('w.json', JSON.stringify([{ role: 'user', content: 'I live in Oslo.' }]));
      process.env.MNEMO_LLM_BASE_URL = server.baseUrl;
      process.env.MNEMO_LLM_MODEL = 'fake-model';
      try {
        const r = await run('ingest', p, '--user', 'dave', '--wait', '--json');
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        assert.match(out.idempotencyKey, /^file:/);
        delete out.idempotencyKey;
        assert.deepEqual(out, {
          episodes: 1,
          extraction: 'done',
          added: 1,
          superseded: 0,
          invalidated: 0,
          unchanged: 0,
        });
      } finally {
        delete process.env.MNEMO_LLM_BASE_URL;
        delete process.env.MNEMO_LLM_MODEL;
      }
      assert.equal(server.count('chat'), 1);
      assert.equal(
        await count(
          "select count(*) as n from facts where user_id = 'dave' and source = 'extraction' and content = 'The user lives in Oslo.'",
        ),
        1,
      );
    });

    it('mnemo consolidate runs now (skipped without an LLM) or schedules a periodic task', async () => {
      const r = await run('consolidate', '--older-than', '0', '--json');
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.skipped, 'no LLM configured');
      assert.equal(out.archived, 0);
      const s = await run('consolidate', '--every', '86400', '--json');
      assert.equal(s.code, 0, s.stderr);
      assert.equal(JSON.parse(s.stdout).queue, 'mnemo.consolidate');
      assert.equal(
        await count("select count(*) as n from tasks where queue = 'mnemo.consolidate' and status = 'open'"),
        1,
      );
      const bad = await run('consolidate', '--older-than', 'a week');
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--older-than must be a whole number of seconds/);
    });
  });
}
