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

/** How a list matches the scope's user, agent and session (see `scopeMatchSchema`). */
export type ScopeMatch = 'exact' | 'given';

/**
 * `where` terms narrowing a list to the owner parts of a scope. `exact`: every part
 * listed in `parts` must equal the scope's ('' = unset matches only unset rows);
 * `given`: only the parts set in the scope filter, the others span every value.
 *
 * @example
 * const p = new Params(); p.add('acme');
 * ownerFilters(p, { user: 'alice', agent: '' }, ['user', 'agent'], 'given') // => ['user_id = $2']
 */
export function ownerFilters(
  p: Params,
  s: { user?: string; agent?: string; session?: string },
  parts: ('user' | 'agent' | 'session')[],
  match: ScopeMatch,
): string[] {
  const out: string[] = [];
  for (const part of parts) {
    const v = s[part] ?? '';
    if (match === 'exact' || v !== '') out.push(`${part}_id = ${p.add(v)}`);
  }
  return out;
}
