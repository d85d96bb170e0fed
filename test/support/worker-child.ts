// Child process for the multi-process task test: runs a worker on the PostgreSQL store
// at argv[2] (queue argv[3], agent argv[4], lease seconds argv[5]). Each execution is
// recorded in test_completions; a task with payload {hang: true} hangs on its first
// attempt after printing "HANG <agent>", so the parent can SIGKILL this process mid-task.
// Stops gracefully on SIGTERM.

import { systemClock } from '../../src/clock.js';
import { createTasks } from '../../src/coordination/tasks-service.js';
import { runWorker } from '../../src/coordination/worker-runner.js';
import { openStore } from '../../src/db/open.js';

const [url, queue, agent, lease] = process.argv.slice(2);
const db = await openStore({ kind: 'postgres', url }, { poolSize: 3 });
const tasks = createTasks({ db, clock: systemClock });
const worker = runWorker({
  tasks,
  queue,
  agent,
  leaseSeconds: Number(lease),
  pollIntervalMs: 200,
  handleSignals: true,
  handler: async (task) => {
    if ((task.payload as { hang?: boolean }).hang && task.attempts === 1) {
      process.stdout.write(`HANG ${agent}\n`);
      return new Promise(() => {});
    }
    await db.query('insert into test_completions (task_id, agent) values ($1, $2)', [task.id, agent]);
    return { by: agent };
  },
});
process.stdout.write(`READY ${agent}\n`);
await worker.done;
await db.close();
