/**
 * LangGraph's search filters on an item's value: a field equals a value, or satisfies
 * operators `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte`, `$in`, `$nin` (as `InMemoryStore`).
 * Equality is deep (JSON), so `{ tags: ['a'] }` matches an equal array.
 */

const OPS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin']);

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function isOperators(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length > 0 &&
    Object.keys(v).every((k) => OPS.has(k))
  );
}

function compare(item: unknown, filter: unknown): boolean {
  if (!isOperators(filter)) return deepEqual(item, filter);
  return Object.entries(filter).every(([op, v]) => {
    switch (op) {
      case '$eq':
        return deepEqual(item, v);
      case '$ne':
        return !deepEqual(item, v);
      case '$gt':
        return typeof item === typeof v && (item as number) > (v as number);
      case '$gte':
        return typeof item === typeof v && (item as number) >= (v as number);
      case '$lt':
        return typeof item === typeof v && (item as number) < (v as number);
      case '$lte':
        return typeof item === typeof v && (item as number) <= (v as number);
      case '$in':
        return Array.isArray(v) && v.some((x) => deepEqual(item, x));
      default:
        return Array.isArray(v) && !v.some((x) => deepEqual(item, x));
    }
  });
}

/**
 * Whether an item's value satisfies every field of a filter (no filter: always).
 *
 * @example
 * matchesFilter({ n: 3, tag: 'a' }, { n: { $gte: 2 }, tag: 'a' }) // true
 */
export function matchesFilter(value: Record<string, unknown>, filter?: Record<string, unknown>): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, f]) => compare(Object.hasOwn(value, k) ? value[k] : undefined, f));
}
