/**
 * What `npm pack` would publish (the build is current: npm test builds first): the
 * licence package.json names, and source maps that need no file the package does not ship.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  license: string;
  engines: { node: string };
  type: string;
};

/** The files `npm pack` would put in the tarball (no build: `--ignore-scripts`). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [report] = JSON.parse(out) as [{ files: { path: string }[] }];
  return report.files.map((f) => f.path);
}

describe('the published package', () => {
  const files = packedFiles();
  const packed = new Set(files);

  it('ships the Apache-2.0 licence that package.json names', () => {
    assert.equal(pkg.license, 'Apache-2.0');
    assert.ok(packed.has('LICENSE'), files.join('\n'));
    const text = readFileSync(join(root, 'LICENSE'), 'utf8');
    assert.match(text, /^\s*Apache License\s+Version 2\.0, January 2004/);
    assert.match(text, /END OF TERMS AND CONDITIONS/);
  });

  it('ships source maps that carry their sources, and no map or source a file does not have', () => {
    const maps = files.filter((f) => f.endsWith('.map'));
    assert.ok(maps.length > 0, 'the build emits source maps');
    const missing: string[] = [];
    for (const map of maps) {
      const m = JSON.parse(readFileSync(join(root, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      m.sources.forEach((source, i) => {
        const target = posix.normalize(posix.join(posix.dirname(map), source));
        if (!packed.has(target) && typeof m.sourcesContent?.[i] !== 'string')
          missing.push(`${map} -> ${target}`);
      });
    }
    assert.deepEqual(missing, [], 'maps whose source is neither shipped nor inlined');
    const dangling: string[] = [];
    for (const js of files.filter((f) => f.endsWith('.js'))) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(join(root, js), 'utf8'))?.[1];
      if (!url || url.startsWith('data:')) continue;
      const target = posix.normalize(posix.join(posix.dirname(js), url));
      if (!packed.has(target)) dangling.push(`${js} -> ${target}`);
    }
    assert.deepEqual(dangling, [], 'sourceMappingURL comments naming a file that is not shipped');
  });

  it('is ESM only and says which Node.js versions it supports', () => {
    assert.equal(pkg.type, 'module');
    assert.match(pkg.engines.node, /^>=20\.10/);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.match(readme, /ESM only/);
    assert.match(readme, /Node\.js 20\.10\+, 22 and 24/);
  });
});

describe('loading mnemo from a CommonJS project', () => {
  it('require() fails with the error the README names, a dynamic import works', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnemo-cjs-'));
    try {
      mkdirSync(join(dir, 'node_modules'));
      symlinkSync(root, join(dir, 'node_modules/mnemo'), 'dir');
      writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }');
      writeFileSync(
        join(dir, 'main.js'),
        `let required = 'loaded';
         try { require('mnemo'); } catch (e) { required = e.code; }
         import('mnemo').then((m) => console.log(required, typeof m.createMemory));`,
      );
      const r = spawnSync(process.execPath, ['main.js'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED function');
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      assert.match(readme, /ERR_PACKAGE_PATH_NOT_EXPORTED/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
