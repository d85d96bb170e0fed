#!/usr/bin/env node
// Runs the Biome linter/formatter binary. The npm registry these machines use lacks
// several of @biomejs/biome's per-platform packages (android, some darwin/win32
// versions), which breaks `npm ci` for the meta package, so the Linux x64 binary
// package is a direct dev dependency. Elsewhere, install @biomejs/biome yourself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let bin = null;
try {
  bin = join(
    dirname(require.resolve(`@biomejs/cli-${process.platform}-${process.arch}/package.json`)),
    'biome',
  );
} catch {
  try {
    bin = join(dirname(require.resolve('@biomejs/biome/package.json')), 'bin/biome');
  } catch {}
}
if (!bin || !existsSync(bin)) {
  console.error(
    `no Biome binary for ${process.platform}-${process.arch}: run \`npm install --no-save @biomejs/biome@2.6.8\``,
  );
  process.exit(1);
}
const r = spawnSync(bin, process.argv.slice(2), { stdio: 'inherit' });
process.exit(r.status ?? 1);
