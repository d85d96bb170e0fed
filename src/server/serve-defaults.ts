// The defaults of `mnemo serve`, in a module of their own with no imports: the CLI shows
// them in `mnemo serve --help` without loading the server (docs/decisions.md).

/**
 * Default port of `mnemo serve`.
 *
 * @example
 * await serve({ memory, port: DEFAULT_PORT });
 */
export const DEFAULT_PORT = 7411;

/**
 * Default host: loopback only.
 *
 * @example
 * await serve({ memory, host: DEFAULT_HOST });
 */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * Default largest request body: 1 MiB.
 *
 * @example
 * createApp({ memory, config: { bodyLimit: 4 * DEFAULT_BODY_LIMIT } });
 */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * How often `mnemo serve` runs `maintain` unless `--maintain-every` says otherwise: once a
 * day (docs/operations.md, "Retention and maintenance").
 *
 * @example
 * startServeJobs(memory, { maintainEveryMs: DEFAULT_MAINTAIN_EVERY_MS });
 */
export const DEFAULT_MAINTAIN_EVERY_MS = 86_400_000;
