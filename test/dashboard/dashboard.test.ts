/**
 * The dashboard end to end: Debian's Chromium (headless, through playwright-core; never a
 * downloaded browser) against `mnemo serve` on each backend, seeded through the HTTP API.
 * Writes a screenshot of each page at desktop and phone width to test-output/dashboard-screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { systemClock } from '../../src/clock.js';
import { startServer, type TestServer } from '../server/server-helpers.js';
import { describeBackends } from '../support/backends.js';

process.env.MNEMO_EMBEDDER ??= 'none';

const CHROMIUM = process.env.MNEMO_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(import.meta.dirname, '../../test-output/dashboard-screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const PAGES = [
  ['overview', '/dashboard'],
  ['memory', '/dashboard/memory?kind=facts'],
  ['recall', '/dashboard/recall?query=Lyon'],
  ['facts', '/dashboard/facts'],
  ['coordination', '/dashboard/coordination'],
  ['keys', '/dashboard/keys'],
  ['health', '/dashboard/health'],
] as const;

let browser: Browser;

before(async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does`,
  );
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
});

async function signIn(ctx: BrowserContext, url: string, key: string): Promise<Page> {
  const page = await ctx.newPage();
  await page.goto(`${url}/dashboard`);
  assert.match(page.url(), /\/dashboard\/login$/, 'a browser without a session is sent to sign in');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/dashboard$/);
  return page;
}

describeBackends('dashboard', (ctx) => {
  let s: TestServer;
  let admin: string;
  let reader: string;
  let page: Page;
  let context: BrowserContext;
  const ids: { paris: string; lyon: string; failed: string } = { paris: '', lyon: '', failed: '' };

  before(async () => {
    s = await startServer(ctx.db(), { config: { clock: systemClock, usageFlushMs: 100 } });
    admin = await s.key({ scopes: ['read', 'write', 'admin'], name: 'ops' });
    reader = await s.key({ scopes: ['read'], name: 'viewer' });
    const api = async (method: string, path: string, json?: unknown) => {
      const r = await s.call(path, { key: admin, method, json });
      assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
      return r.body;
    };
    const ep = await api('POST', '/v1/episodes', {
      scope: { user: 'alice', session: 's1' },
      role: 'user',
      content: 'I moved from Paris to Lyon in March',
    });
    const paris = await api('POST', '/v1/facts', {
      scope: { user: 'alice' },
      subject: 'alice.city',
      content: 'Alice lives in Paris',
      validFrom: '2026-01-01T00:00:00Z',
      sourceEpisodeIds: [ep.id],
    });
    const moved = await api('POST', `/v1/facts/${paris.id}/supersede`, {
      scope: { user: 'alice' },
      fact: {
        subject: 'alice.city',
        content: 'Alice lives in Lyon',
        validFrom: '2026-03-01T00:00:00Z',
        sourceEpisodeIds: [ep.id],
      },
    });
    ids.paris = paris.id;
    ids.lyon = moved.new.id;
    await api('PUT', '/v1/brain/identity.name', { scope: { user: 'alice' }, value: 'Alice' });
    await api('POST', '/v1/decisions', {
      scope: { user: 'alice' },
      subject: 'deploy',
      context: 'how to deploy',
      chosen: 'blue-green',
      reasoning: 'no downtime',
    });
    await api('POST', '/v1/facts', {
      scope: { user: 'bob', agent: 'a1' },
      subject: 'deploy.day',
      content: 'Deploys go out on Friday',
    });
    await api('POST', '/v1/facts', {
      scope: { user: 'bob', agent: 'a2' },
      subject: 'deploy.day',
      content: 'Deploys never go out on Friday',
    });
    const task = await api('POST', '/v1/tasks', {
      queue: 'crawl',
      payload: { url: 'https://example.org' },
      maxAttempts: 1,
    });
    await api('POST', '/v1/tasks/claim', { queue: 'crawl', agent: 'w1' });
    await api('POST', `/v1/tasks/${task.id}/fail`, { agent: 'w1', error: 'timeout', retry: false });
    ids.failed = task.id;
    await api('POST', '/v1/observations', {
      scope: { agent: 'ci' },
      subject: 'payments',
      type: 'deploy',
      content: 'v1 shipped',
    });
    context = await browser.newContext({ viewport: DESKTOP });
    page = await signIn(context, s.server.url, admin);
  });

  after(async () => {
    await context?.close();
    await s?.close();
  });

  it('every page loads for an admin, at desktop and phone width (screenshots)', async () => {
    for (const [name, path] of PAGES) {
      await page.setViewportSize(DESKTOP);
      const res = await page.goto(`${s.server.url}${path}`);
      assert.equal(res?.status(), 200, `${path}: ${await page.textContent('main')}`);
      assert.ok(await page.locator('main h1').isVisible(), `${path} has its title`);
      await page.screenshot({ path: join(SHOTS, `${ctx.backend}-${name}-desktop.png`), fullPage: true });
      await page.setViewportSize(PHONE);
      await page.screenshot({ path: join(SHOTS, `${ctx.backend}-${name}-phone.png`), fullPage: true });
      // Every control has a label (a <label> around it, aria-label or a hidden field).
      const unlabelled = await page.$$eval('input:not([type=hidden]), select', (els) =>
        els.filter((e) => !e.closest('label') && !e.getAttribute('aria-label')).map((e) => e.outerHTML),
      );
      assert.deepEqual(unlabelled, [], `${path}: controls without a label`);
    }
    await page.setViewportSize(DESKTOP);
  });

  it('the overview shows memories by kind and requests per day; the keyboard reaches the content first', async () => {
    await page.goto(`${s.server.url}/dashboard`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate('document.activeElement?.id'), 'main');
    assert.equal(await page.locator('svg[aria-label="Memories by kind"] rect').count(), 4);
    assert.ok(
      (await page.locator('svg[aria-label="Requests per day"] rect').count()) >= 1,
      'a column for today',
    );
  });

  it('the recall playground draws explain bars and the context block with its tokens', async () => {
    await page.goto(`${s.server.url}/dashboard/recall`);
    await page.getByLabel('Query').fill('where does Alice live Lyon');
    await page.getByRole('button', { name: 'Show' }).click();
    const first = page.locator('.item').first();
    assert.match((await first.textContent()) ?? '', /Lyon/);
    const bars = first.locator('svg[aria-label="Signals of item 1"] rect');
    assert.equal(await bars.count(), 8, 'one bar per signal');
    const widths = await bars.evaluateAll((rs) =>
      rs.map((r) => Number.parseFloat(r.getAttribute('width') ?? '0')),
    );
    assert.ok(
      widths.some((w) => w > 0),
      `some signal is drawn: ${widths}`,
    );
    assert.match((await page.locator('h2', { hasText: 'Context block' }).textContent()) ?? '', /\d+ tokens/);
    assert.match((await page.locator('pre.context').textContent()) ?? '', /Lyon/);
  });

  it("a fact's timeline and the as-of date change what is shown", async () => {
    await page.goto(`${s.server.url}/dashboard/facts/${ids.lyon}`);
    assert.equal(await page.locator('.timeline .step').count(), 2);
    assert.match((await page.locator('.step.believed').textContent()) ?? '', /Lyon/);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /I moved from Paris to Lyon/,
      'its source episode',
    );
    await page.getByLabel('As of (UTC)').fill('2026-02-01T00:00');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/asOf=/);
    assert.match((await page.locator('.step.believed').textContent()) ?? '', /Paris/);
    await page.screenshot({ path: join(SHOTS, `${ctx.backend}-fact-timeline-desktop.png`), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SHOTS, `${ctx.backend}-fact-timeline-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
    await page.goto(`${s.server.url}/dashboard/facts?user=alice&asOf=2026-02-01T00:00`);
    const rows = (await page.locator('table tbody').textContent()) ?? '';
    assert.match(rows, /Paris/);
    assert.doesNotMatch(rows, /Lyon/);
  });

  it('an observation published through the API appears live', async () => {
    await page.goto(`${s.server.url}/dashboard/coordination`);
    await page.locator('#live-state', { hasText: 'live' }).waitFor({ timeout: 10_000 });
    const r = await s.call('/v1/observations', {
      key: admin,
      method: 'POST',
      json: { scope: { agent: 'ci' }, subject: 'payments', type: 'deploy_failed', content: 'v2 rolled back' },
    });
    assert.equal(r.status, 201, r.text);
    await page.locator('#observations li', { hasText: 'v2 rolled back' }).waitFor({ timeout: 10_000 });
  });

  it('a failed task is retried and a conflict resolved from the board', async () => {
    await page.goto(`${s.server.url}/dashboard/coordination`);
    assert.match((await page.locator('.conflict').first().textContent()) ?? '', /deploy\.day/);
    await page.locator('tr', { hasText: 'timeout' }).getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL(/done=/);
    assert.match((await page.locator('.notice').textContent()) ?? '', /Task retried/);
    await page.locator('.conflict').first().getByRole('button', { name: 'Keep both' }).click();
    await page.waitForURL(/done=Conflict/);
    assert.equal(await page.locator('.conflict').count(), 0, 'the resolved conflict left the board');
    const r = await s.call('/v1/tasks?queue=crawl', { key: admin });
    assert.deepEqual(r.body.items.map((t: { status: string }) => t.status).sort(), ['failed', 'open']);
  });

  it('an admin creates a key (shown once) and revokes it', async () => {
    await page.goto(`${s.server.url}/dashboard/keys`);
    await page.getByLabel('Name').fill('made-in-browser');
    await page.getByRole('button', { name: 'Create' }).click();
    const raw = (await page.locator('#new-key').textContent()) ?? '';
    assert.match(raw, /^mnemo_/);
    assert.equal((await s.call('/v1/whoami', { key: raw })).status, 200, 'the new key works');
    await page.goto(`${s.server.url}/dashboard/keys`);
    assert.equal(await page.locator('#new-key').count(), 0, 'shown once');
    await page.getByRole('button', { name: 'Revoke made-in-browser' }).click();
    await page.waitForURL(/\/dashboard\/keys$/);
    assert.equal((await s.call('/v1/whoami', { key: raw })).status, 401, 'revoked');
  });

  it('a read key cannot reach admin pages nor change anything; a post without the CSRF token is refused', async () => {
    const readCtx = await browser.newContext({ viewport: DESKTOP });
    try {
      const p = await signIn(readCtx, s.server.url, reader);
      assert.equal(await p.locator('nav a', { hasText: 'Keys and usage' }).count(), 0);
      for (const path of ['/dashboard/keys', '/dashboard/health']) {
        const res = await p.goto(`${s.server.url}${path}`);
        assert.equal(res?.status(), 403, path);
        assert.match((await p.textContent('main')) ?? '', /needs an admin key/);
      }
      await p.goto(`${s.server.url}/dashboard/coordination`);
      assert.equal(await p.getByRole('button', { name: 'Retry' }).count(), 0, 'no write buttons');
      const csrf = await p.locator('input[name=_csrf]').first().inputValue();
      const retry = await p.request.post(`${s.server.url}/dashboard/tasks/${ids.failed}/retry`, {
        form: { _csrf: csrf },
      });
      assert.equal(retry.status(), 403, 'a read key cannot retry');
      const noToken = await page.request.post(`${s.server.url}/dashboard/tasks/${ids.failed}/retry`, {
        form: {},
      });
      assert.equal(noToken.status(), 403, 'no CSRF token');
      assert.match(await noToken.text(), /CSRF/);
      const cookie = (await readCtx.cookies()).find((c) => c.name === 'mnemo_dashboard');
      assert.equal(cookie?.httpOnly, true);
      assert.equal(cookie?.sameSite, 'Strict');
    } finally {
      await readCtx.close();
    }
  });
});
