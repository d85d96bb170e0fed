// The worker-thread side of the threaded built-in embedder (threaded-embedder.ts):
// runs the model and answers { id, vectors } or { id, error } for each { id, texts }.
import { parentPort } from 'node:worker_threads';
import { createBuiltinEmbedder } from './builtin-embedder.js';

const embedder = createBuiltinEmbedder();
parentPort?.on('message', async (m: { id: number; texts: string[] }) => {
  try {
    const vectors = await embedder.embed(m.texts);
    parentPort?.postMessage(
      { id: m.id, vectors },
      vectors.map((v) => v.buffer as ArrayBuffer),
    );
  } catch (e) {
    const err = e as { message?: string; code?: string; field?: string };
    parentPort?.postMessage({
      id: m.id,
      error: { message: err.message ?? String(e), code: err.code, field: err.field },
    });
  }
});
