/**
 * How a LangGraph namespace tuple and key become one brain key, component by component:
 * `lg.<c1>.<c2>...<cn>.<key>`, each part escaped so that it is a single brain-key segment
 * and the mapping is one-to-one. Letters, digits and `-` stay as they are; every other
 * character becomes `_` and two hex digits per UTF-8 byte (`.` is `_2E`, `%` is `_25`,
 * `_` is `_5F`); an empty part is a lone `_`, which no non-empty part can encode to. So
 * no namespace can spell another's key, and a namespace prefix is matched on decoded
 * components, never on a string prefix with wildcards.
 */
import { InvalidInputError } from '../errors.js';
import { LIMITS } from '../validation.js';

/** The first segment of every brain key the store writes. */
export const STORE_ROOT = 'lg';

const PLAIN = /^[A-Za-z0-9-]$/;

/**
 * One namespace component or key as one brain-key segment.
 *
 * @example
 * encodePart('a.b') // 'a_2Eb'
 */
export function encodePart(part: string): string {
  if (part === '') return '_';
  let out = '';
  for (const ch of part) {
    if (PLAIN.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `_${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The part a segment encodes, or null when the segment is not one {@link encodePart} makes.
 *
 * @example
 * decodePart('a_2Eb') // 'a.b'
 */
export function decodePart(segment: string): string | null {
  if (segment === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < segment.length; ) {
    const ch = segment[i] as string;
    if (ch === '_') {
      const hex = segment.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return null;
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (PLAIN.test(ch)) {
      bytes.push(ch.charCodeAt(0));
      i += 1;
    } else return null;
  }
  const text = Buffer.from(bytes).toString('utf8');
  return encodePart(text) === segment ? text : null;
}

/**
 * The brain key prefix of a namespace (`lg` for the root).
 *
 * @example
 * namespacePrefixKey(['users', 'u1']) // 'lg.users.u1'
 */
export function namespacePrefixKey(namespace: readonly string[]): string {
  return [STORE_ROOT, ...namespace.map(encodePart)].join('.');
}

/**
 * The brain key of one item; refuses what a brain key cannot hold (too long once escaped).
 *
 * @example
 * itemKey(['users', 'u1'], 'prefs') // 'lg.users.u1.prefs'
 */
export function itemKey(namespace: readonly string[], key: string): string {
  const k = `${namespacePrefixKey(namespace)}.${encodePart(key)}`;
  if (k.length > LIMITS.shortText)
    throw new InvalidInputError(
      `namespace and key take ${k.length} characters once escaped as a brain key, more than ${LIMITS.shortText}: ` +
        'use fewer or shorter namespace components (letters, digits and - cost 1 character, others 3 per byte)',
      'namespace',
    );
  return k;
}

/**
 * The namespace and key a brain key holds, or null for a key the store did not write.
 *
 * @example
 * parseItemKey('lg.users.u1.prefs') // { namespace: ['users', 'u1'], key: 'prefs' }
 */
export function parseItemKey(brainKey: string): { namespace: string[]; key: string } | null {
  const segs = brainKey.split('.');
  if (segs[0] !== STORE_ROOT || segs.length < 2) return null;
  const parts = segs.slice(1).map(decodePart);
  if (parts.some((p) => p === null)) return null;
  const all = parts as string[];
  return { namespace: all.slice(0, -1), key: all[all.length - 1] as string };
}

/**
 * Whether `namespace` starts with `prefix`, component by component (`*` in a pattern
 * matches any one component, as LangGraph's match conditions say).
 *
 * @example
 * startsWith(['a', 'b'], ['a']) // true; startsWith(['ab'], ['a']) // false
 */
export function startsWith(
  namespace: readonly string[],
  prefix: readonly string[],
  wildcard = false,
): boolean {
  if (prefix.length > namespace.length) return false;
  return prefix.every((p, i) => (wildcard && p === '*') || namespace[i] === p);
}

/**
 * Whether `namespace` ends with `suffix`, component by component (`*` matches any one).
 *
 * @example
 * endsWith(['a', 'b'], ['b']) // true
 */
export function endsWith(namespace: readonly string[], suffix: readonly string[]): boolean {
  if (suffix.length > namespace.length) return false;
  const off = namespace.length - suffix.length;
  return suffix.every((p, i) => p === '*' || namespace[off + i] === p);
}
