/**
 * A PostgreSQL server of a test's own: initdb into a temporary folder, started on a free
 * port with its socket in that folder, stopped and removed at the end. For tests that
 * hurt the server (fill its disk, stop it, kill it) without touching the shared one
 * other tests run on at the same time. Needs the server binaries (Debian's
 * postgresql-NN) and root, to run them as the `postgres` user.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The newest installed server's bin folder, or null. */
function serverBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors.length ? join(root, majors[0], 'bin') : null;
}

/**
 * Why a scratch server cannot be started here, or null when it can.
 *
 * @example
 * describe('...', { skip: cannotStartScratchPostgres() ?? false }, () => {});
 */
export function cannotStartScratchPostgres(): string | null {
  if (process.getuid?.() !== 0)
    return 'starting a PostgreSQL server of its own needs root (to run it as postgres)';
  if (!serverBin()) return 'no PostgreSQL server binaries under /usr/lib/postgresql';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A running scratch server. */
export interface ScratchPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  /** The URL of another database on it. */
  urlOf(database: string): string;
  /** A folder owned by `postgres`, for tablespaces. */
  folder: string;
  /** uid and gid of `postgres` (to own a mount). */
  uid: number;
  gid: number;
  /** Runs one statement on its `postgres` database. */
  sql(statement: string): Promise<void>;
  stop(): void;
  start(): void;
  /** Stops it and removes its folder. */
  destroy(): void;
}

/**
 * initdb, then start, a server of the test's own.
 *
 * @example
 * const pg = await startScratchPostgres(); try { ... } finally { pg.destroy() }
 */
export async function startScratchPostgres(): Promise<ScratchPostgres> {
  const bin = serverBin();
  if (!bin) throw new Error('no PostgreSQL server binaries');
  const folder = mkdtempSync(join(tmpdir(), 'mnemo-scratch-pg-'));
  const [uid, gid] = ids();
  chownSync(folder, uid, gid);
  const data = join(folder, 'data');
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' });
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const pgctl = (action: 'start' | 'stop') =>
    asPostgres('pg_ctl', [
      '-D',
      data,
      '-w',
      '-l',
      join(folder, 'log'),
      ...(action === 'start'
        ? ['-o', `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c autovacuum=off`]
        : ['-m', 'fast']),
      action,
    ]);
  pgctl('start');
  const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${db}`;
  let running = true;
  return {
    url: urlOf('postgres'),
    urlOf,
    folder,
    uid,
    gid,
    async sql(statement) {
      const c = new pg.Client({ connectionString: urlOf('postgres') });
      await c.connect();
      try {
        await c.query(statement);
      } finally {
        await c.end();
      }
    },
    stop() {
      if (running) pgctl('stop');
      running = false;
    },
    start() {
      if (!running) pgctl('start');
      running = true;
    },
    destroy() {
      try {
        if (running) pgctl('stop');
      } catch {}
      running = false;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** uid and gid of `postgres`. */
function ids(): [number, number] {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
}
