import { InvalidInputError } from '../errors.js';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes an SQL identifier. The one place an identifier enters SQL text: it accepts
 * only plain lower-case names, so nothing a caller typed can ever reach SQL as code.
 *
 * @example
 * ident('episodes') // => '"episodes"'
 */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new InvalidInputError(`"${name}" is not a valid SQL identifier`, 'identifier');
  return `"${name}"`;
}

/** Builds `$n` placeholders while collecting parameter values, for queries with optional filters. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
