import type { Command } from 'commander';
import { resolveLocation } from '../config.js';
import { InvalidInputError } from '../errors.js';
import type { EmbedderKind } from '../recall/embedders/embedder-config.js';
import { printObject, type StoreFlags, storeOptions } from './common.js';

interface ReembedFlags extends StoreFlags {
  model?: string;
  baseUrl?: string;
  embeddingModel?: string;
  apiKey?: string;
  dimension?: string;
  batchSize?: string;
}

function wholeNumber(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidInputError(`--${field} must be a whole number of at least 1`, field);
  return n;
}

/**
 * Registers `mnemo reembed`: re-embeds the whole store with a (new) model, showing the
 * backlog on stderr (a bar on a terminal, else a line per tenth: rows left, rate, ETA).
 *
 * @example
 * // mnemo reembed --model openai --base-url http://localhost:11434/v1 --embedding-model nomic-embed-text
 * registerReembedCommand(program);
 */
export function registerReembedCommand(program: Command): void {
  storeOptions(program.command('reembed'))
    .description(
      'move the store to another embedding model (or rebuild it): clears the vectors, re-types the columns, ' +
        'rebuilds the indexes and embeds every row again',
    )
    .option('--model <kind>', 'builtin | openai (default: $MNEMO_EMBEDDER, else builtin)')
    .option('--base-url <url>', 'OpenAI-compatible API root (default: $MNEMO_EMBEDDING_BASE_URL)')
    .option('--embedding-model <name>', 'model name at the endpoint (default: $MNEMO_EMBEDDING_MODEL)')
    .option('--api-key <key>', 'API key (default: $MNEMO_EMBEDDING_API_KEY or $OPENAI_API_KEY)')
    .option('--dimension <n>', 'vector length of the endpoint model (default: probed)')
    .option('--batch-size <n>', 'rows per batch (default: the model batch size)')
    .action(async (flags: ReembedFlags) => {
      if (flags.model === 'none')
        throw new InvalidInputError('reembed needs a model: --model builtin or --model openai', 'model');
      // The store, the embedders and the progress bar load when the command runs, not for --help.
      const [{ openStore }, { embedderFromConfig }, { reembed }, { createProgress }] = await Promise.all([
        import('../db/open.js'),
        import('../recall/embedders/embedder-config.js'),
        import('../recall/reembed.js'),
        import('./progress.js'),
      ]);
      const embedder = await embedderFromConfig({
        ...(flags.model ? { model: flags.model as EmbedderKind } : {}),
        ...(flags.baseUrl ? { baseUrl: flags.baseUrl } : {}),
        ...(flags.embeddingModel ? { embeddingModel: flags.embeddingModel } : {}),
        ...(flags.apiKey ? { apiKey: flags.apiKey } : {}),
        ...(flags.dimension ? { dimension: wholeNumber(flags.dimension, 'dimension') } : {}),
      });
      if (!embedder)
        throw new InvalidInputError(
          'reembed needs a model: set MNEMO_EMBEDDER to builtin or openai',
          'model',
        );
      const batchSize = wholeNumber(flags.batchSize, 'batch-size');
      // The store is opened without binding an embedder: it may be bound to the model
      // being replaced, which is the point of this command.
      const db = await openStore(
        resolveLocation({
          ...(flags.databaseUrl ? { databaseUrl: flags.databaseUrl } : {}),
          ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
        }),
      );
      // The backlog is visible: a bar on a terminal, else a line per tenth (rows left, rate, ETA).
      const progress = createProgress({ label: 're-embedding', unit: 'rows' });
      try {
        const r = await reembed({
          db,
          embedder,
          ...(batchSize ? { batchSize } : {}),
          onProgress: ({ done, total }) => progress.update(done, total),
        });
        progress.stop();
        printObject(
          {
            model: r.model,
            dimension: r.dimension,
            previousModel: r.previous?.model ?? null,
            previousDimension: r.previous?.dimension ?? null,
            embedded: r.embedded,
          },
          flags.json,
        );
      } finally {
        progress.stop();
        await db.close();
      }
    });
}
