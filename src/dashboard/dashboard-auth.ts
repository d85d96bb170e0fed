/**
 * Who is looking at the dashboard. A browser cannot send a bearer header when it follows
 * a link, so the sign-in form takes an API key once and the server keeps it in a session
 * of its own memory; the browser only holds the session id, in an `HttpOnly`,
 * `SameSite=Strict` cookie. Every state-changing request carries a CSRF token bound to
 * that session (and, in open loopback mode, to this process) and, when the browser sends
 * one, an `Origin` of this host.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { MnemoError } from '../errors.js';
import { KEY_SCOPES } from '../keys/keys-schema.js';
import type { Keys } from '../keys/keys-service.js';
import { hasScope, OPEN_TENANT } from '../server/auth-middleware.js';
import type { AppEnv, AuthInfo } from '../server/server-types.js';
import type { Viewer } from './dashboard-html.js';

/**
 * The session cookie's name.
 *
 * @example
 * getCookie(c, SESSION_COOKIE)
 */
export const SESSION_COOKIE = 'mnemo_dashboard';
/** How long a sign-in lasts, in seconds (12 hours). */
const SESSION_SECONDS = 12 * 3600;

/**
 * The dashboard's Hono environment: the API's, plus who looks (`viewer`).
 *
 * @example
 * dash.get('/', (c) => c.text(c.get('viewer').tenant));
 */
export type DashEnv = { Variables: AppEnv['Variables'] & { viewer: Viewer } };

/**
 * The dashboard's sessions and CSRF tokens, kept in this process (a restart signs everyone out).
 *
 * @example
 * const sessions = createSessions({ keys, openMode: true });
 */
export function createSessions(deps: { keys: Keys; openMode: boolean }) {
  const secret = randomBytes(32);
  const sessions = new Map<string, { key: string; expires: number }>();
  const csrfFor = (sid: string) => createHmac('sha256', secret).update(`csrf:${sid}`).digest('base64url');

  async function authOf(c: Context<DashEnv>): Promise<{ auth: AuthInfo; sid: string } | null> {
    const sid = getCookie(c, SESSION_COOKIE);
    const s = sid ? sessions.get(sid) : undefined;
    if (sid && s) {
      if (s.expires < Date.now()) sessions.delete(sid);
      else {
        try {
          const key = await deps.keys.verify(s.key); // revoked or disabled since: signed out
          return { auth: { tenant: key.tenant, keyId: key.id, scopes: key.scopes, open: false, key }, sid };
        } catch {
          sessions.delete(sid);
        }
      }
    }
    if (deps.openMode && (await deps.keys.count()) === 0)
      return {
        auth: { tenant: OPEN_TENANT, keyId: null, scopes: [...KEY_SCOPES], open: true, key: null },
        sid: 'open',
      };
    return null;
  }

  return {
    /** Signs in with a raw API key: a new session, its cookie set. Throws `unauthorized` for an unknown key. */
    async signIn(c: Context<DashEnv>, rawKey: string): Promise<void> {
      await deps.keys.verify(rawKey.trim());
      const sid = randomBytes(24).toString('base64url');
      sessions.set(sid, { key: rawKey.trim(), expires: Date.now() + SESSION_SECONDS * 1000 });
      setCookie(c, SESSION_COOKIE, sid, {
        path: '/dashboard',
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https',
        maxAge: SESSION_SECONDS,
      });
    },
    signOut(c: Context<DashEnv>): void {
      const sid = getCookie(c, SESSION_COOKIE);
      if (sid) sessions.delete(sid);
      deleteCookie(c, SESSION_COOKIE, { path: '/dashboard' });
    },
    /**
     * Sets `auth` and `viewer`; sends a browser without a session to the sign-in page, and
     * refuses a state-changing request without this session's CSRF token or from another origin.
     */
    middleware(): MiddlewareHandler<DashEnv> {
      return async (c, next) => {
        const found = await authOf(c);
        if (!found) {
          if (c.req.method === 'GET') return c.redirect('/dashboard/login', 303);
          throw new MnemoError('unauthorized', 'sign in to the dashboard first (/dashboard/login)');
        }
        const { auth, sid } = found;
        c.set('auth', auth);
        const csrf = csrfFor(sid);
        c.set('viewer', {
          tenant: auth.tenant,
          admin: hasScope(auth, 'admin'),
          write: hasScope(auth, 'write'),
          open: auth.open,
          csrf,
        });
        if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
          checkOrigin(c);
          const body = await c.req.parseBody();
          const sent = typeof body._csrf === 'string' ? body._csrf : (c.req.header('x-csrf-token') ?? '');
          if (!same(sent, csrf))
            throw new MnemoError('forbidden', 'missing or stale CSRF token: reload the page and try again');
        }
        await next();
      };
    },
  };
}

/**
 * Refuses a request whose `Origin` (sent by browsers on every POST) is not this host.
 *
 * @example
 * checkOrigin(c); // throws forbidden for a form posted from another site
 */
export function checkOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return;
  const host = c.req.header('host');
  let ok = false;
  try {
    ok = new URL(origin).host === host;
  } catch {
    ok = false;
  }
  if (!ok) throw new MnemoError('forbidden', `a dashboard form was posted from another origin (${origin})`);
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
