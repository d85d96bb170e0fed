import { resolveLocation } from '../config.js';
import { ONE_SHOT_WAIT_MS, readDataDirLock } from '../db/data-dir-lock.js';

/**
 * The `mnemo serve` holding an embedded folder, as the folder's lock file describes it.
 *
 * @example
 * const s: Served = { url: 'http://127.0.0.1:7411', token: 'mnemo_local_...', pid: 1234, dataDir: '/home/ada/.mnemo' };
 */
export interface Served {
  url: string;
  token: string;
  pid: number;
  dataDir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When the store named by the flags is an embedded folder held by a live `mnemo serve`
 * on this machine, its URL and local admin token (and a line on stderr saying the
 * command goes through it); otherwise null. A server still starting (lock taken, not
 * listening yet) is waited for.
 *
 * @example
 * const served = await servedServer({ dataDir: './.mnemo' });
 * if (served) await createMemory({ url: served.url, apiKey: served.token });
 */
export async function servedServer(f: { databaseUrl?: string; dataDir?: string }): Promise<Served | null> {
  const loc = resolveLocation({
    ...(f.databaseUrl ? { databaseUrl: f.databaseUrl } : {}),
    ...(f.dataDir ? { dataDir: f.dataDir } : {}),
  });
  if (loc.kind !== 'pglite' || !loc.dataDir) return null;
  const deadline = Date.now() + ONE_SHOT_WAIT_MS;
  for (;;) {
    const s = readDataDirLock(loc.dataDir);
    if (s.state !== 'held' || !s.here || s.info.command !== 'serve') return null;
    if (s.info.url && s.info.token) {
      process.stderr.write(
        `mnemo: ${loc.dataDir} is served by mnemo serve (pid ${s.info.pid}) at ${s.info.url}; using its HTTP API\n`,
      );
      return { url: s.info.url, token: s.info.token, pid: s.info.pid, dataDir: loc.dataDir };
    }
    // Opened but not listening yet: opening it here would fail with `locked` anyway.
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}
