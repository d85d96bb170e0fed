/** The MCP contract, run over each transport (stdio, streamable HTTP) with a connected SDK client. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CORE_TOOLS, callTool, fails, ok } from './mcp-helpers.js';

/**
 * Registers the tests. `client()` is the connected client; `agent` is the default agent
 * the server was started with (stdio `--agent`), '' when none.
 */
export function mcpScenarios(client: () => Client, agent: string): void {
  it('lists every tool with a description and a JSON Schema of its input', async () => {
    const { tools } = await client().listTools();
    const names = tools.map((t) => t.name);
    for (const name of CORE_TOOLS) assert.ok(names.includes(name), `missing tool ${name}`);
    for (const t of tools) {
      assert.ok((t.description ?? '').length > 60, `${t.name} needs a precise description`);
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(
        t.annotations?.readOnlyHint,
        t.name.match(/_(get|list|history|query)$|^recall$|^context$/) !== null,
      );
    }
    const set = tools.find((t) => t.name === 'brain_set');
    const props = set?.inputSchema.properties as Record<string, { description?: string }>;
    assert.deepEqual(set?.inputSchema.required, ['key', 'value']);
    assert.match(props.key.description ?? '', /dot-notation/);
    assert.ok(props.scope, 'every tool takes an optional scope');
  });

  it('writes and reads brain keys, with versions and the default scope', async () => {
    const a = await ok(client(), 'brain_set', { key: 'identity.name', value: { first: 'Ada' } });
    assert.equal(a.version, 1);
    assert.equal(a.agent, agent);
    const got = await ok(client(), 'brain_get', { key: 'identity.name' });
    assert.deepEqual(got, { found: true, entry: { ...a } });
    assert.equal(typeof got.entry.updatedAt, 'string', 'dates travel as ISO strings');
    const b = await ok(client(), 'brain_set', { key: 'identity.name', value: 'Ada L.', expectedVersion: 1 });
    assert.equal(b.version, 2);
    const stale = await fails(client(), 'brain_set', {
      key: 'identity.name',
      value: 'x',
      expectedVersion: 1,
    });
    assert.equal(stale.code, 'conflict');
    const list = await ok(client(), 'brain_list', { prefix: 'identity' });
    assert.deepEqual(
      list.items.map((e: { key: string; value: unknown }) => [e.key, e.value]),
      [['identity.name', 'Ada L.']],
    );
    const hist = await ok(client(), 'brain_history', { key: 'identity.name' });
    assert.deepEqual(
      hist.items.map((h: { version: number }) => h.version),
      [1, 2],
    );
    assert.deepEqual(await ok(client(), 'brain_get', { key: 'nothing.here' }), { found: false, entry: null });
    // another user's key is another key
    await ok(client(), 'brain_set', { key: 'identity.name', value: 'Bob', scope: { user: 'bob' } });
    assert.equal((await ok(client(), 'brain_get', { key: 'identity.name' })).entry.value, 'Ada L.');
    assert.deepEqual(await ok(client(), 'brain_delete', { key: 'identity.name', scope: { user: 'bob' } }), {
      deleted: true,
    });
  });

  it('remembers facts, logs episodes, and finds both again (recall, context, list)', async () => {
    const r = await ok(client(), 'remember', {
      text: 'The user prefers PostgreSQL over MySQL for every new service',
      subject: 'user.databases',
      category: 'preference',
    });
    assert.equal(r.kind, 'fact');
    assert.equal(r.fact.current, true);
    assert.equal(r.fact.agent, agent);
    const e = await ok(client(), 'episodes_append', {
      content: 'Migrated the billing service from MySQL to PostgreSQL',
      role: 'event',
      importance: 8,
      tags: ['ops'],
    });
    assert.match(e.id, /^[0-9a-f-]{36}$/);
    assert.equal(e.importance, 8);
    const again = await ok(client(), 'episodes_append', {
      content: 'deploy v2 done',
      idempotencyKey: 'deploy-v2',
    });
    const twice = await ok(client(), 'episodes_append', {
      content: 'deploy v2 done',
      idempotencyKey: 'deploy-v2',
    });
    assert.equal(twice.id, again.id, 'an idempotency key stores once');
    const page = await ok(client(), 'episodes_list', { tags: ['ops'] });
    assert.deepEqual(
      page.items.map((x: { id: string }) => x.id),
      [e.id],
    );
    const found = await ok(client(), 'recall', {
      query: 'which database does the user prefer',
      explain: true,
    });
    const ids = found.items.map((x: { id: string }) => x.id);
    assert.ok(ids.includes(r.fact.id), JSON.stringify(found.items.slice(0, 3)));
    assert.ok(found.items[0].scores, 'explain adds the score parts');
    const onlyEpisodes = await ok(client(), 'recall', { query: 'PostgreSQL', kinds: ['episode'] });
    assert.equal(onlyEpisodes.items[0]?.id, e.id);
    assert.ok(onlyEpisodes.items.every((x: { kind: string }) => x.kind === 'episode'));
    const c = await callTool(client(), 'context', { query: 'database preference' });
    assert.equal(c.isError, false, c.text);
    assert.equal(c.text, c.data.text, 'the text content is the context block itself');
    assert.match(c.text, /PostgreSQL over MySQL/);
  });

  it('asserts, supersedes and lists facts with their history', async () => {
    const f = await ok(client(), 'facts_assert', {
      content: 'Alice lives in Paris',
      subject: 'alice',
      category: 'fact',
      confidence: 0.9,
    });
    assert.equal(f.current, true);
    assert.equal(f.createdBy, agent);
    const { old, new: next } = await ok(client(), 'fact_supersede', {
      id: f.id,
      fact: { content: 'Alice lives in Lyon', subject: 'alice' },
    });
    assert.equal(old.supersededBy, next.id);
    assert.equal(old.current, false);
    const current = await ok(client(), 'facts_list', { subject: 'alice' });
    assert.deepEqual(
      current.items.map((x: { content: string }) => x.content),
      ['Alice lives in Lyon'],
    );
    const all = await ok(client(), 'facts_list', { subject: 'alice', includeHistory: true });
    assert.equal(all.items.length, 2);
    const gone = await ok(client(), 'fact_invalidate', { id: next.id, reason: 'moved abroad' });
    assert.equal(gone.current, false);
    assert.equal(
      (await fails(client(), 'fact_supersede', { id: next.id, fact: { content: 'x' } })).code,
      'conflict',
    );
  });

  it('records and resolves decisions, once', async () => {
    const d = await ok(client(), 'decision_record', {
      context: 'pick a queue for background jobs',
      alternatives: ['redis', 'postgres'],
      chosen: 'postgres',
      reasoning: 'one less moving part',
      subject: 'queues',
    });
    assert.equal(d.status, 'pending');
    const r = await ok(client(), 'decision_resolve', {
      id: d.id,
      status: 'success',
      lessons: 'skip locked queues are enough at our scale',
    });
    assert.equal(r.status, 'success');
    assert.equal(
      (await fails(client(), 'decision_resolve', { id: d.id, status: 'failure' })).code,
      'conflict',
    );
    const lessons = await ok(client(), 'lessons_list', { subject: 'queues' });
    assert.deepEqual(
      lessons.items.map((x: { id: string }) => x.id),
      [d.id],
    );
  });

  it('coordinates through observations and the task queue', async () => {
    const o = await ok(client(), 'observe', {
      subject: 'payments',
      type: 'deploy_failed',
      payload: { region: 'eu' },
      scope: { agent: 'ci' },
    });
    assert.equal(o.agent, 'ci');
    const seen = await ok(client(), 'observations_query', { subject: 'payments' });
    assert.deepEqual(
      seen.items.map((x: { id: string }) => x.id),
      [o.id],
    );
    const t = await ok(client(), 'task_create', { queue: 'review', payload: { pr: 42 }, dedupeKey: 'pr-42' });
    const dup = await ok(client(), 'task_create', {
      queue: 'review',
      payload: { pr: 42 },
      dedupeKey: 'pr-42',
    });
    assert.equal(dup.id, t.id);
    const claimed = await ok(client(), 'task_claim', { queue: 'review', agent: 'w1', leaseSeconds: 60 });
    assert.equal(claimed.task.id, t.id);
    assert.equal(claimed.task.claimedBy, 'w1');
    assert.deepEqual(await ok(client(), 'task_claim', { queue: 'review', agent: 'w2' }), { task: null });
    const lost = await fails(client(), 'task_complete', { id: t.id, agent: 'w2', result: {} });
    assert.equal(lost.code, 'conflict');
    const done = await ok(client(), 'task_complete', { id: t.id, agent: 'w1', result: { approved: true } });
    assert.equal(done.status, 'done');
    assert.deepEqual(done.result, { approved: true });
  });

  it('answers bad input with an isError result naming the field, and changes nothing', async () => {
    const before = await ok(client(), 'brain_list', {});
    const badKey = await fails(client(), 'brain_set', { key: 'bad key!', value: 1 });
    assert.equal(badKey.code, 'invalid_input');
    assert.equal(badKey.field, 'key');
    assert.match(badKey.message, /dot-notation/);
    const badImportance = await fails(client(), 'episodes_append', { content: 'x', importance: 11 });
    assert.deepEqual([badImportance.code, badImportance.field], ['invalid_input', 'importance']);
    const missing = await fails(client(), 'facts_assert', { subject: 'x' });
    assert.deepEqual([missing.code, missing.field], ['invalid_input', 'content']);
    const noText = await fails(client(), 'remember', { subject: 'x' });
    assert.deepEqual([noText.code, noText.field], ['invalid_input', 'text']);
    const extra = await fails(client(), 'brain_get', { key: 'a.b', colour: 'red' });
    assert.deepEqual([extra.code, extra.field], ['invalid_input', 'colour']);
    const tenant = await fails(client(), 'brain_set', { key: 'a.b', value: 1, scope: { tenant: 'other' } });
    assert.deepEqual([tenant.code, tenant.field], ['invalid_input', 'scope.tenant']);
    const badId = await fails(client(), 'task_complete', { id: 'not-a-uuid', agent: 'w1' });
    assert.deepEqual([badId.code, badId.field], ['invalid_input', 'id']);
    const unknownId = await fails(client(), 'decision_resolve', {
      id: '00000000-0000-4000-8000-000000000000',
      status: 'success',
    });
    assert.equal(unknownId.code, 'not_found');
    const noTool = await fails(client(), 'brain_drop_everything', {});
    assert.equal(noTool.code, 'not_found');
    assert.deepEqual(await ok(client(), 'brain_list', {}), before);
  });
}
