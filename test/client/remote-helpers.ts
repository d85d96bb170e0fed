/** A live mnemo server (serve() on 127.0.0.1:0 over the describe block's store) and a remote client on it. */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createRemoteMemory, type RemoteMemory } from '../../src/client/remote-memory.js';
import type { KeyScope } from '../../src/keys/keys-schema.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import type { BackendContext } from '../support/backends.js';

/** What a remote-client test gets. */
export interface RemoteContext {
  /** The server, its in-process memory (to check what the client wrote) and its keys. */
  t(): TestServer;
  /** A remote client with a read/write key of tenant `acme`. */
  mem(): RemoteMemory;
  /** Another remote client of tenant `acme`, with the given scopes. */
  client(scopes: KeyScope[], tenant?: string): Promise<RemoteMemory>;
}

/** Starts the server before the block's tests and closes it (and the clients) after. */
export function useRemote(ctx: BackendContext): RemoteContext {
  let t: TestServer | undefined;
  let mem: RemoteMemory | undefined;
  const clients: RemoteMemory[] = [];
  const client = async (scopes: KeyScope[], tenant = 'acme') => {
    assert.ok(t);
    const apiKey = await t.key({ tenant, scopes });
    const c = createRemoteMemory({ url: t.server.url, apiKey });
    clients.push(c);
    return c;
  };
  before(async () => {
    t = await startServer(ctx.db());
    mem = await client(['read', 'write']);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t?.close();
  });
  return {
    t: () => {
      assert.ok(t);
      return t;
    },
    mem: () => {
      assert.ok(mem);
      return mem;
    },
    client,
  };
}

/** Asserts that `p` rejects with a MnemoError of this class name, code and (when given) field. */
export async function rejectsWith(
  p: Promise<unknown>,
  expected: { name: string; code: string; field?: string; message?: RegExp },
): Promise<void> {
  await assert.rejects(p, (e: Error & { code?: string; field?: string }) => {
    assert.equal(e.name, expected.name, e.message);
    assert.equal(e.code, expected.code, e.message);
    if (expected.field !== undefined) assert.equal(e.field, expected.field, e.message);
    if (expected.message) assert.match(e.message, expected.message);
    return true;
  });
}
