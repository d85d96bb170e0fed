/**
 * Configuring the LLM from options and environment variables. No LLM is the normal,
 * offline default: everything that needs one is then skipped by its caller.
 */
import { InvalidInputError } from '../errors.js';
import { createLlmClient } from './llm-client.js';
import type { LlmClient, LlmClientOptions } from './llm-schema.js';

/** Environment variables the LLM configuration reads, with their meaning (for docs and `--help`). */
export const LLM_ENVIRONMENT = {
  MNEMO_LLM_BASE_URL:
    'OpenAI-compatible base URL (…/v1) of the LLM used for extraction and consolidation. Default: unset (no LLM).',
  MNEMO_LLM_MODEL: 'Model name for that endpoint (required when MNEMO_LLM_BASE_URL is set).',
  MNEMO_LLM_API_KEY: 'API key sent as a Bearer token. Falls back to OPENAI_API_KEY. Default: none.',
  MNEMO_LLM_TIMEOUT_MS: 'Time allowed for one LLM request, in ms. Default: 60000.',
} as const;

/**
 * Builds the LLM client from options, then environment variables (options win):
 * `MNEMO_LLM_BASE_URL`, `MNEMO_LLM_MODEL`, `MNEMO_LLM_API_KEY` (or `OPENAI_API_KEY`),
 * `MNEMO_LLM_TIMEOUT_MS`. Returns null when no base URL is configured (no LLM);
 * a base URL without a model, or a bad timeout, throws `invalid_input` naming the
 * variable to fix.
 *
 * @example
 * const llm = llmFromConfig({}, process.env);
 * if (!llm) console.log('no LLM configured: extraction is skipped');
 */
export function llmFromConfig(
  options: Partial<LlmClientOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): LlmClient | null {
  const baseUrl = options.baseUrl ?? (env.MNEMO_LLM_BASE_URL?.trim() || undefined);
  const model = options.model ?? (env.MNEMO_LLM_MODEL?.trim() || undefined);
  if (baseUrl === undefined) {
    if (model !== undefined)
      throw new InvalidInputError(
        'an LLM model is set but no endpoint: set MNEMO_LLM_BASE_URL (e.g. https://api.openai.com/v1, ' +
          'or http://localhost:11434/v1 for Ollama), or unset MNEMO_LLM_MODEL',
        options.model !== undefined ? 'baseUrl' : 'MNEMO_LLM_BASE_URL',
      );
    return null;
  }
  if (model === undefined)
    throw new InvalidInputError(
      `an LLM endpoint is set (${safeOrigin(baseUrl)}) but no model: set MNEMO_LLM_MODEL (e.g. gpt-4o-mini or llama3.1:8b)`,
      options.baseUrl !== undefined ? 'model' : 'MNEMO_LLM_MODEL',
    );
  const apiKey = options.apiKey ?? (env.MNEMO_LLM_API_KEY || env.OPENAI_API_KEY || undefined);
  let timeoutMs = options.timeoutMs;
  const rawTimeout = env.MNEMO_LLM_TIMEOUT_MS?.trim();
  if (timeoutMs === undefined && rawTimeout) {
    timeoutMs = Number(rawTimeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new InvalidInputError(
        `MNEMO_LLM_TIMEOUT_MS must be a whole number of milliseconds greater than 0, got "${rawTimeout.slice(0, 20)}"`,
        'MNEMO_LLM_TIMEOUT_MS',
      );
  }
  return createLlmClient({
    ...options,
    baseUrl,
    model,
    ...(apiKey ? { apiKey } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).host || 'given';
  } catch {
    return 'not a valid URL';
  }
}
