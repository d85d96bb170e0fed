import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MnemoError, UnavailableError } from '../../errors.js';
import { BUILTIN_CALIBRATION, BUILTIN_MODEL_ID } from './builtin-embedder.js';
import { checkTexts, type Embedder, type EmbedOptions } from './embedder.js';

type Reply = {
  id: number;
  vectors?: Float32Array[];
  error?: { message: string; code?: string; field?: string };
};

/**
 * The built-in model on a worker thread: the same model and vectors as
 * `createBuiltinEmbedder()`, but the main thread (HTTP, SQL on PGlite, fusion) keeps
 * running while a text is embedded, and a second core does the embedding. The thread
 * starts on the first `embed` and does not keep the process alive when idle.
 *
 * @example
 * const embedder = createThreadedBuiltinEmbedder();
 * const [v] = await embedder.embed(['pushed code to Vercel']); // Float32Array(512)
 */
export function createThreadedBuiltinEmbedder(): Embedder {
  let worker: Worker | null = null;
  let seq = 0;
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: unknown) => void }>();

  const start = (): Worker => {
    const here = fileURLToPath(import.meta.url);
    // From the sources (tests, tsx) the thread registers tsx, then loads the .ts file.
    const w = here.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register();
            return import(${JSON.stringify(new URL('./embedder-thread.ts', import.meta.url).href)}); })`,
          { eval: true },
        )
      : new Worker(join(dirname(here), 'embedder-thread.js'));
    w.unref();
    w.on('message', (m: Reply) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.error)
        p.reject(
          new MnemoError((m.error.code as 'invalid_input') ?? 'unavailable', m.error.message, {
            field: m.error.field,
          }),
        );
      else p.resolve(m.vectors ?? []);
    });
    const fail = (e: unknown) => {
      if (worker === w) worker = null;
      for (const p of pending.values())
        p.reject(
          new UnavailableError(`the embedding thread stopped: ${(e as Error)?.message ?? String(e)}`, e),
        );
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (pending.size) fail(new Error(`exit code ${code}`));
      if (worker === w) worker = null;
    });
    return w;
  };

  return {
    id: BUILTIN_MODEL_ID,
    dimension: 512,
    calibration: BUILTIN_CALIBRATION,
    maxBatch: 16,
    embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
      checkTexts(texts);
      if (texts.length === 0) return Promise.resolve([]);
      opts.signal?.throwIfAborted();
      worker ??= start();
      const w = worker;
      const id = ++seq;
      w.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, texts });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      // Embeds still running are rejected by the exit handler (`fail`), not left hanging.
      if (w) await w.terminate();
    },
  };
}
