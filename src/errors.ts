/**
 * mnemo's typed errors. Every error a caller can see is a {@link MnemoError} with a
 * stable `code`; HTTP, MCP and the CLI map codes to their own status (see
 * `errorStatus`). Messages say what to fix, never how mnemo failed inside.
 */

/** Stable error codes. Never rename one: clients switch on them. */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'locked'
  | 'dimension_mismatch'
  | 'schema_too_new'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'llm_error'
  | 'internal';

/**
 * The base of every error mnemo throws on purpose.
 *
 * @example
 * try { await mem.brain.get(scope, 'bad key!') }
 * catch (e) { if (e instanceof MnemoError && e.code === 'invalid_input') console.log(e.field) }
 */
export class MnemoError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, as a dotted path (`importance`, `messages.3.content`). */
  readonly field?: string;
  /** Extra machine-readable details (never content of other tenants, never stack traces). */
  readonly details?: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'MnemoError';
    this.code = code;
    if (opts.field !== undefined) this.field = opts.field;
    if (opts.details !== undefined) this.details = opts.details;
  }

  /** A JSON-safe view for wire formats (HTTP bodies, MCP tool errors, CLI --json). */
  toJSON(): { code: ErrorCode; message: string; field?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

/** Bad input from a caller: wrong type, missing field, out of range, too large. */
export class InvalidInputError extends MnemoError {
  constructor(message: string, field?: string, details?: Record<string, unknown>) {
    super('invalid_input', message, { field, details });
    this.name = 'InvalidInputError';
  }
}

/** The thing named does not exist in the caller's tenant. */
export class NotFoundError extends MnemoError {
  constructor(message: string, field?: string) {
    super('not_found', message, { field });
    this.name = 'NotFoundError';
  }
}

/** Another writer got there first (optimistic concurrency, lost lease, duplicate). */
export class ConflictError extends MnemoError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, { details });
    this.name = 'ConflictError';
  }
}

/** A dependency (database server, model endpoint) cannot be reached or refused us. */
export class UnavailableError extends MnemoError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { cause });
    this.name = 'UnavailableError';
  }
}

/** The store was built with another embedding model or dimension. */
export class DimensionMismatchError extends MnemoError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('dimension_mismatch', message, { details });
    this.name = 'DimensionMismatchError';
  }
}

/** HTTP status for each code: the one mapping every interface shares. */
export const errorStatus: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  locked: 423,
  dimension_mismatch: 409,
  schema_too_new: 409,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  payload_too_large: 413,
  method_not_allowed: 405,
  llm_error: 502,
  internal: 500,
};

/** True for any error mnemo raised on purpose. */
export function isMnemoError(e: unknown): e is MnemoError {
  return e instanceof MnemoError;
}
