import type { Clock } from '../clock.js';
import type { Db } from '../db/db.js';
import { Params } from '../db/sql.js';
import { resolveScope } from '../scope.js';
import { parse } from '../validation.js';
import {
  defaultContent,
  INSERT_OBSERVATION,
  LOCK_TENANT,
  OBS_COLUMNS,
  type ObservationRow,
  toObservation,
} from './observations-queries.js';
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
      const row = await db.transaction(async (tx) => {
        await tx.query(LOCK_TENANT, [s.tenant]);
        const { rows } = await tx.query<ObservationRow>(INSERT_OBSERVATION, [
          s.tenant,
          s.user,
          i.agent ?? s.agent,
          s.session,
          i.type,
          i.subject,
          i.content ?? defaultContent(i.type, i.subject, i.payload),
          i.importance ?? 5,
          i.tags ?? [],
          JSON.stringify(i.payload ?? {}),
          now,
        ]);
        return rows[0];
      });
      return toObservation(row);
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
      const p = new Params();
      const where = [`tenant_id = ${p.add(s.tenant)}`, `role = 'event'`];
      if (i.subject) where.push(`subject = ${p.add(i.subject)}`);
      if (i.type) where.push(`event_type = ${p.add(i.type)}`);
      if (i.agent) where.push(`agent_id = ${p.add(i.agent)}`);
      if (i.since) where.push(`occurred_at >= ${p.add(i.since)}::timestamptz`);
      if (i.until) where.push(`occurred_at < ${p.add(i.until)}::timestamptz`);
      if (i.text) where.push(`tsv @@ websearch_to_tsquery('english', ${p.add(i.text)})`);
      const sql = `select ${OBS_COLUMNS} from episodes where ${where.join(' and ')}
        order by occurred_at desc, seq desc limit ${p.add(i.limit ?? 50)}::int`;
      const { rows } = await db.query<ObservationRow>(sql, p.values);
      return rows.map(toObservation);
    },
  };
}
