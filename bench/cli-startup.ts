/**
 * Start-up time of the built `mnemo` command: each case is spawned N times, one after
 * the other, and the wall time of each spawn (start to exit) is recorded.
 *
 *   npm run build && npm run bench:cli -- --runs 20
 *
 * Cases: `mnemo --help`, `mnemo --version`, `mnemo brain --help`, two one-shot commands on
 * an embedded folder (`brain get`, `remember`; the folder is made and migrated by one
 * untimed run first, MNEMO_EMBEDDER=none) and the import of the built library
 * (dist/index.js). Prints median, min and max per case and the load average.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const runs = Number(values.runs);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'mnemo.js');
const dir = mkdtempSync(join(tmpdir(), 'mnemo-bench-cli-'));
const env = { ...process.env, MNEMO_EMBEDDER: 'none' };

function once(args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const cases: [string, string[]][] = [
  ['mnemo --help', [bin, '--help']],
  ['mnemo --version', [bin, '--version']],
  ['mnemo brain --help', [bin, 'brain', '--help']],
  ['mnemo brain get (embedded folder)', [bin, 'brain', 'get', 'identity.name', '--data-dir', dir]],
  ['mnemo remember (embedded folder)', [bin, 'remember', 'a short note', '--data-dir', dir]],
  [
    "import('mnemo') (dist/index.js)",
    ['--input-type=module', '-e', `await import(${JSON.stringify(join(root, 'dist/index.js'))})`],
  ],
];

try {
  // The folder is created and migrated once, untimed; `brain get` needs the key to exist.
  once([bin, 'brain', 'set', 'identity.name', 'bench', '--data-dir', dir]);
  const rows = [];
  for (const [name, args] of cases) {
    const load = loadavg()[0];
    const times = Array.from({ length: runs }, () => once(args)).sort((a, b) => a - b);
    const ms = (v: number) => Math.round(v);
    rows.push({
      case: name,
      median_ms: ms(times[Math.floor(times.length / 2)]),
      min_ms: ms(times[0]),
      max_ms: ms(times[times.length - 1]),
      load_1m: Number(((load + loadavg()[0]) / 2).toFixed(2)),
    });
  }
  console.table(rows);
  console.log(`${runs} runs each, node ${process.version}, ${new Date().toISOString()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
