/**
 * The OpenAPI document of the built-in routes against test/server/openapi.snapshot.json, a
 * snapshot committed before operationIds and servers were added: paths, methods, parameters,
 * request bodies, responses (status codes and schemas), components, everything else too, must
 * stay as they are unless a change means to change them (then regenerate it, see below, and
 * review the diff).
 *
 * PGlite only: the document is built from the zod schemas of the routes and does not read the
 * store, so it cannot differ between backends.
 *
 * Regenerate: `MNEMO_UPDATE_SNAPSHOT=1 npm test -- test/server/openapi-snapshot.test.ts`
 * (never in CI: with `CI` set the test refuses it).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createMemory, type LocalMemory } from '../../src/memory.js';
import { createApp } from '../../src/server/app.js';

const SNAPSHOT = new URL('./openapi.snapshot.json', import.meta.url);

const OPERATION_IDS = new URL('./openapi.operation-ids.json', import.meta.url);

/**
 * Exactly what the comparison leaves out, nothing more: the document's `servers`, `info.license`
 * and the `operationId` of each operation (`paths.<path>.<method>.operationId`). They were added
 * after the snapshot was taken (none of them changes what a route takes or answers); servers and
 * operationIds are checked by the tests below, the ids against openapi.operation-ids.json.
 */
export const IGNORED = [
  'servers',
  'info.license',
  'paths.*.*.operationId',
  'description of a schema or parameter (prose for readers and models, added as field schemas gained it)',
] as const;

/**
 * A copy without the `description` of schemas and parameters: prose that the fields of the
 * areas' schemas gained when the MCP tools began to derive from them. What a route takes and
 * answers is unchanged by it. The description of a response (what a status means) is kept.
 */
export function withoutProse(v: Json, parent = ''): Json {
  if (Array.isArray(v)) return v.map((x) => withoutProse(x, parent));
  if (!v || typeof v !== 'object') return v;
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'description' && typeof x === 'string' && parent !== 'response') continue;
    out[k] = withoutProse(x as Json, parent === 'responses' ? 'response' : k);
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A copy with object keys sorted at every level (arrays keep their order). */
export function canonical(v: Json): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical(v[k] as Json)]),
    );
  return v;
}

/**
 * The document without `servers`, `info.license` and the operationIds, prose kept: what the
 * snapshot file holds (the prose too, for readers of its diffs, although the comparison
 * leaves it out).
 */
export function snapshotOf(doc: { [k: string]: Json }): Json {
  const { servers: _servers, ...rest } = doc;
  if (rest.info && typeof rest.info === 'object' && !Array.isArray(rest.info)) {
    const { license: _license, ...info } = rest.info;
    rest.info = info;
  }
  const paths = (rest.paths ?? {}) as { [path: string]: { [method: string]: Json } };
  const stripped = Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(
        Object.entries(item).map(([method, op]) => {
          if (!op || typeof op !== 'object' || Array.isArray(op)) return [method, op];
          const { operationId: _id, ...kept } = op;
          return [method, kept];
        }),
      ),
    ]),
  );
  return canonical({ ...rest, paths: stripped });
}

/** The document without what {@link IGNORED} names. */
export function comparable(doc: { [k: string]: Json }): Json {
  return canonical(withoutProse(snapshotOf(doc)));
}

/** `{ "METHOD /path": operationId }` of every operation, sorted. */
export function operationIds(doc: { [k: string]: Json }): { [op: string]: Json } {
  const out: { [op: string]: Json } = {};
  for (const [path, item] of Object.entries(
    doc.paths as { [p: string]: { [m: string]: { [k: string]: Json } } },
  ))
    for (const [method, op] of Object.entries(item))
      out[`${method.toUpperCase()} ${path}`] = op.operationId ?? null;
  return canonical(out) as { [op: string]: Json };
}

describe('openapi document snapshot (pglite: the document does not depend on the backend)', () => {
  let memory: LocalMemory;
  let doc: { [k: string]: Json };
  before(async () => {
    memory = await createMemory({ dataDir: ':memory:' });
    const res = await createApp({ memory }).request('/v1/openapi.json');
    assert.equal(res.status, 200);
    doc = (await res.json()) as { [k: string]: Json };
  });
  after(() => memory.close());

  it('matches the committed snapshot, except what IGNORED names', (t) => {
    if (process.env.MNEMO_UPDATE_SNAPSHOT) {
      assert.ok(!process.env.CI, 'MNEMO_UPDATE_SNAPSHOT must never be set in CI');
      // The document as served, prose included: writing comparable(doc) here dropped every
      // description of a schema or parameter from the file at each regeneration.
      writeFileSync(SNAPSHOT, `${JSON.stringify(snapshotOf(doc), null, 2)}\n`);
      writeFileSync(OPERATION_IDS, `${JSON.stringify(operationIds(doc), null, 2)}\n`);
      t.skip('snapshot rewritten: review its diff before committing');
      return;
    }
    const snapshot = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as { [k: string]: Json };
    // Path by path first, so a failure names the operation that changed.
    const live = comparable(doc) as { paths: { [p: string]: Json } };
    const saved = comparable(snapshot) as { paths: { [p: string]: Json } };
    assert.deepEqual(Object.keys(live.paths), Object.keys(saved.paths), 'the same paths');
    for (const p of Object.keys(saved.paths)) assert.deepEqual(live.paths[p], saved.paths[p], `path ${p}`);
    assert.deepEqual(live, saved);
  });

  it('compares what matters: a changed parameter, status code or schema is a difference', () => {
    // The comparison must be able to fail: each of these edits of the live document differs.
    const edits: ((d: { paths: { [p: string]: { [m: string]: { [k: string]: Json } } } }) => void)[] = [
      (d) => {
        d.paths['/v1/keys/{id}'].delete.parameters = [];
      },
      (d) => {
        const r = d.paths['/v1/keys'].post.responses as { [s: string]: Json };
        r['299'] = r['201'] ?? null;
      },
      (d) => {
        d.paths['/v1/keys'].post.requestBody = null;
      },
      (d) => {
        d.paths['/v1/keys'].get.summary = 'changed';
      },
      (d) => {
        const r = d.paths['/v1/keys'].get.responses as { [s: string]: { [k: string]: Json } };
        (r['200'] as { [k: string]: Json }).description = 'changed';
      },
    ];
    const base = comparable(doc);
    for (const edit of edits) {
      const copy = structuredClone(doc) as unknown as Parameters<(typeof edits)[number]>[0];
      edit(copy);
      assert.notDeepEqual(comparable(copy as unknown as { [k: string]: Json }), base);
    }
    // ...and what IGNORED names is not.
    const withIds = structuredClone(doc) as { [k: string]: Json };
    withIds.servers = [{ url: '/' }];
    (withIds.info as { [k: string]: Json }).license = { name: 'changed' };
    (withIds.paths as { [p: string]: { [m: string]: { [k: string]: Json } } })['/v1/keys'].get.operationId =
      'somethingElse';
    const schemas = (withIds.components as { [k: string]: { [k: string]: { [k: string]: Json } } }).schemas;
    (schemas.Fact as { [k: string]: Json }).description = 'prose added to a schema';
    assert.deepEqual(comparable(withIds), base);
  });

  it('gives every operation a unique camelCase operationId, area then verb, kept stable', () => {
    const ids = operationIds(doc);
    assert.ok(Object.keys(ids).length >= 50, 'the built-in operations are all there');
    for (const [op, id] of Object.entries(ids)) {
      assert.equal(typeof id, 'string', `${op} has an operationId`);
      assert.match(String(id), /^[a-z]+(?:[A-Z][a-z]+)+$/, `${op}: ${id} is camelCase, area then verb`);
    }
    const seen = new Map<Json, string>();
    for (const [op, id] of Object.entries(ids)) {
      assert.equal(seen.get(id), undefined, `${op} and ${seen.get(id)} share the operationId ${id}`);
      seen.set(id, op);
    }
    // Renaming one renames a method of every generated client: the ids are committed too.
    if (!process.env.MNEMO_UPDATE_SNAPSHOT)
      assert.deepEqual(ids, JSON.parse(readFileSync(OPERATION_IDS, 'utf8')), 'openapi.operation-ids.json');
  });

  it('names its server: "/", relative, so it resolves against where the document was fetched', () => {
    assert.deepEqual(
      (doc.servers as { url: string }[]).map((s) => s.url),
      ['/'],
    );
  });
});
