/**
 * `mnemo/embedders`: the embedding models a memory can use (pass one as
 * `createMemory({ embedder })`), and re-embedding a store with another.
 *
 * @example
 * import { createMemory } from 'mnemo';
 * import { createOpenAIEmbedder } from 'mnemo/embedders';
 * const embedder = await createOpenAIEmbedder({ baseUrl: 'http://localhost:11434/v1', model: 'nomic-embed-text' });
 * const mem = await createMemory({ embedder });
 */
export { type ReembedOptions, type ReembedProgress, type ReembedResult, reembed } from '../reembed.js';
export {
  BUILTIN_MODEL_ID,
  type BuiltinBackend,
  type BuiltinEmbedderOptions,
  createBuiltinEmbedder,
} from './builtin-embedder.js';
export {
  type CalibrationReport,
  DEFAULT_CALIBRATION,
  measureCalibration,
} from './calibration.js';
export { type Embedder, type EmbedderCalibration, type EmbedOptions, MAX_DIMENSION } from './embedder.js';
export {
  EMBEDDING_ENVIRONMENT,
  type EmbedderConfig,
  type EmbedderKind,
  embedderFromConfig,
  OPENAI_DEFAULTS,
} from './embedder-config.js';
export { createFunctionEmbedder, type FunctionEmbedderOptions } from './function-embedder.js';
export { createHashEmbedder, type HashEmbedderOptions } from './hash-embedder.js';
export { createOpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
