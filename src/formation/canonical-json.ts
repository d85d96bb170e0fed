/**
 * Canonical JSON and content hashes: the identity of an LLM call. Two calls whose
 * every output-shaping input is equal (whatever the key order of their objects) get
 * the same hash; anything not representable in JSON is refused rather than silently
 * dropped, so it can never make two different calls collide.
 */
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../errors.js';

/** Deepest nesting accepted (as the rest of mnemo's JSON inputs). */
const MAX_DEPTH = 64;

/**
 * Serialises a JSON value canonically: object keys sorted (by UTF-16 code units, as
 * RFC 8785), no whitespace, numbers in ECMAScript shortest round-trip form (`1`, `0.1`,
 * `1e+21`; `-0` becomes `0`). Throws `invalid_input` naming the path for `undefined`
 * (also as an object property), functions, symbols, bigints, NaN/Infinity, class
 * instances such as Date or Map, and cycles.
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null, 'x'] }) // => '{"a":[true,null,"x"],"b":1}'
 * canonicalJson({ a: undefined })                 // throws InvalidInputError (field "value.a")
 */
export function canonicalJson(value: unknown, field = 'value'): string {
  const out: string[] = [];
  write(value, field, 0, new Set(), out);
  return out.join('');
}

function fail(path: string, what: string): never {
  throw new InvalidInputError(
    `"${path}" ${what}: only JSON values are allowed (string, finite number, boolean, null, array, plain object)`,
    path,
  );
}

function write(v: unknown, path: string, depth: number, seen: Set<object>, out: string[]): void {
  if (depth > MAX_DEPTH) fail(path, `is nested deeper than ${MAX_DEPTH} levels`);
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'string':
      out.push(JSON.stringify(v));
      return;
    case 'boolean':
      out.push(v ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(v)) fail(path, `is ${v}`);
      out.push(JSON.stringify(v));
      return;
    case 'undefined':
      fail(path, 'is undefined (omit the property or use null)');
      break;
    case 'object':
      break;
    default:
      fail(path, `is a ${typeof v}`);
  }
  const obj = v as object;
  if (seen.has(obj)) fail(path, 'is a cycle');
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], `${path}.${i}`, depth + 1, seen, out);
    }
    out.push(']');
  } else {
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null)
      fail(path, `is a ${proto?.constructor?.name ?? 'class instance'}`);
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec).sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(rec[k], `${path}.${k}`, depth + 1, seen, out);
    });
    out.push('}');
  }
  seen.delete(obj);
}

/** Everything that shapes an LLM output: the parts of a cache key. */
export interface ContentKey {
  /** Model name as sent to the provider (`gpt-4o-mini`, `llama3.1:8b`). */
  model: string;
  /** Version of the prompt template; bump it when the prompt changes so old outputs miss. */
  promptVersion: string | number;
  /** The input the prompt is applied to (JSON). */
  input: unknown;
  /** Generation parameters (temperature, max tokens, schema name, ...); omitted = `{}`. */
  params?: Record<string, unknown>;
}

/**
 * sha256 (hex) of the canonical JSON of `{ model, promptVersion, input, params }`.
 * Never put timestamps or random ids in a key: equal work must hash equally.
 *
 * @example
 * contentHash({ model: 'm', promptVersion: 'extract-v1', input: { text: 'hi' }, params: { temperature: 0 } })
 * // => '3f1c...' (64 hex characters)
 */
export function contentHash(key: ContentKey): string {
  const text = canonicalJson(
    { model: key.model, promptVersion: key.promptVersion, input: key.input, params: key.params ?? {} },
    'key',
  );
  return createHash('sha256').update(text).digest('hex');
}
