// `mnemo --help` and `mnemo CMD --help` of every command, through the built CLI, print
// exactly the text recorded in fixtures/help-text.json (captured before the CLI loaded
// command code lazily), and printing help loads no library code: no store, server, MCP or
// zod module, only commander and the CLI's own light modules. No store is opened, so
// there is no backend to vary. After a deliberate change to a command's help, rewrite the
// fixture with MNEMO_UPDATE_HELP_FIXTURE=1 and review its diff.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Command } from 'commander';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const fixtureFile = new URL('./fixtures/help-text.json', import.meta.url);
const fixture: Record<string, string> = JSON.parse(readFileSync(fixtureFile, 'utf8'));

/** Every command path of the built CLI ('' for the root). */
async function commandPaths(): Promise<string[]> {
  const { buildProgram } = await import(new URL('../../dist/cli/main.js', import.meta.url).href);
  const paths: string[] = [];
  const walk = (c: Command, path: string[]) => {
    paths.push(path.join(' '));
    for (const s of c.commands) walk(s, [...path, s.name()]);
  };
  walk(buildProgram(), []);
  return paths;
}

async function help(path: string[], extra: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: '', MNEMO_DATA_DIR: '', COLUMNS: '' };
  return run(process.execPath, [...extra, 'bin/mnemo.js', ...path, '--help'], { cwd: root, env });
}

describe('mnemo help text', () => {
  it('is the recorded text for mnemo --help and every command and subcommand', async () => {
    // Updating records every command the CLI has (new ones too); checking, the recorded ones.
    const paths = process.env.MNEMO_UPDATE_HELP_FIXTURE ? await commandPaths() : Object.keys(fixture);
    assert.ok(paths.length > 50, `the fixture lists ${paths.length} commands`);
    const got: Record<string, string> = {};
    // Four spawns at a time: the order of the records does not depend on it.
    for (let i = 0; i < paths.length; i += 4) {
      const batch = paths.slice(i, i + 4);
      const outs = await Promise.all(batch.map((p) => help(p ? p.split(' ') : [])));
      batch.forEach((p, j) => {
        got[p] = outs[j].stdout;
      });
    }
    if (process.env.MNEMO_UPDATE_HELP_FIXTURE) {
      writeFileSync(fixtureFile, `${JSON.stringify(got, null, 2)}\n`);
      return;
    }
    for (const p of paths) assert.equal(got[p], fixture[p], `help of "mnemo ${p}" changed`);
  });

  it('records every command the CLI has: a new command needs its help in the fixture', async () => {
    assert.deepEqual((await commandPaths()).sort(), Object.keys(fixture).sort());
  });

  it('loads only commander and the CLI itself to print help', async () => {
    const hook = new URL('../support/module-log-hook.mjs', import.meta.url).href;
    for (const path of [[], ['serve'], ['brain', 'get'], ['ingest'], ['keys', 'create']]) {
      const r = await help(path, ['--import', hook]);
      const loaded = r.stderr
        .split('\n')
        .filter((l) => l.startsWith('mnemo-module-load '))
        .map((l) => l.slice('mnemo-module-load '.length));
      assert.ok(
        loaded.some((u) => u.endsWith('/dist/cli/main.js')),
        `the hook saw the CLI load: ${r.stderr}`,
      );
      const packages = loaded.filter((u) => u.includes('/node_modules/') && !u.includes('/commander/'));
      assert.deepEqual(packages, [], `mnemo ${path.join(' ')} --help loaded packages`);
      const heavy = loaded.filter((u) =>
        /\/dist\/(index|memory|mcp\/|db\/open|server\/(?!serve-defaults)|recall\/(?!embedding-progress)|formation\/)/.test(
          u,
        ),
      );
      assert.deepEqual(heavy, [], `mnemo ${path.join(' ')} --help loaded library modules`);
    }
  });
});
