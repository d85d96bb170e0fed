import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MnemoError } from '../../../src/errors.js';
import {
  calibrationOf,
  checkCalibration,
  DEFAULT_CALIBRATION,
  measureCalibration,
  parseCalibration,
} from '../../../src/recall/embedders/calibration.js';
import { embedderFromConfig } from '../../../src/recall/embedders/embedder-config.js';
import { createFunctionEmbedder } from '../../../src/recall/embedders/function-embedder.js';
import { createHashEmbedder } from '../../../src/recall/embedders/hash-embedder.js';
import { vectorScore } from '../../../src/recall/recall-fusion.js';

const isInvalid = (field: string) => (e: unknown) =>
  e instanceof MnemoError && e.code === 'invalid_input' && e.field === field;

it('maps cosines through the two references: unrelated 0, related 1, never below 0', () => {
  const cal = { unrelated: 0.2, related: 0.6 };
  assert.equal(vectorScore(0.2, cal), 0);
  assert.equal(vectorScore(0.07, cal), 0);
  assert.equal(vectorScore(0.6, cal), 1);
  assert.ok(Math.abs(vectorScore(0.4, cal) - 0.5) < 1e-12);
  assert.equal(vectorScore(null, cal), 0);
});

it('checks and parses a calibration, naming the field at fault', () => {
  assert.deepEqual(parseCalibration('0.2, 0.6'), { unrelated: 0.2, related: 0.6 });
  assert.throws(() => parseCalibration('0.2'), isInvalid('MNEMO_EMBEDDING_CALIBRATION'));
  assert.throws(() => parseCalibration('a,b'), isInvalid('MNEMO_EMBEDDING_CALIBRATION'));
  assert.throws(() => checkCalibration({ unrelated: 0.6, related: 0.2 }), isInvalid('calibration'));
  assert.throws(() => checkCalibration({ unrelated: 2, related: 3 }), isInvalid('calibration'));
  assert.throws(
    () =>
      createFunctionEmbedder({
        id: 'x',
        dimension: 2,
        embed: async () => [],
        calibration: { unrelated: 1 } as never,
      }),
    isInvalid('calibration'),
  );
});

it('an embedder carries its calibration; one without gets the documented default', async () => {
  const own = createFunctionEmbedder({
    id: 'mine',
    dimension: 2,
    embed: async (t) => t.map(() => [1, 0]),
    calibration: { unrelated: 0.3, related: 0.7 },
  });
  assert.deepEqual(calibrationOf(own), { unrelated: 0.3, related: 0.7 });
  const bare = createFunctionEmbedder({ id: 'bare', dimension: 2, embed: async (t) => t.map(() => [1, 0]) });
  assert.deepEqual(calibrationOf(bare), DEFAULT_CALIBRATION);
  const remote = await embedderFromConfig(
    {},
    {
      MNEMO_EMBEDDER: 'openai',
      MNEMO_EMBEDDING_BASE_URL: 'http://127.0.0.1:9/v1',
      MNEMO_EMBEDDING_DIMENSION: '8',
      MNEMO_EMBEDDING_CALIBRATION: '0.15,0.6',
    },
  );
  assert.deepEqual(remote?.calibration, { unrelated: 0.15, related: 0.6 });
  await assert.rejects(
    embedderFromConfig(
      {},
      {
        MNEMO_EMBEDDER: 'openai',
        MNEMO_EMBEDDING_BASE_URL: 'http://127.0.0.1:9/v1',
        MNEMO_EMBEDDING_DIMENSION: '8',
        MNEMO_EMBEDDING_CALIBRATION: '0.6,0.1',
      },
    ),
    isInvalid('MNEMO_EMBEDDING_CALIBRATION'),
  );
});

it('measures a model on the fixed reference pairs (the hash embedder: what it carries)', async () => {
  const e = createHashEmbedder();
  const report = await measureCalibration(e);
  assert.equal(report.unrelated.n, 40 * 39);
  assert.equal(report.related.n, 40);
  assert.equal(report.calibration.unrelated, e.calibration?.unrelated);
});
