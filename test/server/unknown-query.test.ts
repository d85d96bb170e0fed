/**
 * A query parameter an operation does not know is refused with `invalid_input` naming it
 * (`?limt=3` is a typo, not a request for the default limit), on GET and POST alike, and
 * the store is unchanged. PGlite only: the check runs before any query reaches the store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createApp } from '../../src/server/app.js';
import type { MnemoApp } from '../../src/server/server-types.js';

describe('unknown query parameters (pglite: refused before the store is touched)', () => {
  let memory: LocalMemory;
  let app: MnemoApp;
  before(async () => {
    memory = await createMemory({ dataDir: ':memory:', embedder: null, llm: null });
    app = createApp({ memory, config: { openMode: true } });
  });
  after(() => memory.close());

  it('refuses a misspelt list parameter, naming it, and accepts the right one', async () => {
    const bad = await app.request('/v1/facts?limt=3');
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as { error: { code: string; field: string; details: { in: string } } };
    assert.equal(body.error.code, 'invalid_input');
    assert.equal(body.error.field, 'limt');
    assert.equal(body.error.details.in, 'query');
    assert.equal((await app.request('/v1/facts?limit=3')).status, 200);
  });

  it('refuses an unknown parameter on a write, and writes nothing', async () => {
    const res = await app.request('/v1/facts?user=alice&usr=bob', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'Alice lives in Lyon' }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { field: string } }).error.field, 'usr');
    assert.equal((await memory.facts.list({ scope: { user: 'alice' } })).items.length, 0);
  });
});
