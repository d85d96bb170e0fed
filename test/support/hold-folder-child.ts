// Child process holding an embedded data folder for the lock tests.
//   hold-folder-child.ts DIR memory            opens createMemory({ dataDir: DIR }) (command "library")
//   hold-folder-child.ts DIR lock CMD AT HOLD  takes only the lock as CMD at wall-clock instant AT,
//                                              prints "won" or "locked", holds it HOLD ms
// Prints "ready <pid>" (memory) once it holds the folder; stops on SIGTERM or when stdin closes.

import { acquireDataDirLock } from '../../src/db/data-dir-lock.js';
import { isMnemoError } from '../../src/errors.js';
import { createMemory } from '../../src/memory.js';

const [dir, mode, command, at, hold] = process.argv.slice(2);
const stop = new Promise<void>((resolve) => {
  process.once('SIGTERM', resolve);
  process.stdin.on('end', resolve);
  process.stdin.resume();
});

if (mode === 'memory') {
  const mem = await createMemory({ dataDir: dir, embedder: null });
  process.stdout.write(`ready ${process.pid}\n`);
  await stop;
  await mem.close();
} else {
  await new Promise((r) => setTimeout(r, Math.max(0, Number(at) - Date.now())));
  try {
    const lock = await acquireDataDirLock(dir, { command, waitMs: 0 });
    process.stdout.write('won\n');
    await new Promise((r) => setTimeout(r, Number(hold)));
    lock.release();
  } catch (e) {
    process.stdout.write(isMnemoError(e) && e.code === 'locked' ? 'locked\n' : `error ${String(e)}\n`);
  }
}
process.exit(0);
