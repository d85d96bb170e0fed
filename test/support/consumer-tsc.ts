/**
 * Compiles files as a user's project would (strict, NodeNext, the repo's tsc and Node
 * types), with a tsconfig written into `dir`: the package tests check the published
 * types this way.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** Runs tsc over `files` from `dir`; `skipLibCheck` false also checks every `.d.ts` reached. */
export function compileAsConsumer(
  dir: string,
  files: string[],
  opts: { skipLibCheck: boolean },
): { status: number | null; output: string } {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: opts.skipLibCheck,
        types: ['node'],
        typeRoots: [join(root, 'node_modules/@types')],
      },
      files,
    }),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
