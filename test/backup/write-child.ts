// Child process of the backup-under-load test: writes batches of episodes into the
// PostgreSQL store at argv[2] and prints "ack <batch> <ms>" for each acknowledged one;
// stops when stdin closes.
import { createMemory } from '../../src/memory.js';
import { writeLoop } from './write-loop.js';

let stop = false;
process.stdin.on('end', () => {
  stop = true;
});
process.stdin.resume();
const mem = await createMemory({ databaseUrl: process.argv[2], embedder: null, indexer: false });
process.stdout.write('ready\n');
await writeLoop(
  mem,
  (i, at) => process.stdout.write(`ack ${i} ${at}\n`),
  () => stop,
);
await mem.close();
process.exit(0);
