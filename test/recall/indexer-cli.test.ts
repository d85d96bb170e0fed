import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolveLocation } from '../../src/config.js';
import { openStore } from '../../src/db/open.js';
import { createHashEmbedder } from '../../src/recall/embedders/hash-embedder.js';
import { readBinding } from '../../src/recall/embedding-binding.js';
import { embedPending } from '../../src/recall/embedding-indexer.js';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';
import { embeddingState, insertEpisode } from './indexer-helpers.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo reembed [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    let server: http.Server;
    let baseUrl = '';
    let requests = 0;
    const open = () =>
      openStore(
        resolveLocation(flags[0] === '--data-dir' ? { dataDir: flags[1] } : { databaseUrl: flags[1] }),
      );

    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
      server = http.createServer((req, res) => {
        let raw = '';
        req.on('data', (c) => {
          raw += c;
        });
        req.on('end', () => {
          requests++;
          const body = JSON.parse(raw) as { input: string[] };
          const data = body.input.map((t, index) => ({ index, embedding: [t.length, 1, 2, 3, 4, 5] }));
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
      const db = await open();
      try {
        for (let i = 0; i < 5; i++) await insertEpisode(db, `turn ${i}`);
        await embedPending({ db, embedder: createHashEmbedder({ dimension: 16 }) });
      } finally {
        await db.close();
      }
    });
    after(async () => {
      await new Promise((r) => server.close(r));
      await cleanup();
    });

    it('moves the store to an OpenAI-compatible model and reports what it did', async () => {
      const r = await cli([
        'reembed',
        '--model',
        'openai',
        '--base-url',
        baseUrl,
        '--embedding-model',
        'tiny',
        '--json',
        ...flags,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        model: 'openai:tiny',
        dimension: 6,
        previousModel: 'hash:ngram-v1',
        previousDimension: 16,
        embedded: 5,
      });
      assert.ok(requests >= 3, 'dimension probe, model probe, and the rows');
      // The backlog is visible on stderr: off a terminal, plain lines with rows left, rate and ETA.
      assert.match(r.stderr, /^re-embedding: 0\/5 rows, 5 left, /m);
      assert.match(r.stderr, /^re-embedding: 5\/5 rows, 0 left, [\d.]+ rows\/s, ETA 0s$/m);
      const db = await open();
      try {
        assert.deepEqual(await readBinding(db), { model: 'openai:tiny', dimension: 6, index: 'hnsw' });
        assert.deepEqual(await embeddingState(db), { pending: 0, dims: [6] });
      } finally {
        await db.close();
      }
    });

    it('refuses a bad model choice in one line, store unchanged', async () => {
      const r = await cli(['reembed', '--model', 'bert', ...flags]);
      assert.equal(r.code, 2);
      assert.match(r.stderr.trim(), /^error \[invalid_input\]: model must be builtin, openai or none/);
      const n = await cli(['reembed', '--model', 'none', ...flags]);
      assert.equal(n.code, 2);
      assert.match(n.stderr, /reembed needs a model/);
      const db = await open();
      try {
        assert.equal((await readBinding(db))?.model, 'openai:tiny');
      } finally {
        await db.close();
      }
    });
  });
}
