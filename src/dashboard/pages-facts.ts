/** Facts over time: the facts believed as of a date, and one fact's chain as a timeline. */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { MnemoError } from '../errors.js';
import type { Fact } from '../facts/facts-schema.js';
import type { DashEnv } from './dashboard-auth.js';
import { type Fragment, field, when } from './dashboard-html.js';
import { pageScope, param } from './dashboard-scope.js';
import { table } from './pages-memory.js';

/** An `as of` value from a date or datetime-local input (read as UTC), or undefined. */
function asOfOf(c: Context<DashEnv>): Date | undefined {
  const v = param(c, 'asOf');
  if (!v) return undefined;
  const d = new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}${v.length <= 10 ? 'T23:59:59' : ''}Z`);
  if (Number.isNaN(d.getTime()))
    throw new MnemoError('invalid_input', '"asOf" must be a date such as 2026-05-08 or 2026-05-08T12:00', {
      field: 'asOf',
    });
  return d;
}

function asOfValue(d: Date | undefined): string {
  return d ? d.toISOString().slice(0, 16) : '';
}

/**
 * The facts believed as of a moment (default: now), by subject.
 *
 * @example
 * dash.get('/facts', async (c) => c.html(page({ ..., body: await factsPage(c) })));
 */
export async function factsPage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const scope = pageScope(c);
  const asOf = asOfOf(c);
  const subject = param(c, 'subject');
  const list = await m.facts.list({
    scope,
    subject,
    limit: 200,
    ...(asOf ? { asOf: asOf.toISOString() } : {}),
  });
  return html`<form method="get" action="/dashboard/facts" class="filters" aria-label="Facts filter">
${field('user', 'User', param(c, 'user'))}${field('subject', 'Subject', subject)}
${field('asOf', 'As of (UTC)', asOfValue(asOf), 'datetime-local')}<button type="submit">Show</button></form>
<p>${asOf ? `What was believed on ${when(asOf)} UTC` : 'What is believed now'}.</p>
${table(
  `Facts: ${list.items.length}`,
  ['subject', 'content', 'valid from', 'valid to', ''],
  list.items.map((f) => [
    f.subject,
    f.content,
    when(f.validFrom),
    when(f.validTo),
    html`<a href="/dashboard/facts/${f.id}">timeline</a>`,
  ]),
)}`;
}

function validAt(f: Fact, at: Date): boolean {
  return f.validFrom.getTime() <= at.getTime() && (f.validTo === null || f.validTo.getTime() > at.getTime());
}

/**
 * One fact's supersede and invalidate chain as a timeline; `asOf` marks the version
 * believed then; the episodes each version came from.
 *
 * @example
 * dash.get('/facts/:id', async (c) => c.html(page({ ..., body: await factTimelinePage(c) })));
 */
export async function factTimelinePage(c: Context<DashEnv>): Promise<Fragment> {
  const m = c.get('memory');
  const scope = { tenant: c.get('viewer').tenant };
  const id = c.req.param('id') ?? '';
  const chain = await m.facts.chain({ scope, id });
  if (chain.length === 0)
    throw new MnemoError('not_found', `no fact ${id}: it was purged, or belongs to no tenant of this key`);
  const asOf = asOfOf(c) ?? new Date();
  const episodeIds = [...new Set(chain.flatMap((f) => f.sourceEpisodeIds))];
  const episodes = (await Promise.all(episodeIds.map((eid) => m.episodes.get({ scope, id: eid })))).filter(
    (e) => e !== null,
  );
  const items = chain.map((f) => {
    const believed = validAt(f, asOf);
    const state = f.current ? 'current' : f.supersededBy ? 'superseded' : 'invalidated';
    return html`<li class="step${believed ? ' believed' : ''}" data-fact="${f.id}"${believed ? html` aria-current="true"` : ''}>
<div class="dot" aria-hidden="true"></div><div><b>${f.content}</b>
<div class="meta">${when(f.validFrom)} → ${f.validTo ? when(f.validTo) : 'now'} · ${state}${believed ? ' · believed then' : ''} · by ${f.createdBy || '—'}</div></div></li>`;
  });
  return html`<p>Subject <b>${chain[0]?.subject}</b>: ${chain.length} version(s).</p>
<form method="get" action="/dashboard/facts/${id}" class="filters" aria-label="As of">
${field('asOf', 'As of (UTC)', asOfValue(asOf), 'datetime-local')}<button type="submit">Show</button></form>
<ol class="timeline" aria-label="Versions, oldest first">${items}</ol>
<h2>Source episodes</h2>
${table(
  `Episodes: ${episodes.length}`,
  ['when', 'role', 'content'],
  episodes.map((e) => [when(e.occurredAt), e.role, e.content]),
)}`;
}
