/**
 * One `Memory` interface for the in-process store and the remote client: the type
 * checks below are compiled by `npm run typecheck` (this file is under test/), the
 * runtime half runs one function written against `Memory` on both.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { RemoteMemory } from '../../src/client/remote-memory.js';
import { createMemory, type LocalMemory, type Memory } from '../../src/memory.js';
import { describeBackends } from '../support/backends.js';
import { useRemote } from './remote-helpers.js';

// Compile-time: both are assignable to Memory; a remote client is not a LocalMemory.
type Assignable<T, U> = [T] extends [U] ? true : false;
const remoteIsMemory: Assignable<RemoteMemory, Memory> = true;
const localIsMemory: Assignable<LocalMemory, Memory> = true;
const remoteIsNotLocal: Assignable<RemoteMemory, LocalMemory> = false;
const createMemoryLocal = (): Promise<Memory> => createMemory({ dataDir: ':memory:' });
const createMemoryRemote = (): Promise<Memory> => createMemory({ url: 'http://127.0.0.1:1' });
void [remoteIsMemory, localIsMemory, remoteIsNotLocal, createMemoryLocal, createMemoryRemote];

/** Written once against the shared interface. */
async function noteAndRecall(m: Memory, text: string) {
  const r = await m.remember({ text, scope: { user: 'ada' } });
  await m.flush();
  await m.brain.set({ key: 'profile.drink', value: 'tea', scope: { user: 'ada' } });
  const hits = await m.recall({ query: 'tea', scope: { user: 'ada' } });
  const ctx = await m.context({ query: 'tea', scope: { user: 'ada' } });
  return { r, hits, ctx };
}

describeBackends('Memory: one interface for local and remote', (ctx) => {
  const remote = useRemote(ctx);

  it('the same function runs on the in-process memory and on the remote client', async () => {
    const local = await createMemory({ db: ctx.db(), embedder: null, indexer: false });
    try {
      const a = await noteAndRecall(local, 'Ada drinks tea every morning');
      assert.equal(a.r.kind, 'fact');
      assert.ok(a.hits.items.some((i) => i.content.includes('Ada drinks tea')));
      assert.match(a.ctx.text, /tea/);
    } finally {
      await local.close();
    }
    const r = remote.mem();
    const b = await noteAndRecall(r, 'Ada drinks green tea at noon');
    assert.equal(b.r.kind, 'fact');
    assert.ok(b.hits.items.some((i) => i.content.includes('green tea')));
    assert.match(b.ctx.text, /tea/);
  });

  it('remote flush() resolves at once (nothing pending in the client) and the client stays usable', async () => {
    const r = remote.mem();
    assert.equal(typeof r.flush, 'function');
    assert.equal(await r.flush(), undefined);
    assert.equal((await r.brain.set({ key: 'after.flush', value: 1 })).version, 1);
  });
});
