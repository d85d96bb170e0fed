import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import {
  LOCK_TENANT,
  MAX_SEQ,
  OBS_COLUMNS,
  OBSERVATIONS_CHANNEL,
  type ObservationRow,
  toObservation,
} from './observations-queries.js';
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

  const fetchAfter = async (after: number): Promise<ObservationRow[]> => {
    const q = new Params();
    let sql = `select ${OBS_COLUMNS} from episodes
      where tenant_id = ${q.add(p.tenant)} and role = 'event' and seq > ${q.add(after)}::bigint`;
    if (p.types?.length) sql += ` and event_type = any(${q.add(p.types)}::text[])`;
    if (p.subjects?.length) sql += ` and subject = any(${q.add(p.subjects)}::text[])`;
    sql += ` order by seq limit ${BATCH}`;
    return (await db.query<ObservationRow>(sql, q.values)).rows;
  };

  const drain = async () => {
    do {
      again = false;
      for (;;) {
        const rows = await fetchAfter(cursor);
        for (const r of rows) {
          if (closed) return;
          const o = toObservation(r);
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
        await tx.query(LOCK_TENANT, [p.tenant]);
        const { rows } = await tx.query<{ seq: number }>(MAX_SEQ, [p.tenant]);
        return Number(rows[0].seq);
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
