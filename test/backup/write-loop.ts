// The writer of the backup-under-load test: appends batches of BATCH episodes, each
// batch one transaction (appendMany), in a loop, and reports every acknowledged batch
// with the wall-clock time its call returned. Run in a child process on PostgreSQL
// (write-child.ts) and inside the test's own process on PGlite.
import type { LocalMemory } from '../../src/memory.js';

/** Episodes per batch: a restored batch must have all of them or none. */
export const BATCH = 3;
/** The tenant the writer writes to. */
export const LOAD_TENANT = 'load';

/**
 * Writes batch 0, 1, 2, ... until `stopped()`; calls `onAck(i, ms)` after batch i is committed.
 *
 * @example
 * await writeLoop(mem, (i, at) => console.log(i, at), () => done);
 */
export async function writeLoop(
  mem: LocalMemory,
  onAck: (batch: number, at: number) => void,
  stopped: () => boolean,
): Promise<void> {
  for (let i = 0; !stopped(); i++) {
    await mem.episodes.appendMany({
      scope: { tenant: LOAD_TENANT, user: 'writer', session: `b${i}` },
      episodes: Array.from({ length: BATCH }, (_, k) => ({
        role: 'user' as const,
        content: `batch ${i} part ${k}`,
      })),
    });
    onAck(i, Date.now());
    // PGlite answers without leaving the microtask queue: yield, as requests arriving by I/O would.
    await new Promise((r) => setImmediate(r));
  }
}
