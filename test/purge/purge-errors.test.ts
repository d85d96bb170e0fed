import assert from 'node:assert/strict';
import { it } from 'node:test';
import { rejectsWith, snapshot } from '../episodes/errors-helper.js';
import { describeMemories } from '../support/memories.js';
import { seedUser } from './seed.js';

// biome-ignore lint/suspicious/noExplicitAny: bad input on purpose
type Any = any;
const NOPE = '00000000-0000-4000-8000-000000000000';

describeMemories(
  'purge bad input',
  (ctx) => {
    const clock = ctx.clock;
    const purge = () => ctx.memory().purge;

    it('refuses an empty or malformed target and unknown memories, and deletes nothing', async () => {
      const s = await seedUser(ctx.db(), clock, 'pe', 'alice', 's1');
      await seedUser(ctx.db(), clock, 'other', 'bob', 's2');
      const before = await snapshot(ctx.db());
      const cases: [Any, string, string | undefined][] = [
        [{}, 'invalid_input', 'scope'],
        [{ scope: { tenant: 'pe' } }, 'invalid_input', 'scope'],
        [{ scope: { tenant: 'pe', user: '' } }, 'invalid_input', 'scope'],
        [{ scope: { tenant: 'pe' }, all: false }, 'invalid_input', 'scope'],
        [{ scope: { tenant: 'pe' }, all: 'yes' }, 'invalid_input', 'all'],
        [
          { scope: { tenant: 'pe' }, all: true, memory: { kind: 'episode', id: s.episodeIds[0] } },
          'invalid_input',
          'all',
        ],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'thought', id: NOPE } }, 'invalid_input', 'memory.kind'],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'episode' } }, 'invalid_input', 'memory.id'],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'brain', id: NOPE } }, 'invalid_input', undefined],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'episode', id: NOPE } }, 'not_found', 'memory.id'],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'fact', id: NOPE } }, 'not_found', 'memory.id'],
        [{ scope: { tenant: 'pe' }, memory: { kind: 'decision', id: NOPE } }, 'not_found', 'memory.id'],
        [
          { scope: { tenant: 'pe' }, memory: { kind: 'brain', key: 'no.such.key' } },
          'not_found',
          'memory.key',
        ],
        // Alice's brain key is hers: without her user in the scope it is another key.
        [
          { scope: { tenant: 'pe' }, memory: { kind: 'brain', key: 'identity.note' } },
          'not_found',
          'memory.key',
        ],
        // Another tenant's ids are not found, never deleted.
        [
          { scope: { tenant: 'other' }, memory: { kind: 'episode', id: s.episodeIds[0] } },
          'not_found',
          'memory.id',
        ],
        [
          { scope: { tenant: 'other' }, memory: { kind: 'fact', id: s.factIds[0] } },
          'not_found',
          'memory.id',
        ],
        [
          { scope: { tenant: 'pe', user: 'bob' }, memory: { kind: 'fact', id: s.factIds[0] } },
          'not_found',
          'memory.id',
        ],
        [{ scope: { tenant: 'pe', user: 'alice' }, reason: 42 }, 'invalid_input', 'reason'],
        [{ scope: { tenant: 'pe', user: 'alice' }, by: {} }, 'invalid_input', 'by'],
        [{ scope: { tenant: 'pe', user: 'alice' }, everything: true }, 'invalid_input', undefined],
      ];
      for (const [input, code, field] of cases) await rejectsWith(purge().purge(input), code, field);
      assert.equal(await snapshot(ctx.db()), before);
    });
  },
  { start: new Date('2026-01-01T00:00:00Z') },
);
