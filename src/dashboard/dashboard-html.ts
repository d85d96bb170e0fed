/**
 * The dashboard's page shell and small drawing helpers: server-rendered HTML (hono/html
 * escapes every interpolated value), SVG charts drawn on the server, no client framework.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { ASSET_VERSION } from './dashboard-assets.js';

/**
 * A rendered fragment (what `html\`\`` returns).
 *
 * @example
 * const f: Fragment = html`<p>${text}</p>`;
 */
export type Fragment = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The pages of the navigation; `admin` ones are hidden from read and write keys.
 *
 * @example
 * PAGES.find((p) => p.id === 'keys')?.admin // true
 */
export const PAGES = [
  { path: '/dashboard', id: 'overview', title: 'Overview', admin: false },
  { path: '/dashboard/memory', id: 'memory', title: 'Memory', admin: false },
  { path: '/dashboard/recall', id: 'recall', title: 'Recall', admin: false },
  { path: '/dashboard/facts', id: 'facts', title: 'Facts over time', admin: false },
  { path: '/dashboard/coordination', id: 'coordination', title: 'Coordination', admin: false },
  { path: '/dashboard/keys', id: 'keys', title: 'Keys and usage', admin: true },
  { path: '/dashboard/health', id: 'health', title: 'Store health', admin: true },
] as const;

/**
 * Who looks at a page, as the shell shows it.
 *
 * @example
 * const v: Viewer = { tenant: 'acme', admin: false, write: true, open: false, csrf };
 */
export interface Viewer {
  tenant: string;
  admin: boolean;
  write: boolean;
  open: boolean;
  csrf: string;
}

/**
 * The page shell: header, navigation (by keyboard: a skip link, real links), main.
 *
 * @example
 * c.html(page({ title: 'Overview', current: 'overview', viewer, body: html`<p>hi</p>` }));
 */
export function page(p: { title: string; current: string; viewer: Viewer | null; body: Fragment }): Fragment {
  const nav = p.viewer
    ? PAGES.filter((x) => !x.admin || p.viewer?.admin).map(
        (x) =>
          html`<li><a href="${x.path}"${x.id === p.current ? raw(' aria-current="page"') : ''}>${x.title}</a></li>`,
      )
    : [];
  const who = p.viewer
    ? html`<span class="who">tenant <b>${p.viewer.tenant}</b> · ${
        p.viewer.open ? 'open mode' : p.viewer.admin ? 'admin key' : p.viewer.write ? 'write key' : 'read key'
      }</span>${
        p.viewer.open
          ? ''
          : html`<form method="post" action="/dashboard/logout" class="inline">${csrfField(p.viewer)}<button type="submit">Sign out</button></form>`
      }`
    : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · mnemo dashboard</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css?v=${ASSET_VERSION}">
<script src="/dashboard/assets/dashboard.js?v=${ASSET_VERSION}" defer></script>
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header><a class="brand" href="/dashboard">mnemo</a><nav aria-label="Pages"><ul>${nav}</ul></nav><div class="session">${who}</div></header>
<main id="main" tabindex="-1"><h1>${p.title}</h1>${p.body}</main>
</body></html>`;
}

/**
 * The hidden CSRF field every state-changing form carries.
 *
 * @example
 * html`<form method="post">${csrfField(viewer)}...</form>`
 */
export function csrfField(viewer: Viewer): Fragment {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

/**
 * A horizontal bar chart (SVG, drawn on the server): one labelled bar per row.
 *
 * @example
 * bars('Memories by kind', [{ label: 'fact', value: 3 }])
 */
export function bars(
  title: string,
  rows: { label: string; value: number; text?: string }[],
  unit = '',
  floor = 1e-9,
): Fragment {
  if (rows.length === 0) return html`<p class="empty">${title}: nothing yet.</p>`;
  // `floor`: the smallest full scale, so small values look small (recall signals: 1).
  const max = Math.max(...rows.map((r) => r.value), floor);
  const h = 22;
  const height = rows.length * h + 4;
  const items = rows.map((r, i) => {
    const w = Math.max(0, (r.value / max) * 60);
    return html`<g transform="translate(0 ${i * h + 2})"><text x="0" y="15" class="lbl">${r.label}</text><rect x="35%" y="3" width="${w.toFixed(2)}%" height="14" rx="2"></rect><text x="${(35 + w + 1).toFixed(2)}%" y="15">${r.text ?? `${fmt(r.value)}${unit}`}</text></g>`;
  });
  return html`<figure class="chart"><figcaption>${title}</figcaption><svg role="img" aria-label="${title}" width="100%" height="${height}">${items}</svg></figure>`;
}

/**
 * A column chart over days (SVG): one column per point, its value on hover (title).
 *
 * @example
 * columns('Requests per day', [{ label: '2026-05-08', value: 12 }])
 */
export function columns(title: string, points: { label: string; value: number }[], unit = ''): Fragment {
  if (points.length === 0) return html`<p class="empty">${title}: nothing yet.</p>`;
  const max = Math.max(...points.map((p) => p.value), 1e-9);
  const n = points.length;
  // At least 14 slots wide, so a few days do not make a wall of colour.
  const slot = 100 / Math.max(n, 14);
  const cols = points.map((p, i) => {
    const hgt = (p.value / max) * 100;
    return html`<rect x="${(i * slot + slot * 0.1).toFixed(2)}%" y="${(100 - hgt).toFixed(2)}%" width="${(slot * 0.8).toFixed(2)}%" height="${hgt.toFixed(2)}%"><title>${p.label}: ${fmt(p.value)}${unit}</title></rect>`;
  });
  const first = points[0]?.label ?? '';
  const last = points[n - 1]?.label ?? '';
  return html`<figure class="chart"><figcaption>${title} <small>(max ${fmt(max)}${unit})</small></figcaption><svg class="cols" role="img" aria-label="${title}" width="100%" height="120" preserveAspectRatio="none">${cols}</svg><div class="axis"><span>${first}</span><span>${last}</span></div></figure>`;
}

/**
 * A number for people: whole numbers as they are, others with up to 3 decimals.
 *
 * @example
 * fmt(0.12345) // '0.123'
 */
export function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en') : n.toFixed(3).replace(/\.?0+$/, '');
}

/**
 * A date as `YYYY-MM-DD HH:MM` UTC, or a dash.
 *
 * @example
 * when(new Date(0)) // '1970-01-01 00:00'
 */
export function when(d: Date | string | null | undefined): string {
  if (!d) return '—';
  const x = typeof d === 'string' ? new Date(d) : d;
  return `${x.toISOString().slice(0, 16).replace('T', ' ')}`;
}

/**
 * A text input with its label (every control has one).
 *
 * @example
 * field('user', 'User', query.user)
 */
export function field(name: string, label: string, value: string | undefined, type = 'text'): Fragment {
  return html`<label>${label} <input type="${type}" name="${name}" id="f-${name}" value="${value ?? ''}"></label>`;
}

/**
 * A select with its label.
 *
 * @example
 * select('kind', 'Kind', ['facts', 'episodes'], 'facts')
 */
export function select(
  name: string,
  label: string,
  options: readonly string[],
  value: string | undefined,
): Fragment {
  return html`<label>${label} <select name="${name}" id="f-${name}">${options.map(
    (o) => html`<option value="${o}"${o === value ? raw(' selected') : ''}>${o === '' ? 'any' : o}</option>`,
  )}</select></label>`;
}

/**
 * A message box: a notice, or an error that says what to do.
 *
 * @example
 * notice('error', 'this page needs an admin key')
 */
export function notice(kind: 'info' | 'error', text: string | Fragment): Fragment {
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
