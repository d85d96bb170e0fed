/** The parts of an OpenAPI 3.1 document the reference page reads. */
interface Doc {
  info: { title: string; version: string; description?: string };
  paths?: object;
  components?: { schemas?: object };
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

/** Follows `#/components/schemas/X` references so the page shows the fields, not a name. */
function resolve(schema: unknown, doc: Doc, depth = 0): unknown {
  if (depth > 6 || typeof schema !== 'object' || schema === null) return schema;
  if (Array.isArray(schema)) return schema.map((s) => resolve(s, doc, depth + 1));
  const ref = (schema as { $ref?: string }).$ref;
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '');
    return resolve((doc.components?.schemas as Record<string, unknown> | undefined)?.[name], doc, depth + 1);
  }
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(v, doc, depth + 1)]));
}

function schemaBlock(schema: unknown, doc: Doc): string {
  if (schema === undefined) return '';
  return `<pre>${esc(JSON.stringify(resolve(schema, doc), null, 2))}</pre>`;
}

function operationHtml(method: string, path: string, op: Operation, doc: Doc): string {
  const params = (op.parameters ?? [])
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${esc(
          p.description ?? (p.schema as { type?: string } | undefined)?.type ?? '',
        )}</td></tr>`,
    )
    .join('');
  const body = op.requestBody?.content?.['application/json']?.schema;
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const s = r.content?.['application/json']?.schema;
      const ok = status.startsWith('2');
      return `<li><b>${esc(status)}</b> ${esc(r.description)}${ok ? schemaBlock(s, doc) : ''}</li>`;
    })
    .join('');
  const open = Array.isArray(op.security) && op.security.length === 0;
  return `<section class="op" id="${slug(`${method}-${path}`)}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>${open ? ' <small>no key needed</small>' : ''}</h3>
${op.summary ? `<p>${esc(op.summary)}</p>` : ''}${op.description ? `<p>${esc(op.description)}</p>` : ''}
${params ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>about</th></tr>${params}</table>` : ''}
${body ? `<h4>Request body (JSON)</h4>${schemaBlock(body, doc)}` : ''}
<h4>Responses</h4><ul>${responses}</ul>
</section>`;
}

/**
 * Renders the human-readable API reference from an OpenAPI document: one
 * self-contained HTML page, inline CSS, no scripts, nothing fetched.
 *
 * @example
 * const html = renderDocsPage(openApiDocument(app));
 */
export function renderDocsPage(doc: Doc): string {
  const ops: { tag: string; method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, unknown>>))
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) ops.push({ tag: op.tags?.[0] ?? 'other', method, path, op });
    }
  const tags = [...new Set(ops.map((o) => o.tag))].sort();
  const toc = tags
    .map(
      (t) =>
        `<li>${esc(t)}<ul>${ops
          .filter((o) => o.tag === t)
          .map(
            (o) =>
              `<li><a href="#${slug(`${o.method}-${o.path}`)}">${o.method.toUpperCase()} ${esc(o.path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map(
      (t) =>
        `<h2 id="tag-${slug(t)}">${esc(t)}</h2>${ops
          .filter((o) => o.tag === t)
          .map((o) => operationHtml(o.method, o.path, o.op, doc))
          .join('')}`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d2330}
nav{width:300px;padding:1rem;background:#f4f5f8;height:100vh;overflow:auto;position:sticky;top:0;font-size:13px}
nav ul{padding-left:1rem}main{padding:1rem 2rem;max-width:900px}
.op{border-top:1px solid #dde;padding:.5rem 0}.m{font:bold 12px monospace;padding:2px 6px;border-radius:3px;color:#fff}
.m-get{background:#2b7a4b}.m-post{background:#2456a8}.m-put,.m-patch{background:#8a5a00}.m-delete{background:#a82424}
pre{background:#f7f7f9;padding:.5rem;overflow:auto;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #dde;padding:2px 8px;text-align:left}
small{color:#667}
</style></head>
<body><nav><b>${esc(doc.info.title)}</b> <small>${esc(doc.info.version)}</small><ul>${toc}</ul>
<p><a href="openapi.json">openapi.json</a></p></nav>
<main><h1>${esc(doc.info.title)}</h1><p>${esc(doc.info.description)}</p>${sections}</main></body></html>
`;
}
