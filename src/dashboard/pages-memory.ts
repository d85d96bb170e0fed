/** Overview, memory browser and recall playground pages. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { DashEnv } from './dashboard-auth.js';
import { bars, columns, type Fragment, field, fmt, notice, select, when } from './dashboard-html.js';
import { pageScope, param } from './dashboard-scope.js';

/**
 * Overview: memories by kind and their growth, the embedding backlog, the LLM cache,
 * requests and latency per day, and the store's warnings (the last ones need an admin key).
 *
 * @example
 * dash.get('/', async (c) => c.html(page({ ..., body: await overviewPage(c) })));
 */
export async function overviewPage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const v = c.get('viewer');
  const scope = { tenant: v.tenant };
  const counts = await m.count({ scope });
  const cache = await m.cache.stats({ scope });
  const kinds = Object.entries(counts.counts).map(([label, value]) => ({ label, value }));
  const head = html`<section class="cards" aria-label="Figures">
<div class="card"><b>${fmt(counts.total)}</b><span>memories</span></div>
<div class="card"><b>${(cache.hitRate * 100).toFixed(1)}%</b><span>LLM cache hit rate</span></div>
<div class="card"><b>${fmt(cache.costSaved)}</b><span>LLM cost saved</span></div>
</section>
${bars('Memories by kind', kinds)}`;
  if (!v.admin)
    return html`${head}${notice('info', 'Growth, the embedding backlog, requests per day and warnings need an admin key.')}`;
  const stats = await m.stats({ scope });
  const usage = await m.usage({ scope });
  const tenant = usage.tenants.find((t) => t.tenant === v.tenant);
  const days = tenant?.days ?? [];
  return html`${head}
<section class="cards" aria-label="Backlog"><div class="card"><b>${fmt(stats.embeddings.pendingTotal)}</b><span>rows waiting for an embedding</span></div>
<div class="card"><b>${fmt(tenant?.requests ?? 0)}</b><span>requests this month</span></div>
<div class="card"><b>${fmt(tenant?.latencyMs.p95 ?? 0)} ms</b><span>p95 latency this month</span></div></section>
<div class="grid">
${columns(
  'Memories created per day (last 30 days)',
  stats.growth.map((g) => ({ label: g.day, value: g.episode + g.fact + g.brain + g.decision })),
)}
${columns(
  'Requests per day',
  days.map((d) => ({ label: d.day, value: d.requests })),
)}
${columns(
  'p95 latency per day',
  days.map((d) => ({ label: d.day, value: d.latencyMs.p95 })),
  ' ms',
)}
</div>
<h2>Warnings</h2>
${
  stats.warnings.length === 0
    ? html`<p class="empty">No warnings.</p>`
    : html`<ul class="warnings">${stats.warnings.map((w) => html`<li>${w.message}</li>`)}</ul>`
}`;
}

const KINDS = ['episodes', 'facts', 'decisions', 'brain'] as const;

function scopeForm(c: Context<DashEnv>, action: string, extra: Fragment = html``): Fragment {
  return html`<form method="get" action="${action}" class="filters" aria-label="Scope">
${field('user', 'User', param(c, 'user'))}${field('agent', 'Agent', param(c, 'agent'))}${field('session', 'Session', param(c, 'session'))}
${extra}<button type="submit">Show</button></form>`;
}

/**
 * The memory browser: episodes, facts, decisions or brain keys of a user, agent, session.
 *
 * @example
 * dash.get('/memory', async (c) => c.html(page({ ..., body: await memoryPage(c) })));
 */
export async function memoryPage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const scope = pageScope(c);
  const kind = (KINDS as readonly string[]).includes(param(c, 'kind') ?? '') ? param(c, 'kind') : 'episodes';
  const filter = (param(c, 'q') ?? '').toLowerCase();
  const form = scopeForm(
    c,
    '/dashboard/memory',
    html`${select('kind', 'Kind', KINDS, kind)}${field('q', 'Contains', param(c, 'q'), 'search')}`,
  );
  let rows: { cells: (string | Fragment)[]; text: string }[] = [];
  let headers: string[] = [];
  if (kind === 'episodes') {
    const page = await m.episodes.list({ scope, limit: 200 });
    headers = ['when', 'role', 'session', 'content'];
    rows = page.items.map((e) => ({
      cells: [when(e.occurredAt), e.role, e.session, e.content],
      text: e.content,
    }));
  } else if (kind === 'facts') {
    const page = await m.facts.list({ scope, limit: 200 });
    headers = ['subject', 'content', 'since', 'history'];
    rows = page.items.map((f) => ({
      cells: [f.subject, f.content, when(f.validFrom), html`<a href="/dashboard/facts/${f.id}">timeline</a>`],
      text: `${f.subject} ${f.content}`,
    }));
  } else if (kind === 'decisions') {
    const list = await m.decisions.list({ scope, limit: 100, scopeMatch: 'given' });
    headers = ['subject', 'chosen', 'status', 'reasoning'];
    rows = list.map((d) => ({
      cells: [d.subject, d.chosen, d.status, d.reasoning],
      text: `${d.subject} ${d.chosen} ${d.reasoning}`,
    }));
  } else {
    const list = await m.brain.list({ scope, scopeMatch: 'given' });
    headers = ['key', 'value', 'version', 'updated'];
    rows = list.map((b) => ({
      cells: [b.key, JSON.stringify(b.value), String(b.version), when(b.updatedAt)],
      text: `${b.key} ${JSON.stringify(b.value)}`,
    }));
  }
  const shown = filter ? rows.filter((r) => r.text.toLowerCase().includes(filter)) : rows;
  return html`${form}${table(
    `${kind}: ${shown.length}`,
    headers,
    shown.map((r) => r.cells),
  )}`;
}

/**
 * A table in a scrolling wrapper (narrow screens scroll it sideways, not the page).
 *
 * @example
 * table('Tasks', ['queue', 'status'], [['crawl', 'open']])
 */
export function table(caption: string, headers: string[], rows: (string | Fragment)[][]): Fragment {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${caption}"><table><caption>${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.length === 0 ? html`<tr><td colspan="${headers.length}" class="empty">nothing here</td></tr>` : rows.map((r) => html`<tr>${r.map((x) => html`<td>${x}</td>`)}</tr>`)}</tbody></table></div>`;
}

const SIGNALS = [
  'text',
  'vector',
  'neighbor',
  'session',
  'recency',
  'importance',
  'time',
  'confidence',
] as const;

/**
 * The recall playground: a query's ranked items with each `explain` signal as a bar, and
 * the context block with its token count.
 *
 * @example
 * dash.get('/recall', async (c) => c.html(page({ ..., body: await recallPage(c) })));
 */
export async function recallPage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const scope = pageScope(c);
  const query = param(c, 'query');
  const form = scopeForm(c, '/dashboard/recall', field('query', 'Query', query, 'search'));
  if (!query) return html`${form}<p class="empty">Type a query to see what recall ranks first and why.</p>`;
  const result = await m.recall({ scope, query, k: 10, explain: true });
  const context = await m.context({ scope, query, tokenBudget: 1000 });
  const items = result.items.map((it, i) => {
    const s = it.scores;
    const sig = s ? SIGNALS.map((k) => ({ label: k, value: Math.max(0, s[k]) })) : [];
    return html`<li class="item"><div class="item-head"><span class="rank">${i + 1}</span> <span class="kind">${it.kind}</span> <b>${fmt(it.score)}</b></div>
<p>${it.content}</p>${bars(`Signals of item ${i + 1}`, sig, '', 1)}</li>`;
  });
  return html`${form}
<p>${result.usedVector ? 'Words and embeddings' : 'Words only (no embedder)'} · ${result.items.length} items</p>
<ol class="items" aria-label="Ranked items">${items}</ol>
<h2>Context block <small>${context.tokens} tokens</small></h2>
<pre class="context">${context.text}</pre>`;
}
