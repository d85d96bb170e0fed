/** Admin pages: keys and their usage (create, revoke), and the store's health (`stats`). */
import type { Context } from 'hono';
import { html } from 'hono/html';
import { MnemoError } from '../errors.js';
import { KEY_SCOPES, type KeyScope } from '../keys/keys-schema.js';
import type { Keys } from '../keys/keys-service.js';
import type { DashEnv } from './dashboard-auth.js';
import { bars, csrfField, type Fragment, field, fmt, notice, when } from './dashboard-html.js';
import { table } from './pages-memory.js';

/**
 * Refuses a viewer without the admin scope (403).
 *
 * @example
 * needAdmin(c);
 */
export function needAdmin(c: Context<DashEnv>): void {
  if (!c.get('viewer').admin)
    throw new MnemoError(
      'forbidden',
      'this page needs an admin key: sign in with a key that has the "admin" scope',
    );
}

/**
 * Keys with scope, tier and last use; per-key requests, quota used and refusals this
 * month; create (the new key shown once) and revoke.
 *
 * @example
 * dash.get('/keys', async (c) => c.html(page({ ..., body: await keysPage(c, keys) })));
 */
export async function keysPage(c: Context<DashEnv>, keys: Keys, created?: string): Promise<Fragment> {
  needAdmin(c);
  const v = c.get('viewer');
  const list = await keys.list({ tenant: v.tenant });
  const report = await c.get('memory').usage({ scope: { tenant: v.tenant } });
  const usage = report.tenants.find((t) => t.tenant === v.tenant)?.keys ?? [];
  const label = (id: string | null, prefix: string | null) =>
    id === null ? 'no key (open mode)' : list.find((k) => k.id === id)?.name || prefix || id;
  const rows = list.map((k) => [
    k.name || '—',
    html`<code>${k.prefix}</code>`,
    k.scopes.join(', '),
    k.tier,
    k.revokedAt ? `revoked ${when(k.revokedAt)}` : k.enabled ? 'active' : 'disabled',
    when(k.lastUsedAt),
    k.revokedAt
      ? ''
      : html`<form method="post" action="/dashboard/keys/${k.id}/revoke" class="inline">${csrfField(v)}<button type="submit" aria-label="Revoke ${k.name || k.prefix}">Revoke</button></form>`,
  ]);
  return html`${
    created
      ? notice('info', html`New key, shown this once: copy it now. <code id="new-key">${created}</code>`)
      : ''
  }
${table(`Keys of ${v.tenant}: ${list.length}`, ['name', 'prefix', 'scopes', 'tier', 'state', 'last used', ''], rows)}
<h2>Usage in ${report.month}</h2>
<div class="grid">
${bars(
  'Requests per key',
  usage.map((u) => ({ label: label(u.keyId, u.prefix), value: u.requests })),
)}
${bars(
  'Quota used per key',
  usage.map((u) => ({
    label: label(u.keyId, u.prefix),
    value: u.quotaUsed,
    text: `${fmt(u.quotaUsed)}${u.monthlyQuota === null ? '' : ` of ${fmt(u.monthlyQuota)}`}`,
  })),
)}
${bars(
  'Rate-limit refusals per key',
  usage.map((u) => ({ label: label(u.keyId, u.prefix), value: u.refused })),
)}
</div>
<h2>Create a key</h2>
<form method="post" action="/dashboard/keys" class="filters" aria-label="Create a key">${csrfField(v)}
${field('name', 'Name', '')}
<fieldset><legend>Scopes</legend>${KEY_SCOPES.map(
    (s) =>
      html`<label><input type="checkbox" name="scopes" value="${s}"${s === 'admin' ? '' : html` checked`}> ${s}</label>`,
  )}</fieldset>
${field('tier', 'Tier (optional)', '')}<button type="submit">Create</button></form>`;
}

/**
 * Creates a key of the viewer's tenant from the form; returns the raw key (shown once).
 *
 * @example
 * const raw = await createKeyFromForm(c, keys);
 */
export async function createKeyFromForm(c: Context<DashEnv>, keys: Keys): Promise<string> {
  needAdmin(c);
  const body = await c.req.parseBody({ all: true });
  const scopes = ([] as unknown[])
    .concat(body.scopes ?? [])
    .filter((s): s is KeyScope => (KEY_SCOPES as readonly unknown[]).includes(s));
  const name = typeof body.name === 'string' && body.name.trim() ? body.name.trim() : undefined;
  const tier = typeof body.tier === 'string' && body.tier.trim() ? body.tier.trim() : undefined;
  const created = await keys.create({
    tenant: c.get('viewer').tenant,
    name,
    tier,
    scopes: scopes.length ? scopes : undefined,
  });
  return created.key;
}

/**
 * Revokes a key of the viewer's tenant.
 *
 * @example
 * dash.post('/keys/:id/revoke', async (c) => { await revokeKey(c, keys); ... });
 */
export async function revokeKey(c: Context<DashEnv>, keys: Keys): Promise<void> {
  needAdmin(c);
  await keys.revoke({ id: c.req.param('id') ?? '', tenant: c.get('viewer').tenant });
}

/** Bytes for people: B, kB, MB or GB (1024-based). */
function mb(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Store health: the figures of `stats` (issue 4) for an operator.
 *
 * @example
 * dash.get('/health', async (c) => c.html(page({ ..., body: await healthPage(c) })));
 */
export async function healthPage(c: Context<DashEnv>): Promise<Fragment> {
  needAdmin(c);
  const s = await c.get('memory').stats({ scope: { tenant: c.get('viewer').tenant } });
  const db = s.database;
  return html`<section class="cards" aria-label="Store">
<div class="card"><b>${s.engine}</b><span>engine</span></div>
<div class="card"><b>${mb(db.sizeBytes)}</b><span>database size${db.maxSizeBytes ? ` of ${mb(db.maxSizeBytes)}` : ''}</span></div>
<div class="card"><b>${db.cacheHitRatio === null ? '—' : `${(db.cacheHitRatio * 100).toFixed(1)}%`}</b><span>buffer cache hit ratio</span></div>
<div class="card"><b>${db.connections ? `${db.connections.used}/${db.connections.max}` : '—'}</b><span>connections</span></div>
<div class="card"><b>${s.embeddings.model ?? '—'}</b><span>embedding model</span></div>
</section>
${s.warnings.length ? html`<ul class="warnings">${s.warnings.map((w) => html`<li>${w.message}</li>`)}</ul>` : notice('info', 'No threshold crossed.')}
<div class="grid">
${bars(
  'Rows by table',
  Object.entries(s.rows).map(([label, value]) => ({ label, value })),
)}
${bars(
  'Embedding backlog',
  Object.entries(s.embeddings.pending).map(([label, value]) => ({ label, value })),
)}
</div>
${table(
  'Tables',
  ['table', 'total', 'rows', 'indexes'],
  db.tables.map((t) => [t.table, mb(t.totalBytes), mb(t.tableBytes), mb(t.indexBytes)]),
)}
${table(
  'Tasks by queue and status',
  ['queue', 'status', 'count'],
  s.tasks.map((t) => [t.queue, t.status, fmt(t.count)]),
)}
${table(
  'Slowest statements',
  ['query', 'calls', 'mean ms', 'max ms'],
  (db.slowStatements ?? []).map((q) => [q.query, fmt(q.calls), fmt(q.meanMs), fmt(q.maxMs)]),
)}
${table(
  'Not available on this engine',
  ['figure', 'why'],
  s.unavailable.map((u) => [u.figure, u.reason]),
)}`;
}
