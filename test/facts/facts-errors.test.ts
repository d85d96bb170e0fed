import assert from 'node:assert/strict';
import { it } from 'node:test';
import { encodeCursor } from '../../src/episodes/episodes-cursor.js';
import { LIMITS } from '../../src/validation.js';
import { rejectsWith, snapshot } from '../episodes/errors-helper.js';
import { describeMemories } from '../support/memories.js';

// biome-ignore lint/suspicious/noExplicitAny: bad input on purpose
type Any = any;
const NOPE = '00000000-0000-4000-8000-000000000000';

describeMemories(
  'facts bad input',
  (ctx) => {
    const facts = () => ctx.memory().facts;

    it('refuses bad asserts naming the field, and stores nothing', async () => {
      const other = await ctx.memory().episodes.append({
        scope: { tenant: 'x' },
        content: 'e',
      });
      const before = await snapshot(ctx.db());
      const cases: [Any, string, string | undefined][] = [
        [{}, 'invalid_input', 'content'],
        [{ content: 7 }, 'invalid_input', 'content'],
        [{ content: 'x'.repeat(LIMITS.contentChars + 1) }, 'invalid_input', 'content'],
        [{ content: 'a', confidence: 2 }, 'invalid_input', 'confidence'],
        [{ content: 'a', confidence: -0.1 }, 'invalid_input', 'confidence'],
        [{ content: 'a', confidence: 'high' }, 'invalid_input', 'confidence'],
        [{ content: 'a', kind: 'episodic' }, 'invalid_input', 'kind'],
        [{ content: 'a', category: '' }, 'invalid_input', 'category'],
        [{ content: 'a', sourceEpisodeIds: ['nope'] }, 'invalid_input', 'sourceEpisodeIds.0'],
        [{ content: 'a', sourceEpisodeIds: [NOPE] }, 'not_found', 'sourceEpisodeIds.0'],
        [{ content: 'a', sourceEpisodeIds: [other.id] }, 'not_found', 'sourceEpisodeIds.0'],
        [{ content: 'a', validFrom: 'tomorrow' }, 'invalid_input', 'validFrom'],
        [{ content: 'a', metadata: 'x' }, 'invalid_input', 'metadata'],
        [{ content: 'a', tags: [1] }, 'invalid_input', 'tags.0'],
        [{ content: 'a', by: 5 }, 'invalid_input', 'by'],
      ];
      for (const [input, code, field] of cases) await rejectsWith(facts().assert(input), code, field);
      assert.equal(await snapshot(ctx.db()), before);
    });

    it('refuses bad supersede and invalidate calls, and changes nothing', async () => {
      const f = await facts().assert({ content: 'the sky is blue', validFrom: '2026-01-01T00:00:00Z' });
      const before = await snapshot(ctx.db());
      await rejectsWith(facts().supersede({ id: NOPE, fact: { content: 'x' } }), 'not_found', 'id');
      await rejectsWith(facts().supersede({ id: 'bad', fact: { content: 'x' } }), 'invalid_input', 'id');
      await rejectsWith(facts().supersede({ id: f.id } as Any), 'invalid_input', 'fact');
      await rejectsWith(
        facts().supersede({ id: f.id, fact: { content: 'x', confidence: 2 } }),
        'invalid_input',
        'fact.confidence',
      );
      await rejectsWith(
        facts().supersede({ id: f.id, fact: { content: 'x', validFrom: '2025-01-01T00:00:00Z' } }),
        'invalid_input',
        'fact.validFrom',
      );
      await rejectsWith(
        facts().supersede({ id: f.id, fact: { content: 'x', sourceEpisodeIds: [NOPE] } }),
        'not_found',
        'fact.sourceEpisodeIds.0',
      );
      await rejectsWith(facts().invalidate({ id: NOPE }), 'not_found', 'id');
      await rejectsWith(facts().invalidate({ id: f.id, reason: 3 as Any }), 'invalid_input', 'reason');
      assert.equal(await snapshot(ctx.db()), before);
      assert.equal((await facts().get({ id: f.id }))?.current, true);
    });

    it('refuses bad reads naming the field', async () => {
      await rejectsWith(facts().get({ id: 'x' }), 'invalid_input', 'id');
      assert.equal(await facts().get({ id: NOPE }), null);
      await rejectsWith(facts().chain({ id: NOPE }), 'not_found', 'id');
      await rejectsWith(facts().chain({} as Any), 'invalid_input', 'id');
      await rejectsWith(facts().list({ asOf: 'when' }), 'invalid_input', 'asOf');
      await rejectsWith(
        facts().list({ asOf: new Date(), includeHistory: true }),
        'invalid_input',
        'includeHistory',
      );
      await rejectsWith(facts().list({ kind: 'x' as Any }), 'invalid_input', 'kind');
      await rejectsWith(facts().list({ limit: 5000 }), 'invalid_input', 'limit');
      await rejectsWith(facts().list({ cursor: 'garbage!' }), 'invalid_input', 'cursor');
      await rejectsWith(
        facts().list({ cursor: encodeCursor('2026-01-01T00:00:00.000000Z', 12) }),
        'invalid_input',
        'cursor',
      );
    });
  },
  { start: new Date('2026-01-01T00:00:00Z') },
);
