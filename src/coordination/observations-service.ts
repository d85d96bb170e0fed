import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import { defaultContent, insertObservation, lockTenant, selectObservations } from './observations-queries.js';
import {
  type Observation,
  type ObserveInput,
  observeSchema,
  type QueryObservationsInput,
  queryObservationsSchema,
  type SubscribeInput,
  type Subscription,
  subscribeSchema,
} from './observations-schema.js';
import { openSubscription } from './observations-subscribe.js';

/**
 * The observations API; see {@link createObservations}.
 *
 * @example
 * const obs: Observations = mem.observations;
 */
export type Observations = ReturnType<typeof createObservations>;

/**
 * Observations: agents publish what they saw or did into the shared log (episodes
 * with role `event`); others subscribe live with resumable cursors, or query the
 * history by subject, type, agent, time and words.
 *
 * @example
 * const obs = createObservations({ db, clock: systemClock });
 * const sub = await obs.subscribe({ types: ['deploy_failed'] }, (o) => console.log(o.seq, o.content));
 * await obs.observe({ scope: { agent: 'ci' }, subject: 'payments', type: 'deploy_failed', payload: { region: 'eu' } });
 * const recent = await obs.query({ subject: 'payments', since: new Date(Date.now() - 48 * 3600e3) });
 * await sub.close();
 */
export function createObservations({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** Appends an observation and notifies subscribers (at commit). */
    async observe(input: ObserveInput): Promise<Observation> {
      const i = parse(observeSchema, input, 'observation');
      const s = resolveScope(i.scope);
      const now = clock.now();
      return db.transaction(async (tx) => {
        await lockTenant(tx, s.tenant);
        return insertObservation(tx, {
          tenant: s.tenant,
          user: s.user,
          agent: i.agent ?? s.agent,
          session: s.session,
          type: i.type,
          subject: i.subject,
          content: i.content ?? defaultContent(i.type, i.subject, i.payload),
          importance: i.importance ?? 5,
          tags: i.tags ?? [],
          payload: i.payload ?? {},
          now,
        });
      });
    },

    /**
     * Calls `callback` for each matching observation in seq order, exactly once: first
     * those after `cursor` (none without one: only new observations), then live.
     * `close()` stops it; `cursor()` is where to resume.
     */
    async subscribe(
      input: SubscribeInput,
      callback: (o: Observation) => void | Promise<void>,
      onError: (e: unknown) => void = (e) =>
        process.stderr.write(`mnemo subscription: ${(e as Error)?.message ?? String(e)}\n`),
    ): Promise<Subscription> {
      const i = parse(subscribeSchema, input, 'subscription');
      const s = resolveScope(i.scope);
      return openSubscription(
        db,
        {
          tenant: s.tenant,
          types: i.types,
          subjects: i.subjects,
          cursor: i.cursor,
          pollIntervalMs: i.pollIntervalMs ?? 1000,
          onError,
        },
        callback,
      );
    },

    /** Observations of the tenant, newest first (default 50, at most 1000). */
    async query(input: QueryObservationsInput = {}): Promise<Observation[]> {
      const i = parse(queryObservationsSchema, input, 'query');
      const s = resolveScope(i.scope);
      return selectObservations(db, {
        tenant: s.tenant,
        subject: i.subject,
        type: i.type,
        agent: i.agent,
        since: i.since,
        until: i.until,
        text: i.text,
        limit: i.limit ?? 50,
      });
    },
  };
}
