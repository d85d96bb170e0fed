/**
 * The dashboard at `/dashboard`: server-rendered pages over the same memory API as every
 * other interface, signed in with the API's keys. Loaded by the server only.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { observationSchema } from '../coordination/observations-schema.js';
import { errorStatus, isMnemoError } from '../errors.js';
import type { Keys } from '../keys/keys-service.js';
import type { LocalMemory } from '../memory.js';
import type { AppEnv, ResolvedServerConfig } from '../server/server-types.js';
import { openSse } from '../server/sse.js';
import { tenantContext } from '../server/tenant-middleware.js';
import { ASSETS } from './dashboard-assets.js';
import { checkOrigin, createSessions, type DashEnv } from './dashboard-auth.js';
import { type Fragment, notice, PAGES, page } from './dashboard-html.js';
import { createKeyFromForm, healthPage, keysPage, revokeKey } from './pages-admin.js';
import { cancelTask, coordinationPage, resolveConflict, retryTask } from './pages-coordination.js';
import { factsPage, factTimelinePage } from './pages-facts.js';
import { memoryPage, overviewPage, recallPage } from './pages-memory.js';

/** Pages are private and change with every write: never kept by a cache. */
const NO_STORE = { 'cache-control': 'no-store' };

function loginPage(error?: string): Fragment {
  return page({
    title: 'Sign in',
    current: '',
    viewer: null,
    body: html`${error ? notice('error', error) : ''}<form method="post" action="/dashboard/login" class="login">
<label>API key <input type="password" name="key" id="f-key" autocomplete="off" required></label>
<p><button type="submit">Sign in</button></p>
<p class="empty">A read key sees its tenant; an admin key also sees keys and store health. Create one with <code>mnemo keys create --tenant T</code>.</p></form>`,
  });
}

/**
 * Mounts the dashboard on the app: `/dashboard` and its pages, `/dashboard/login`, and
 * `/dashboard/assets/*` (cached a day; the pages link them by content hash).
 *
 * @example
 * registerDashboard(app, { memory, keys, config });
 */
export function registerDashboard(
  app: Hono<AppEnv>,
  deps: { memory: LocalMemory; keys: Keys; config: ResolvedServerConfig },
): void {
  const dash = new Hono<DashEnv>();
  const sessions = createSessions({ keys: deps.keys, openMode: deps.config.openMode });

  dash.onError((e, c) => {
    const status = isMnemoError(e) ? errorStatus[e.code] : 500;
    if (status === 500) deps.config.logger.error('dashboard: request failed', e);
    const message = isMnemoError(e) ? e.message : 'the server failed: see its log';
    if (status === 401) return c.html(loginPage(message), 401, NO_STORE);
    const viewer = c.get('viewer') ?? null;
    return c.html(
      page({ title: `Error ${status}`, current: '', viewer, body: notice('error', message) }),
      status as 400,
      NO_STORE,
    );
  });

  dash.get('/assets/:file', (c) => {
    const a = ASSETS.get(c.req.param('file'));
    if (!a) return c.text('not found', 404);
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=86400' });
  });
  dash.get('/login', (c) => c.html(loginPage(), 200, NO_STORE));
  dash.post('/login', async (c) => {
    checkOrigin(c);
    const body = await c.req.parseBody();
    const key = typeof body.key === 'string' ? body.key : '';
    try {
      await sessions.signIn(c, key);
    } catch (e) {
      if (isMnemoError(e) && e.code === 'unauthorized')
        return c.html(loginPage('unknown, revoked or expired key: check it and try again'), 401, NO_STORE);
      throw e;
    }
    return c.redirect('/dashboard', 303);
  });

  dash.use('*', sessions.middleware());
  dash.post('/logout', (c) => {
    sessions.signOut(c);
    return c.redirect('/dashboard/login', 303);
  });

  // Live observations: the store's memory (no transaction held open), the viewer's tenant.
  dash.get('/observations/stream', async (c) => {
    const n = Number(c.req.query('cursor'));
    const header = c.req.header('last-event-id');
    const cursor =
      header && /^\d+$/.test(header) ? Number(header) : Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    const response = await openSse(c as unknown as Context<AppEnv>, {
      heartbeatMs: 15_000,
      logger: deps.config.logger,
      open: async (send) => {
        const sub = await deps.memory.observations.subscribe(
          { scope: { tenant: c.get('viewer').tenant }, cursor },
          (o) =>
            send({
              id: String(o.seq),
              event: 'observation',
              data: JSON.stringify(z.encode(observationSchema, o)),
            }),
          (e) => deps.config.logger.error('dashboard observation stream: delivery failed', e),
        );
        return () => sub.close();
      },
    });
    return response;
  });

  // Everything else runs as the API does: in the viewer's tenant (row-level security on PostgreSQL).
  dash.use('*', tenantContext(deps.memory) as unknown as Parameters<typeof dash.use>[1]);

  const render =
    (id: (typeof PAGES)[number]['id'], body: (c: Context<DashEnv>) => Promise<Fragment>) =>
    async (c: Context<DashEnv>) => {
      const title = PAGES.find((p) => p.id === id)?.title ?? id;
      return c.html(
        page({ title, current: id, viewer: c.get('viewer'), body: await body(c) }),
        200,
        NO_STORE,
      );
    };
  dash.get('/', render('overview', overviewPage));
  dash.get('/memory', render('memory', memoryPage));
  dash.get('/recall', render('recall', recallPage));
  dash.get('/facts', render('facts', factsPage));
  dash.get('/facts/:id', render('facts', factTimelinePage));
  dash.get('/coordination', render('coordination', coordinationPage));
  dash.post('/tasks/:id/retry', retryTask);
  dash.post('/tasks/:id/cancel', cancelTask);
  dash.post('/conflicts/:id/resolve', resolveConflict);
  dash.get(
    '/keys',
    render('keys', (c) => keysPage(c, deps.keys)),
  );
  dash.post('/keys', async (c) => {
    const raw = await createKeyFromForm(c, deps.keys);
    // Shown once, on this response only (never in a URL, never stored).
    const title = 'Keys and usage';
    return c.html(
      page({ title, current: 'keys', viewer: c.get('viewer'), body: await keysPage(c, deps.keys, raw) }),
      201,
      NO_STORE,
    );
  });
  dash.post('/keys/:id/revoke', async (c) => {
    await revokeKey(c, deps.keys);
    return c.redirect('/dashboard/keys', 303);
  });
  dash.get('/health', render('health', healthPage));

  app.route('/dashboard', dash as unknown as Hono<AppEnv>);
}
