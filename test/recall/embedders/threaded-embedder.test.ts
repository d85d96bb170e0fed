import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../../src/errors.js';
import { BUILTIN_MODEL_ID, createBuiltinEmbedder } from '../../../src/recall/embedders/builtin-embedder.js';
import { createThreadedBuiltinEmbedder } from '../../../src/recall/embedders/threaded-embedder.js';

it('the threaded built-in embedder gives the same vectors as the in-thread one', async () => {
  const texts = ['pushed the new code to Vercel', 'had pasta for dinner', 'deployment'];
  const threaded = createThreadedBuiltinEmbedder();
  assert.equal(threaded.id, BUILTIN_MODEL_ID);
  const [a, b] = await Promise.all([threaded.embed(texts), createBuiltinEmbedder().embed(texts)]);
  assert.equal(a.length, 3);
  for (let i = 0; i < 3; i++) {
    assert.equal(a[i].length, 512);
    const dot = a[i].reduce((s, x, j) => s + x * b[i][j], 0);
    assert.ok(dot > 0.9999, `text ${i}: cosine ${dot}`);
  }
  // Several calls in flight at once each get their own answer.
  const many = await Promise.all(texts.map((t) => threaded.embed([t])));
  for (const [i, [v]] of many.entries()) assert.ok(v.reduce((s, x, j) => s + x * a[i][j], 0) > 0.9999);
});

it('refuses bad input before it reaches the thread', async () => {
  const threaded = createThreadedBuiltinEmbedder();
  assert.throws(
    () => threaded.embed([42 as unknown as string]),
    (e: unknown) => e instanceof MnemoError && e.code === 'invalid_input',
  );
  assert.deepEqual(await threaded.embed([]), []);
});

it('close() ends the thread: an embed in flight is refused as unavailable, a later one starts a new thread', async () => {
  const threaded = createThreadedBuiltinEmbedder();
  assert.ok(threaded.close, 'the threaded embedder can be closed');
  const [before] = await threaded.embed(['deployment']);
  // Sixteen long texts take the thread well over the moment close() needs to end it.
  const inFlight = threaded.embed(Array.from({ length: 16 }, (_, i) => `release ${i} `.repeat(200)));
  await threaded.close();
  await assert.rejects(inFlight, (e: unknown) => e instanceof MnemoError && e.code === 'unavailable');
  const [after] = await threaded.embed(['deployment']);
  assert.ok(after.reduce((s, x, j) => s + x * before[j], 0) > 0.9999);
  await threaded.close();
  await threaded.close(); // idempotent
});
