import {
  type Brain,
  brainDeleteSchema,
  brainGetSchema,
  brainHistorySchema,
  brainListSchema,
  brainSetSchema,
} from '../brain/brain-schema.js';
import type { Scope } from '../scope.js';
import {
  type Sessions,
  sessionEndSchema,
  sessionGetSchema,
  sessionListSchema,
  sessionStartSchema,
} from '../sessions/sessions-schema.js';
import { parse } from '../validation.js';
import { type RemoteHttp, scopeParams } from './remote-http.js';

type Input = { scope?: Scope } & Record<string, unknown>;

/**
 * Checks an input with the area's own schema (the same typed error, field and message
 * as in process, before any request) and returns it as given, to be sent as JSON.
 *
 * @example
 * const input = checked(brainGetSchema, raw, 'brain.get input');
 */
export function checked<T>(schema: Parameters<typeof parse>[0], input: T, what: string): T & Input {
  parse(schema, input ?? {}, what);
  return (input ?? {}) as T & Input;
}

/**
 * Query parameters of a GET: the scope parts and every other field of the input.
 *
 * @example
 * asQuery({ scope: { user: 'alice' }, limit: 5 }) // { user: 'alice', limit: 5, tenant: undefined, ... }
 */
export function asQuery(input: Input, omit: string[] = []): Record<string, unknown> {
  const { scope, ...rest } = input;
  for (const k of omit) delete rest[k];
  return { ...scopeParams(scope), ...rest };
}

/**
 * The input minus the fields that went into the path.
 *
 * @example
 * without({ id: 'x', status: 'success' }, 'id') // { status: 'success' }
 */
export function without(input: Input, ...keys: string[]): Input {
  const rest = { ...input };
  for (const k of keys) delete rest[k];
  return rest;
}

const seg = (v: unknown) => encodeURIComponent(String(v));

/**
 * The key-value brain over HTTP.
 *
 * @example
 * const brain = remoteBrain(http); await brain.set({ key: 'identity.name', value: 'Ada' });
 */
export function remoteBrain(http: RemoteHttp): Brain {
  return {
    async set(raw) {
      const i = checked(brainSetSchema, raw, 'brain.set input');
      return http.send({ method: 'PUT', path: `/v1/brain/${seg(i.key)}`, body: without(i, 'key') });
    },
    async get(raw) {
      const i = checked(brainGetSchema, raw, 'brain.get input');
      const e = await http.send({
        method: 'GET',
        path: `/v1/brain/${seg(i.key)}`,
        query: asQuery(i, ['key']),
        absentField: 'key',
      });
      return (e ?? null) as Awaited<ReturnType<Brain['get']>>;
    },
    async list(raw = {}) {
      const i = checked(brainListSchema, raw, 'brain.list input');
      return (await http.send<{ items: never[] }>({ method: 'GET', path: '/v1/brain', query: asQuery(i) }))
        .items;
    },
    async delete(raw) {
      const i = checked(brainDeleteSchema, raw, 'brain.delete input');
      const r = await http.send<{ deleted: boolean } | undefined>({
        method: 'DELETE',
        path: `/v1/brain/${seg(i.key)}`,
        query: asQuery(i, ['key']),
        absentField: 'key',
      });
      return r?.deleted === true;
    },
    async history(raw) {
      const i = checked(brainHistorySchema, raw, 'brain.history input');
      const path = `/v1/brain/${seg(i.key)}/history`;
      return (await http.send<{ items: never[] }>({ method: 'GET', path, query: asQuery(i, ['key']) })).items;
    },
  };
}

/**
 * Sessions over HTTP.
 *
 * @example
 * const s = await remoteSessions(http).start({ scope: { user: 'alice' } });
 */
export function remoteSessions(http: RemoteHttp): Sessions {
  return {
    async start(raw = {}) {
      return http.send({
        method: 'POST',
        path: '/v1/sessions',
        body: checked(sessionStartSchema, raw, 'session'),
      });
    },
    async end(raw) {
      const i = checked(sessionEndSchema, raw, 'sessions.end input');
      return http.send({ method: 'POST', path: `/v1/sessions/${seg(i.id)}/end`, body: without(i, 'id') });
    },
    async get(raw) {
      const i = checked(sessionGetSchema, raw, 'sessions.get input');
      const path = `/v1/sessions/${seg(i.id)}`;
      return (await http.send({ method: 'GET', path, query: asQuery(i, ['id']), absentField: 'id' })) ?? null;
    },
    async list(raw = {}) {
      const i = checked(sessionListSchema, raw, 'sessions.list input');
      return (await http.send<{ items: never[] }>({ method: 'GET', path: '/v1/sessions', query: asQuery(i) }))
        .items;
    },
  };
}
