// Child process for the scheduler test: runs the scheduler on the PostgreSQL store at
// argv[2] with one job, "probe", every argv[3] ms, ticking every 50 ms. Each run inserts
// (period, pid) into sched_probe; odd seconds' runs take 300 ms. Prints "READY" once
// started; stops gracefully on SIGTERM.

import { openStore } from '../../src/db/open.js';
import { startScheduler } from '../../src/maintenance/scheduler.js';

const [url, every] = process.argv.slice(2);
const db = await openStore({ kind: 'postgres', url }, { poolSize: 3 });
const scheduler = startScheduler({
  db,
  tickMs: 50,
  jobs: [
    {
      name: 'probe',
      everyMs: Number(every),
      run: async ({ periodStart }) => {
        await db.query('insert into sched_probe (period, pid) values ($1, $2)', [periodStart, process.pid]);
        // Odd periods run long (the others tick while it runs), even ones end at once (the
        // others arrive after it finished).
        if ((periodStart.getTime() / 1000) % 2) await new Promise((r) => setTimeout(r, 300));
        return { pid: process.pid };
      },
    },
  ],
});
process.stdout.write('READY\n');
process.on('SIGTERM', () => {
  void scheduler
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0));
});
