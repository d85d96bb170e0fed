/**
 * The dashboard's sign-in, cookie, CSRF and access rules over HTTP (no browser), on both
 * backends; test/dashboard/dashboard.test.ts drives the pages in Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';

process.env.MNEMO_EMBEDDER ??= 'none';

describeBackends('dashboard sign-in and CSRF', (ctx) => {
  let s: TestServer;
  let url: string;

  before(async () => {
    s = await startServer(ctx.db());
    url = s.server.url;
  });
  after(async () => {
    await s?.close();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });

  async function signIn(key: string): Promise<string> {
    const r = await post('/dashboard/login', form({ key }));
    assert.equal(r.status, 303);
    const cookie = r.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^mnemo_dashboard=[\w-]+;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\/dashboard/);
    return cookie.split(';')[0] as string;
  }

  it('open on loopback while the store has no key; then a page without a session sends the browser to sign in', async () => {
    const open = await fetch(`${url}/dashboard/coordination`, { redirect: 'manual' });
    assert.equal(open.status, 200);
    assert.match(await open.text(), /open mode/);
    await s.key({ scopes: ['read'] });
    const r = await fetch(`${url}/dashboard/coordination`, { redirect: 'manual' });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), '/dashboard/login');
    const bad = await post('/dashboard/login', form({ key: 'mnemo_nope' }));
    assert.equal(bad.status, 401);
    assert.match(await bad.text(), /unknown, revoked or expired key/);
  });

  it('state changes need the session CSRF token and this origin; a read key sees no admin page', async () => {
    const key = await s.key({ scopes: ['read', 'write'] });
    const cookie = await signIn(key);
    const pageHtml = await (await fetch(`${url}/dashboard/coordination`, { headers: { cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(pageHtml)?.[1] ?? '';
    assert.ok(csrf, 'the page carries a CSRF token');
    const id = '00000000-0000-4000-8000-000000000000';
    const none = await post(`/dashboard/tasks/${id}/cancel`, form({}), { cookie });
    assert.equal(none.status, 403);
    const other = await post(`/dashboard/tasks/${id}/cancel`, form({ _csrf: csrf }), {
      cookie,
      origin: 'http://evil.example',
    });
    assert.equal(other.status, 403);
    assert.match(await other.text(), /another origin/);
    const ok = await post(`/dashboard/tasks/${id}/cancel`, form({ _csrf: csrf }), { cookie });
    assert.equal(ok.status, 404, 'past the CSRF check: the task is unknown');
    const keys = await fetch(`${url}/dashboard/keys`, { headers: { cookie } });
    assert.equal(keys.status, 403);
    const signedOut = await post('/dashboard/logout', form({ _csrf: csrf }), { cookie });
    assert.equal(signedOut.status, 303);
    const after = await fetch(`${url}/dashboard`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(after.status, 303, 'the session ended');
  });

  it('a revoked key is signed out; assets are cached, pages are not', async () => {
    const created = await s.keys.create({ tenant: 'acme', scopes: ['read'] });
    const cookie = await signIn(created.key);
    const page = await fetch(`${url}/dashboard`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    await s.keys.revoke({ id: created.record.id });
    const again = await fetch(`${url}/dashboard`, { headers: { cookie }, redirect: 'manual' });
    assert.equal(again.status, 303);
    const css = await fetch(`${url}/dashboard/assets/dashboard.css`);
    assert.equal(css.status, 200);
    assert.match(css.headers.get('cache-control') ?? '', /max-age=86400/);
    assert.match(css.headers.get('content-type') ?? '', /text\/css/);
  });
});
