/**
 * Start-up time of the built `mnemo` command: each case is spawned N times, one after
 * the other, and the wall time of each spawn (start to exit) is recorded.
 *
 *   npm run build && npm run bench:cli -- --runs 20
 *   npm run bench:cli -- --runs 20 --baseline /tmp/mnemo-old   (another built checkout)
 *
 * Cases: `mnemo --help`, `mnemo --version`, `mnemo brain --help`, two one-shot commands on
 * an embedded folder (`brain get`, `remember`; the folder is made and migrated by one
 * untimed run first, MNEMO_EMBEDDER=none) and the import of the built library
 * (dist/index.js). Prints median, min and max per case and the load average. With
 * --baseline, every run of a case alternates between the baseline build and this one, so
 * both see the same load on a shared machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, baseline: { type: 'string' } },
});
const runs = Number(values.runs);
const here = fileURLToPath(new URL('..', import.meta.url));
const roots: [string, string][] = [
  ...(values.baseline ? [['baseline', resolve(values.baseline)] as [string, string]] : []),
  ['this build', here],
];
const env = { ...process.env, MNEMO_EMBEDDER: 'none', DATABASE_URL: '', MNEMO_DATA_DIR: '' };

function once(root: string, args: string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** The arguments of each case for the checkout at `root`, with its own embedded folder `dir`. */
function cases(root: string, dir: string): [string, string[]][] {
  const bin = join(root, 'bin', 'mnemo.js');
  const index = JSON.stringify(join(root, 'dist', 'index.js'));
  return [
    ['mnemo --help', [bin, '--help']],
    ['mnemo --version', [bin, '--version']],
    ['mnemo brain --help', [bin, 'brain', '--help']],
    ['mnemo brain get (embedded folder)', [bin, 'brain', 'get', 'identity.name', '--data-dir', dir]],
    ['mnemo remember (embedded folder)', [bin, 'remember', 'a short note', '--data-dir', dir]],
    ["import('mnemo') (dist/index.js)", ['--input-type=module', '-e', `await import(${index})`]],
  ];
}

const dirs = roots.map(() => mkdtempSync(join(tmpdir(), 'mnemo-bench-cli-')));
try {
  // Each folder is created and migrated once, untimed; `brain get` needs the key to exist.
  roots.forEach(([, root], i) => {
    once(root, [
      join(root, 'bin', 'mnemo.js'),
      'brain',
      'set',
      'identity.name',
      'bench',
      '--data-dir',
      dirs[i],
    ]);
  });
  const table = roots.map(([, root], i) => cases(root, dirs[i]));
  const rows: Record<string, string | number>[] = [];
  for (let c = 0; c < table[0].length; c++) {
    const load = loadavg()[0];
    const times: number[][] = roots.map(() => []);
    // Alternate the builds run by run, so both see the same load.
    for (let n = 0; n < runs; n++)
      for (const [i, [, root]] of roots.entries()) times[i].push(once(root, table[i][c][1]));
    const load1 = Number(((load + loadavg()[0]) / 2).toFixed(2));
    roots.forEach(([name], i) => {
      const t = times[i].sort((a, b) => a - b);
      rows.push({
        case: table[i][c][0],
        build: name,
        median_ms: Math.round(t[Math.floor(t.length / 2)]),
        min_ms: Math.round(t[0]),
        max_ms: Math.round(t[t.length - 1]),
        load_1m: load1,
      });
    });
  }
  console.table(rows);
  console.log(`${runs} runs each, node ${process.version}, ${new Date().toISOString()}`);
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
