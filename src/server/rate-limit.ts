import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { MnemoError } from '../errors.js';
import type { ApiKeyRecord } from '../keys/keys-schema.js';
import type { AppEnv } from './server-types.js';
import type { UsageRecorder } from './usage.js';

const MINUTE = 60_000;

/** Timestamps of one key's requests in the last minute (a queue with a moving head). */
class Window {
  private times: number[] = [];
  private head = 0;
  count(now: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - MINUTE) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
  oldest(): number {
    return this.times[this.head];
  }
  push(now: number): void {
    this.times.push(now);
  }
}

function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function nextMonthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

function limited(message: string, retryAfterSeconds: number): MnemoError {
  return new MnemoError('rate_limited', message, { details: { retryAfterSeconds } });
}

/**
 * Per-key limits: requests per minute (an exact sliding window, kept in this
 * process's memory: each server instance counts on its own) and requests per
 * calendar month (UTC), counted from `usage_events` and cached per key for
 * `quotaRefreshMs` between recounts. Rate-limited requests do not count toward the quota.
 *
 * @example
 * const limits = createRateLimiter({ db, clock, usage, quotaRefreshMs: 60_000 });
 * await limits.check(record); // throws rate_limited with details.retryAfterSeconds
 */
export interface RateLimiter {
  check(key: ApiKeyRecord): Promise<void>;
  middleware: MiddlewareHandler<AppEnv>;
}

/**
 * Builds the limiter.
 *
 * @example
 * app.use('/v1/*', createRateLimiter({ db, clock, usage, quotaRefreshMs: 60_000 }).middleware);
 */
export function createRateLimiter(deps: {
  db: Db;
  clock: Clock;
  usage: UsageRecorder;
  quotaRefreshMs: number;
  /** Told about each request refused, by the limit that refused it (metrics). */
  onRefused?: (limit: 'minute' | 'month') => void;
}): RateLimiter {
  const windows = new Map<string, Window>();
  const quotas = new Map<string, { used: number; month: number; fetchedAt: number }>();
  const counting = new Map<string, Promise<number>>();

  async function countMonth(keyId: string, since: Date): Promise<number> {
    const running = counting.get(keyId);
    if (running) return running;
    const p = (async () => {
      await deps.usage.flush();
      const { rows } = await deps.db.query<{ n: number }>(
        `select count(*)::int as n from usage_events
         where key_id = $1 and created_at >= $2 and status <> 429`,
        [keyId, since],
      );
      return rows[0].n;
    })();
    counting.set(keyId, p);
    try {
      return await p;
    } finally {
      counting.delete(keyId);
    }
  }

  function checkMinute(key: ApiKeyRecord, now: number): Window {
    let w = windows.get(key.id);
    if (!w) {
      w = new Window();
      windows.set(key.id, w);
    }
    if (w.count(now) >= key.rateLimitPerMinute) {
      deps.onRefused?.('minute');
      const retry = Math.max(1, Math.ceil((w.oldest() + MINUTE - now) / 1000));
      throw limited(
        `rate limit of ${key.rateLimitPerMinute} requests per minute reached for key ${key.prefix}: retry in ${retry} s`,
        retry,
      );
    }
    return w;
  }

  async function checkMonth(key: ApiKeyRecord, now: Date): Promise<void> {
    if (key.monthlyQuota === null) return;
    const month = monthStart(now).getTime();
    let q = quotas.get(key.id);
    if (!q || q.month !== month || now.getTime() - q.fetchedAt >= deps.quotaRefreshMs) {
      const used = await countMonth(key.id, new Date(month));
      q = { used, month, fetchedAt: now.getTime() };
      quotas.set(key.id, q);
    }
    if (q.used >= key.monthlyQuota) {
      deps.onRefused?.('month');
      const next = nextMonthStart(now);
      const retry = Math.max(1, Math.ceil((next.getTime() - now.getTime()) / 1000));
      throw limited(
        `monthly quota of ${key.monthlyQuota} requests used up for key ${key.prefix}: it resets on ${next.toISOString()}`,
        retry,
      );
    }
    q.used++;
  }

  async function check(key: ApiKeyRecord): Promise<void> {
    const now = deps.clock.now();
    const minute = checkMinute(key, now.getTime());
    await checkMonth(key, now);
    // Counted only once both limits let it through.
    minute.push(now.getTime());
  }

  return {
    check,
    middleware: async (c, next) => {
      const key = c.get('auth')?.key;
      if (key) await check(key);
      await next();
    },
  };
}
