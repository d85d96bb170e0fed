/** `mnemo keys create`: default tenant, the warning about data in other tenants, key defaults and pinning. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, cliStore } from '../cli/cli-harness.js';
import { PG_URL } from '../support/backends.js';

for (const backend of ['pglite', 'postgres'] as const) {
  const skip = backend === 'postgres' && !PG_URL ? 'MNEMO_TEST_DATABASE_URL is not set' : false;
  describe(`mnemo keys create [${backend}]`, { skip }, () => {
    let flags: string[] = [];
    let cleanup = async () => {};
    before(async () => {
      ({ flags, cleanup } = await cliStore(backend));
    });
    after(() => cleanup());
    const run = (...args: string[]) => cli([...args, ...flags]);

    it('defaults the tenant to "default", like every other command, and is quiet when nothing is elsewhere', async () => {
      assert.equal((await run('brain', 'set', 'identity.name', 'Ada')).code, 0);
      const k = await run('keys', 'create', '--json');
      assert.equal(k.code, 0, k.stderr);
      const created = JSON.parse(k.stdout);
      assert.equal(created.record.tenant, 'default');
      assert.equal(created.record.user, '');
      assert.equal(created.record.pinned, false);
      assert.equal(k.stderr, '', 'no warning: the data is in the key tenant');
    });

    it('warns on stderr when the store holds memory in other tenants than the key’s', async () => {
      assert.equal((await run('brain', 'set', 'identity.name', 'Bob', '--tenant', 'acme')).code, 0);
      assert.equal((await run('facts', 'add', 'Bob lives in Lyon', '--tenant', 'acme')).code, 0);
      const k = await run('keys', 'create', '--json');
      assert.equal(k.code, 0, k.stderr);
      assert.equal(JSON.parse(k.stdout).record.tenant, 'default', 'stdout stays the JSON of the key');
      assert.match(
        k.stderr,
        /^warning: this store holds memory in other tenants than "default": "acme" \(2 rows\)/,
      );
      assert.match(k.stderr, /--tenant acme/);
      const forAcme = await run('keys', 'create', '--tenant', 'acme', '--json');
      assert.equal(forAcme.code, 0, forAcme.stderr);
      assert.match(forAcme.stderr, /other tenants than "acme": "default" \(1 rows\)/);
    });

    it('stores a default user and agent and the pinned flag; --pin alone is refused', async () => {
      const k = await run('keys', 'create', '--user', 'alice', '--agent', 'claude', '--pin', '--json');
      assert.equal(k.code, 0, k.stderr);
      const r = JSON.parse(k.stdout).record;
      assert.deepEqual([r.user, r.agent, r.pinned], ['alice', 'claude', true]);
      const bad = await run('keys', 'create', '--pin');
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /^error \[invalid_input\]: "pinned": .*give user or agent/);
      assert.doesNotMatch(bad.stderr, /\n\s+at /);
      const list = await run('keys', 'list', '--json');
      assert.equal(JSON.parse(list.stdout).length, 4, 'the refused key was not stored');
    });
  });
}
