/** Coordination: tasks by queue and status (retry, cancel), live observations, open conflicts. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { TASK_STATUSES } from '../coordination/tasks-fields.js';
import { MnemoError } from '../errors.js';
import type { DashEnv } from './dashboard-auth.js';
import { csrfField, type Fragment, field, notice, select, type Viewer, when } from './dashboard-html.js';
import { param } from './dashboard-scope.js';
import { table } from './pages-memory.js';

function postButton(v: Viewer, action: string, label: string, fields: Record<string, string> = {}): Fragment {
  return html`<form method="post" action="${action}" class="inline">${csrfField(v)}${Object.entries(
    fields,
  ).map(
    ([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`,
  )}<button type="submit">${label}</button></form>`;
}

/**
 * The coordination board.
 *
 * @example
 * dash.get('/coordination', async (c) => c.html(page({ ..., body: await coordinationPage(c) })));
 */
export async function coordinationPage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const v = c.get('viewer');
  const scope = { tenant: v.tenant };
  const queue = param(c, 'queue');
  const statusParam = param(c, 'status');
  const status = (TASK_STATUSES as readonly string[]).includes(statusParam ?? '')
    ? (statusParam as (typeof TASK_STATUSES)[number])
    : undefined;
  const tasks = await m.tasks.list({ scope, queue, status, limit: 200 });
  const counts = new Map<string, number>();
  for (const t of tasks)
    counts.set(`${t.queue} · ${t.status}`, (counts.get(`${t.queue} · ${t.status}`) ?? 0) + 1);
  const conflicts = await m.conflicts.list({ scope, status: 'open', limit: 100 });
  const observations = await m.observations.query({ scope, limit: 20 });
  const lastSeq = Math.max(0, ...observations.map((o) => o.seq));
  const done = param(c, 'done');
  const taskRows = tasks.map((t) => [
    t.queue,
    html`<span class="status s-${t.status}">${t.status}</span>`,
    `${t.attempts}/${t.maxAttempts}`,
    t.error ?? '',
    when(t.updatedAt),
    !v.write
      ? ''
      : t.status === 'failed' || t.status === 'cancelled'
        ? postButton(v, `/dashboard/tasks/${t.id}/retry`, 'Retry')
        : t.status === 'open' || t.status === 'claimed'
          ? postButton(v, `/dashboard/tasks/${t.id}/cancel`, 'Cancel')
          : '',
  ]);
  return html`${done ? notice('info', done) : ''}
<h2>Tasks</h2>
<form method="get" action="/dashboard/coordination" class="filters" aria-label="Tasks filter">
${field('queue', 'Queue', queue)}${select('status', 'Status', ['', ...TASK_STATUSES], status ?? '')}<button type="submit">Show</button></form>
<ul class="chips" aria-label="Tasks by queue and status">${[...counts].map(([k, n]) => html`<li>${k}: <b>${n}</b></li>`)}</ul>
${table(`Tasks: ${tasks.length}`, ['queue', 'status', 'attempts', 'error', 'updated', ''], taskRows)}
<h2>Live observations</h2>
<p class="live" aria-live="polite"><span id="live-state">connecting…</span></p>
<ol id="observations" class="observations" data-stream="/dashboard/observations/stream?cursor=${String(lastSeq)}" aria-label="Observations, newest first">
${observations.map((o) => html`<li data-seq="${String(o.seq)}"><b>${o.subject}</b> <span class="kind">${o.type}</span> ${o.content} <small>${when(o.occurredAt)} · ${o.agent || '—'}</small></li>`)}
</ol>
<h2>Open conflicts</h2>
${
  conflicts.length === 0
    ? html`<p class="empty">No open conflicts.</p>`
    : conflicts.map(
        (k) =>
          html`<section class="conflict" aria-label="Conflict on ${k.subject}"><h3>${k.subject}</h3><ul>${k.facts.map(
            (f) =>
              html`<li>${f.content} <small>by ${f.agent || f.createdBy}</small> ${
                v.write
                  ? postButton(v, `/dashboard/conflicts/${k.id}/resolve`, 'Keep this', { keep: f.id })
                  : ''
              }</li>`,
          )}</ul>${v.write ? postButton(v, `/dashboard/conflicts/${k.id}/resolve`, 'Keep both', { keep: 'both' }) : ''}</section>`,
      )
}`;
}

function needWrite(c: Context<DashEnv>): void {
  if (!c.get('viewer').write) throw new MnemoError('forbidden', 'this needs a key with the "write" scope');
}

/**
 * Retries a failed or cancelled task: a new task of the same queue, payload, priority and
 * attempts, runnable now (the failed one stays as it was, for its history).
 *
 * @example
 * dash.post('/tasks/:id/retry', retryTask);
 */
export async function retryTask(c: Context<DashEnv>): Promise<Response> {
  needWrite(c);
  const m = c.get('memory');
  const scope = { tenant: c.get('viewer').tenant };
  const t = await m.tasks.get({ scope, id: c.req.param('id') ?? '' });
  if (!t) throw new MnemoError('not_found', 'no such task: it may have been purged');
  if (t.status !== 'failed' && t.status !== 'cancelled')
    throw new MnemoError('conflict', `the task is ${t.status}: only failed or cancelled tasks are retried`);
  const copy = await m.tasks.create({
    scope: { tenant: scope.tenant, user: t.user || undefined, agent: t.agent || undefined },
    queue: t.queue,
    payload: t.payload ?? undefined,
    priority: t.priority,
    maxAttempts: t.maxAttempts,
  });
  return c.redirect(`/dashboard/coordination?done=${encodeURIComponent(`Task retried as ${copy.id}`)}`, 303);
}

/**
 * Cancels an open or claimed task.
 *
 * @example
 * dash.post('/tasks/:id/cancel', cancelTask);
 */
export async function cancelTask(c: Context<DashEnv>): Promise<Response> {
  needWrite(c);
  const scope = { tenant: c.get('viewer').tenant };
  await c.get('memory').tasks.cancel({ scope, id: c.req.param('id') ?? '' });
  return c.redirect(`/dashboard/coordination?done=${encodeURIComponent('Task cancelled')}`, 303);
}

/**
 * Resolves a conflict: keeps one fact (`keep` = its id) or both.
 *
 * @example
 * dash.post('/conflicts/:id/resolve', resolveConflict);
 */
export async function resolveConflict(c: Context<DashEnv>): Promise<Response> {
  needWrite(c);
  const body = await c.req.parseBody();
  const keep = typeof body.keep === 'string' ? body.keep : '';
  await c.get('memory').conflicts.resolve({
    scope: { tenant: c.get('viewer').tenant },
    id: c.req.param('id') ?? '',
    keep,
    by: 'dashboard',
  });
  return c.redirect(`/dashboard/coordination?done=${encodeURIComponent('Conflict resolved')}`, 303);
}
