import type { Db } from '../db/db.js';
import { lockTenant, maxSeq, OBSERVATIONS_CHANNEL, selectAfter } from './observations-queries.js';
import type { Observation, Subscription } from './observations-schema.js';

/** What a subscription needs, already validated. */
export interface SubscribeParams {
  tenant: string;
  types?: string[];
  subjects?: string[];
  cursor?: number;
  pollIntervalMs: number;
  onError: (e: unknown) => void;
}

const BATCH = 500;

/**
 * Delivers a tenant's observations after `cursor` in seq order, exactly once, then
 * live: woken by NOTIFY and by a polling safety net. One pump runs at a time and the
 * cursor only moves past what was handed to the callback.
 */
export async function openSubscription(
  db: Db,
  p: SubscribeParams,
  callback: (o: Observation) => void | Promise<void>,
): Promise<Subscription> {
  let closed = false;
  let pumping: Promise<void> | null = null;
  let again = false;
  // Set once the starting point is known; until then notifications are ignored (the first pump catches up).
  let cursor = Number.POSITIVE_INFINITY;

  const fetchAfter = (after: number) =>
    selectAfter(db, { tenant: p.tenant, after, types: p.types, subjects: p.subjects, limit: BATCH });

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        const rows = await fetchAfter(cursor);
        for (const o of rows) {
          if (closed) return;
          try {
            await callback(o);
          } catch (e) {
            p.onError(e);
          }
          cursor = o.seq;
        }
        if (rows.length < BATCH) break;
      }
    } while (again && !closed);
  };

  const pump = () => {
    if (closed) return;
    if (pumping) {
      again = true;
      return;
    }
    pumping = drain()
      .catch((e) => p.onError(e))
      .finally(() => {
        pumping = null;
      });
  };

  // Listen first, then fix the starting point: nothing committed in between is missed.
  const unlisten = await db.listen(OBSERVATIONS_CHANNEL, (payload) => {
    try {
      const m = JSON.parse(payload) as { tenant?: string; seq?: number };
      if (m.tenant === p.tenant && Number(m.seq) > cursor) pump();
    } catch {
      // Not ours: ignore.
    }
  });
  try {
    cursor =
      p.cursor ??
      (await db.transaction(async (tx) => {
        await lockTenant(tx, p.tenant);
        return maxSeq(tx, p.tenant);
      }));
  } catch (e) {
    await unlisten();
    throw e;
  }
  const timer = setInterval(pump, p.pollIntervalMs);
  pump();

  return {
    cursor: () => cursor,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      await unlisten();
      await pumping;
    },
  };
}
