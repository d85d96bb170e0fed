// Measures an embedding model's calibration: the cosine distribution of unrelated
// pairs and of related (question, answering memory) pairs of the fixed reference set
// in src/recall/embedders/calibration.ts. The medians are the `calibration` recall
// maps cosines through (unrelated -> 0, related -> 1); see docs/recall.md.
// Usage: npx tsx bench/calibrate-embedder.ts            (the built-in model)
//        MNEMO_EMBEDDER=openai MNEMO_EMBEDDING_BASE_URL=... npx tsx bench/calibrate-embedder.ts
//        npx tsx bench/calibrate-embedder.ts --hash      (the hash embedder of the tests)
import { loadavg } from 'node:os';
import { createBuiltinEmbedder } from '../src/recall/embedders/builtin-embedder.js';
import { measureCalibration } from '../src/recall/embedders/calibration.js';
import type { Embedder } from '../src/recall/embedders/embedder.js';
import { embedderFromConfig } from '../src/recall/embedders/embedder-config.js';
import { createHashEmbedder } from '../src/recall/embedders/hash-embedder.js';

const hash = process.argv.includes('--hash');
const embedder: Embedder | null = hash
  ? createHashEmbedder()
  : process.env.MNEMO_EMBEDDER
    ? await embedderFromConfig()
    : createBuiltinEmbedder();
if (!embedder) throw new Error('MNEMO_EMBEDDER=none: nothing to calibrate');
const report = await measureCalibration(embedder);
console.log(JSON.stringify({ model: embedder.id, loadAverage: loadavg()[0], ...report }, null, 2));
process.exit(0);
