/**
 * Picks the embedder from options and environment variables: the built-in offline
 * model by default, an OpenAI-compatible endpoint when configured, or none.
 */
import { InvalidInputError } from '../../errors.js';
import { checkCalibration, type EmbedderCalibration, parseCalibration } from './calibration.js';
import { checkDimension, type Embedder } from './embedder.js';
import { createOpenAIEmbedder } from './openai-embedder.js';
import { createThreadedBuiltinEmbedder } from './threaded-embedder.js';

/** Which embedder: `builtin` (offline, default), `openai` (any compatible endpoint) or `none`. */
export type EmbedderKind = 'builtin' | 'openai' | 'none';

/** Options of {@link embedderFromConfig}; each wins over its environment variable. */
export interface EmbedderConfig {
  /** `MNEMO_EMBEDDER`. */
  model?: EmbedderKind;
  /** `MNEMO_EMBEDDING_BASE_URL`; default the OpenAI API. */
  baseUrl?: string;
  /** `MNEMO_EMBEDDING_MODEL`; default `text-embedding-3-small`. */
  embeddingModel?: string;
  /** `MNEMO_EMBEDDING_API_KEY`, else `OPENAI_API_KEY`. */
  apiKey?: string;
  /** `MNEMO_EMBEDDING_DIMENSION`; probed with one call when unset. */
  dimension?: number;
  /** `MNEMO_EMBEDDING_CALIBRATION` ("unrelated,related"); default `DEFAULT_CALIBRATION` (docs/recall.md). */
  calibration?: EmbedderCalibration;
}

/** Default endpoint and model of `openai`. */
export const OPENAI_DEFAULTS = {
  baseUrl: 'https://api.openai.com/v1',
  model: 'text-embedding-3-small',
} as const;

/** The environment variables read here, with their meaning (for docs and `--help`). */
export const EMBEDDING_ENVIRONMENT = {
  MNEMO_EMBEDDER: 'builtin (default, offline), openai (any OpenAI-compatible endpoint) or none.',
  MNEMO_EMBEDDING_BASE_URL: `API root of the embeddings endpoint. Default: ${OPENAI_DEFAULTS.baseUrl}.`,
  MNEMO_EMBEDDING_MODEL: `Model name sent to the endpoint. Default: ${OPENAI_DEFAULTS.model}.`,
  MNEMO_EMBEDDING_API_KEY: 'Bearer key for the endpoint (OPENAI_API_KEY is read too).',
  MNEMO_EMBEDDING_DIMENSION: 'Vector length of the endpoint model; probed with one call when unset.',
  MNEMO_EMBEDDING_CALIBRATION:
    'Cosine references of the endpoint model, "unrelated,related" (measure: bench/calibrate-embedder.ts). Default: 0.25,0.55.',
} as const;

function envDimension(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return checkDimension(n, 'MNEMO_EMBEDDING_DIMENSION');
}

/**
 * Builds the configured embedder, or null for `none`. Options win over the
 * environment.
 *
 * @example
 * const embedder = await embedderFromConfig();                          // built-in
 * const remote = await embedderFromConfig({}, {
 *   MNEMO_EMBEDDER: 'openai', MNEMO_EMBEDDING_BASE_URL: 'http://localhost:11434/v1',
 *   MNEMO_EMBEDDING_MODEL: 'nomic-embed-text',
 * });
 */
export async function embedderFromConfig(
  options: EmbedderConfig = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Embedder | null> {
  const fromOption = options.model !== undefined;
  const kind = (options.model ?? (env.MNEMO_EMBEDDER || 'builtin')).trim().toLowerCase();
  if (kind === 'none') return null;
  // On its own thread: the main thread keeps serving while texts are embedded.
  if (kind === 'builtin') return createThreadedBuiltinEmbedder();
  if (kind !== 'openai')
    throw new InvalidInputError(
      `${fromOption ? 'model' : 'MNEMO_EMBEDDER'} must be builtin, openai or none (got "${kind}")`,
      fromOption ? 'model' : 'MNEMO_EMBEDDER',
    );
  const baseUrl = options.baseUrl ?? (env.MNEMO_EMBEDDING_BASE_URL || OPENAI_DEFAULTS.baseUrl);
  const model = options.embeddingModel ?? (env.MNEMO_EMBEDDING_MODEL || OPENAI_DEFAULTS.model);
  const apiKey = options.apiKey ?? (env.MNEMO_EMBEDDING_API_KEY || env.OPENAI_API_KEY || undefined);
  const dimension =
    options.dimension !== undefined
      ? checkDimension(options.dimension)
      : envDimension(env.MNEMO_EMBEDDING_DIMENSION);
  if (!apiKey && baseUrl.replace(/\/+$/, '') === OPENAI_DEFAULTS.baseUrl)
    throw new InvalidInputError(
      'the OpenAI API needs a key: set MNEMO_EMBEDDING_API_KEY (or OPENAI_API_KEY), or point ' +
        'MNEMO_EMBEDDING_BASE_URL at a local server (Ollama, vLLM, TEI, LM Studio)',
      'apiKey',
    );
  const calibration =
    options.calibration !== undefined
      ? checkCalibration(options.calibration)
      : env.MNEMO_EMBEDDING_CALIBRATION?.trim()
        ? parseCalibration(env.MNEMO_EMBEDDING_CALIBRATION)
        : undefined;
  return createOpenAIEmbedder({
    baseUrl,
    model,
    ...(calibration ? { calibration } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(dimension ? { dimension } : {}),
  });
}
