/**
 * One `Memory` interface for the in-process store and the remote client: the type
 * checks below are compiled by `npm run typecheck` (this file is under test/).
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

// At run time, every area test is one function written against Memory and run on both
// (test/support/memories.ts); what is left here is the client's own flush().
describeBackends('Memory: one interface for local and remote', (ctx) => {
  const remote = useRemote(ctx);

  it('remote flush() resolves at once (nothing pending in the client) and the client stays usable', async () => {
    const r = remote.mem();
    assert.equal(typeof r.flush, 'function');
    assert.equal(await r.flush(), undefined);
    assert.equal((await r.brain.set({ key: 'after.flush', value: 1 })).version, 1);
  });
});
