import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeCursor } from '../../src/episodes/episodes-cursor.js';
import { LIMITS } from '../../src/validation.js';
import { describeMemories } from '../support/memories.js';
import { rejectsWith, snapshot } from './errors-helper.js';

// biome-ignore lint/suspicious/noExplicitAny: bad input on purpose
type Any = any;

describeMemories(
  'episodes bad input',
  (ctx) => {
    const eps = () => ctx.memory().episodes;

    it('refuses bad appends naming the field, and stores nothing', async () => {
      await eps().append({ scope: { tenant: 'bad' }, content: 'existing', idempotencyKey: 'k' });
      const before = await snapshot(ctx.db());
      const cases: [Any, string | undefined][] = [
        [{}, 'content'],
        [{ content: 42 }, 'content'],
        [{ content: '' }, 'content'],
        [{ content: 'x'.repeat(LIMITS.contentChars + 1) }, 'content'],
        [{ content: 'nul \u0000 inside' }, 'content'],
        [{ content: 'a', importance: 11 }, 'importance'],
        [{ content: 'a', importance: 0 }, 'importance'],
        [{ content: 'a', importance: 2.5 }, 'importance'],
        [{ content: 'a', importance: '5' }, 'importance'],
        [{ content: 'a', role: 'robot' }, 'role'],
        [{ content: 'a', tags: 'ops' }, 'tags'],
        [{ content: 'a', tags: Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`) }, 'tags'],
        [{ content: 'a', metadata: [1, 2] }, 'metadata'],
        [{ content: 'a', metadata: { d: new Date() } }, 'metadata'],
        [{ content: 'a', metadata: { big: 'x'.repeat(LIMITS.jsonBytes) } }, 'metadata'],
        [{ content: 'a', metadata: { s: 'nul \u0000' } }, 'metadata.s'],
        [{ content: 'a', occurredAt: 'yesterday' }, 'occurredAt'],
        [{ content: 'a', occurredAt: '0000-01-01T00:00:00Z' }, 'occurredAt'],
        [{ content: 'a', idempotencyKey: '' }, 'idempotencyKey'],
        [{ content: 'a', subject: 's'.repeat(LIMITS.shortText + 1) }, 'subject'],
        [{ content: 'a', scope: { tenant: '' } }, 'scope.tenant'],
        [{ content: 'a', scope: { user: 'a\nb' } }, 'scope.user'],
        [{ content: 'a', scope: { team: 'x' } }, 'scope.team'],
        [{ content: 'a', importanse: 3 }, 'importanse'],
      ];
      for (const [input, field] of cases) await rejectsWith(eps().append(input), 'invalid_input', field);
      await rejectsWith(eps().append(null as Any), 'invalid_input');
      assert.equal(await snapshot(ctx.db()), before);
    });

    it('refuses a bad batch as a whole: nothing of it is stored', async () => {
      const before = await snapshot(ctx.db());
      const good = Array.from({ length: 5 }, (_, i) => ({ content: `ok ${i}` }));
      await rejectsWith(eps().appendMany({ episodes: [] }), 'invalid_input', 'episodes');
      await rejectsWith(eps().appendMany({} as Any), 'invalid_input', 'episodes');
      await rejectsWith(
        eps().appendMany({ episodes: [...good, { content: 'x', importance: 11 }] }),
        'invalid_input',
        'episodes.5.importance',
      );
      await rejectsWith(
        eps().appendMany({ episodes: [...good, { content: 'x', session: 7 as Any }] }),
        'invalid_input',
        'episodes.5.session',
      );
      await rejectsWith(
        eps().appendMany({ episodes: Array.from({ length: LIMITS.batch + 1 }, () => ({ content: 'x' })) }),
        'invalid_input',
        'episodes',
      );
      assert.equal(await snapshot(ctx.db()), before);
    });

    it('refuses bad reads naming the field', async () => {
      await rejectsWith(eps().get({ id: 'not-a-uuid' }), 'invalid_input', 'id');
      await rejectsWith(eps().get({} as Any), 'invalid_input', 'id');
      assert.equal(await eps().get({ id: '00000000-0000-4000-8000-000000000000' }), null);
      await rejectsWith(eps().list({ limit: 0 }), 'invalid_input', 'limit');
      await rejectsWith(eps().list({ limit: 1001 }), 'invalid_input', 'limit');
      await rejectsWith(eps().list({ since: 'soon' }), 'invalid_input', 'since');
      await rejectsWith(eps().list({ minImportance: 11 }), 'invalid_input', 'minImportance');
      await rejectsWith(eps().list({ role: 'robot' as Any }), 'invalid_input', 'role');
      await rejectsWith(
        eps().list({ since: '2026-02-01T00:00:00Z', until: '2026-01-01T00:00:00Z' }),
        'invalid_input',
        'until',
      );
      for (const cursor of [
        '',
        '###',
        'bm90IGpzb24',
        Buffer.from('[1,2]').toString('base64url'),
        Buffer.from('["2026-02-30T00:00:00.000000Z","1"]').toString('base64url'),
        Buffer.from('["2026-01-01T00:00:00.000000Z","1; drop table episodes"]').toString('base64url'),
        encodeCursor('2026-01-01T00:00:00.000000Z', '00000000-0000-4000-8000-000000000000'),
      ])
        await rejectsWith(eps().list({ cursor }), 'invalid_input', 'cursor');
    });
  },
  { start: new Date('2026-01-01T00:00:00Z') },
);
