import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { z } from 'zod';
import { MnemoError } from '../../src/errors.js';
import { createMemory, type Memory } from '../../src/memory.js';
import { parse } from '../../src/validation.js';
import { describeBackends } from '../support/backends.js';

const invalid = (field: string, re?: RegExp) => (e: unknown) =>
  e instanceof MnemoError && e.code === 'invalid_input' && e.field === field && (!re || re.test(e.message));

it('parse names an unknown key as the field', () => {
  assert.throws(() => parse(z.object({ a: z.string() }).strict(), { a: 'x', ttl: 1 }), invalid('ttl'));
  assert.throws(
    () => parse(z.object({ o: z.object({}).strict() }).strict(), { o: { nope: 1 } }),
    invalid('o.nope'),
  );
});

describeBackends('NUL characters', (ctx) => {
  let mem: Memory;
  before(async () => {
    mem = await createMemory({ db: ctx.db(), embedder: null });
  });

  it('are refused at every entry point with the field named, and nothing is stored', async () => {
    const count = async () =>
      (
        await ctx
          .db()
          .query<{ n: number }>(
            'select (select count(*) from episodes) + (select count(*) from tasks) + (select count(*) from brain) as n',
          )
      ).rows[0].n;
    const before = await count();
    const nul = /NUL character/;
    await assert.rejects(
      mem.tasks.create({ queue: 'q', payload: { a: 'x\u0000' } }),
      invalid('payload.a', nul),
    );
    await assert.rejects(
      mem.observations.observe({ subject: 's\u0000', type: 't' }),
      invalid('subject', nul),
    );
    await assert.rejects(mem.episodes.append({ content: 'ok', tags: ['a\u0000'] }), invalid('tags.0', nul));
    await assert.rejects(mem.brain.set({ key: 'a.b', value: { k: 'v\u0000' } }), invalid('value.k', nul));
    assert.equal(await count(), before);
    const t = await mem.tasks.create({ queue: 'q' });
    await mem.tasks.claim({ queue: 'q', agent: 'a' });
    await assert.rejects(mem.tasks.complete({ id: t.id, agent: 'a\u0000' }), invalid('agent', nul));
    assert.equal((await mem.tasks.get({ id: t.id }))?.status, 'claimed');
  });
});
