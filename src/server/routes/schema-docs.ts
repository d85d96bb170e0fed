/**
 * Describing the areas' zod schemas in OpenAPI without changing how they validate.
 */
import { z } from '@hono/zod-openapi';

type Def = { type: string; [k: string]: unknown };

/**
 * The internal definition of a zod schema (its type name and parts), or undefined.
 *
 * @example
 * zodDef(z.string().optional())?.type // => 'optional'
 */
export const zodDef = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;
const defOf = zodDef;

const PROBES: [unknown, string][] = [
  [{}, 'object'],
  [[], 'array'],
  ['x', 'string'],
  [1, 'number'],
  [true, 'boolean'],
  [null, 'null'],
];

/** Names the JSON types a custom (predicate) schema accepts, by trying one value of each. */
function probedTypes(schema: z.ZodType): string[] {
  return PROBES.filter(([value]) => schema.safeParse(value).success).map(([, type]) => type);
}

const seen = new WeakSet<object>();

/**
 * Makes an area's zod schema describable in OpenAPI without touching its validation:
 * predicate schemas (`z.custom`: JSON values, metadata objects) cannot be turned into
 * JSON Schema, so each gets metadata naming the JSON types it accepts (found by trying
 * one value of each type). Returns the same schema.
 *
 * @example
 * request: { body: jsonBody(documented(appendEpisodeSchema)) }
 */
export function documented<T extends z.ZodType>(schema: T): T {
  walk(schema);
  return schema;
}

function walk(schema: unknown): void {
  const def = defOf(schema);
  if (!def || seen.has(schema as object)) return;
  seen.add(schema as object);
  const s = schema as z.ZodType;
  switch (def.type) {
    case 'custom': {
      if (z.globalRegistry.has(s)) return;
      const types = probedTypes(s);
      const type = types.length === 1 ? types[0] : types;
      const description = types.length === 1 && types[0] === 'object' ? 'a JSON object' : 'any JSON value';
      z.globalRegistry.add(s, { type, description } as never);
      return;
    }
    case 'object':
      for (const v of Object.values(def.shape as Record<string, unknown>)) walk(v);
      if (def.catchall) walk(def.catchall);
      return;
    case 'array':
      walk(def.element);
      return;
    case 'union':
      for (const o of def.options as unknown[]) walk(o);
      return;
    case 'pipe':
      walk(def.in);
      walk(def.out);
      return;
    case 'record':
      walk(def.keyType);
      walk(def.valueType);
      return;
    case 'intersection':
      walk(def.left);
      walk(def.right);
      return;
    default:
      if (def.innerType) walk(def.innerType);
  }
}

/**
 * A strict object schema with the fields of an area's object schema minus some (the
 * ones a route takes from the path). Works on schemas with refinements too; the
 * memory API re-checks the whole input, refinements included.
 *
 * @example
 * const body = withoutFields(brainSetSchema, ['key']);
 */
export function withoutFields<S extends z.ZodObject, K extends keyof S['shape'] & string>(
  schema: S,
  keys: readonly K[],
): z.ZodObject<Omit<S['shape'], K>, z.core.$strict> {
  const shape = { ...schema.shape } as Record<string, z.ZodType>;
  for (const k of keys) delete shape[k];
  return documented(z.strictObject(shape)) as never;
}
