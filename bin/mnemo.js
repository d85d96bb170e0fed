#!/usr/bin/env node
// The mnemo command. The compiled CLI lives in dist/ (built by `npm run build`,
// which `npm install` / `npm ci` run through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('mnemo is not built yet: run `npm run build` in the package folder.');
  process.exit(1);
}
// `mnemo ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import(entry.href);
await main(process.argv);
