/**
 * The JSON Schema of a tool's input as the model reads it in `tools/list`: the area's
 * own input schema, compacted. Every token of it is read at the start of every
 * conversation, so what the model cannot use goes: regex patterns behind a `format`
 * (a date's 400-character regex), the `Date` arm of a date input (not JSON), size limits
 * no call comes near. The server still checks the input with the full schema and names
 * the field it refuses.
 */
import { z } from 'zod';

type Node = { [k: string]: unknown };

/** Limits at or above these are left out: a model never comes near them. */
const FAR = { maxLength: 256, maxItems: 64 } as const;

function compact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(compact);
  if (!v || typeof v !== 'object') return v;
  const node: Node = {};
  for (const [k, x] of Object.entries(v as Node)) node[k] = compact(x);
  if (typeof node.format === 'string') delete node.pattern;
  for (const [k, far] of Object.entries(FAR))
    if (typeof node[k] === 'number' && (node[k] as number) >= far) delete node[k];
  if (Array.isArray(node.anyOf)) {
    const arms = (node.anyOf as Node[]).filter((a) => Object.keys(a).length > 0);
    // A date input (a Date, an ISO date-time or an ISO date): one ISO 8601 string.
    if (arms.length > 0 && arms.every((a) => a.type === 'string' && typeof a.format === 'string')) {
      delete node.anyOf;
      Object.assign(node, { type: 'string', format: arms[0]?.format });
    } else if (arms.length === 1) {
      delete node.anyOf;
      Object.assign(node, arms[0]);
    } else node.anyOf = arms;
  }
  return node;
}

/**
 * The input schema of a tool for `tools/list`.
 *
 * @example
 * toolInputSchema(z.strictObject({ since: dateInput.optional() })) // { type: 'object', properties: { since: { type: 'string', format: 'date-time' } }, ... }
 */
export function toolInputSchema(input: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as Node;
  return compact(schema) as Record<string, unknown>;
}
