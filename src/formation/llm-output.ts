/**
 * Turning a model's text into validated data, and a zod schema into the JSON Schema a
 * provider enforces. Models wrap JSON in fences, think aloud first, or add a sentence;
 * this is the one place that copes with it.
 */
import { z } from 'zod';

/** What went wrong with an answer, phrased for a person (and for the model on retry). */
export type OutputCheck<T> = { ok: true; data: T } | { ok: false; reason: string };

/** Candidate JSON texts inside a model's answer, most likely first. */
function candidates(text: string): string[] {
  // Reasoning models (deepseek-r1, qwen3 on Ollama) put their thinking in <think> tags.
  const t = text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const out = [t];
  const fence = /```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/.exec(t);
  if (fence) out.push(fence[1].trim());
  const first = t.search(/[[{]/);
  const last = Math.max(t.lastIndexOf('}'), t.lastIndexOf(']'));
  if (first >= 0 && last > first) out.push(t.slice(first, last + 1));
  return out;
}

/**
 * Parses a model's answer as JSON (plain, ```json fenced, or embedded in prose) and
 * validates it with the schema.
 *
 * @example
 * checkOutput('```json\n{"ok":true}\n```', z.object({ ok: z.boolean() })) // => { ok: true, data: { ok: true } }
 */
export function checkOutput<S extends z.ZodType>(text: string, schema: S): OutputCheck<z.output<S>> {
  if (text.trim() === '') return { ok: false, reason: 'the answer was empty' };
  let parsed: unknown;
  let found = false;
  for (const c of candidates(text)) {
    try {
      parsed = JSON.parse(c);
      found = true;
      break;
    } catch {
      // try the next candidate
    }
  }
  if (!found) {
    const head = text.trim().slice(0, 80).replace(/\s+/g, ' ');
    return { ok: false, reason: `the answer was not valid JSON (it began with "${head}")` };
  }
  const r = schema.safeParse(parsed);
  if (r.success) return { ok: true, data: r.data };
  const issues = r.error.issues
    .slice(0, 3)
    .map((i) => `"${i.path.map(String).join('.') || '(root)'}": ${i.message}`)
    .join('; ');
  return { ok: false, reason: `the answer did not match the schema: ${issues}` };
}

const jsonSchemas = new WeakMap<z.ZodType, { schema: Record<string, unknown>; strict: boolean }>();

/**
 * True when a JSON Schema satisfies OpenAI's strict structured-output rules: every
 * object lists all its properties as required and forbids additional ones.
 */
function isStrictCompatible(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(isStrictCompatible);
  if (typeof node !== 'object' || node === null) return true;
  const n = node as Record<string, unknown>;
  if (n.type === 'object' || n.properties) {
    const props = Object.keys((n.properties as Record<string, unknown>) ?? {});
    const required = new Set((n.required as string[]) ?? []);
    if (n.additionalProperties !== false) return false;
    if (!props.every((p) => required.has(p))) return false;
  }
  return Object.values(n).every(isStrictCompatible);
}

/**
 * The JSON Schema of a zod schema (output side, `$schema` removed) and whether the
 * provider may enforce it strictly. Cached per schema object.
 *
 * @example
 * toProviderSchema(z.object({ a: z.string() })) // => { schema: { type: 'object', ... }, strict: true }
 */
export function toProviderSchema(schema: z.ZodType): { schema: Record<string, unknown>; strict: boolean } {
  const cached = jsonSchemas.get(schema);
  if (cached) return cached;
  const js = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  delete js.$schema;
  const out = { schema: js, strict: isStrictCompatible(js) };
  jsonSchemas.set(schema, out);
  return out;
}
