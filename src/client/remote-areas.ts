import {
  type Decisions,
  decisionGetSchema,
  decisionLessonsSchema,
  decisionListSchema,
  decisionRecordSchema,
  decisionResolveSchema,
} from '../decisions/decisions-schema.js';
import {
  appendEpisodeSchema,
  appendManySchema,
  type Episode,
  getEpisodeSchema,
  listEpisodesSchema,
} from '../episodes/episodes-schema.js';
import type { Episodes } from '../episodes/episodes-service.js';
import type { Scope } from '../scope.js';
import { parse } from '../validation.js';
import { type RemoteHttp, scopeParams } from './remote-http.js';

type Input = { scope?: Scope } & Record<string, unknown>;

/**
 * Checks an input with the area's own schema (the same typed error, field and message
 * as in process, before any request) and returns it as given, to be sent as JSON.
 *
 * @example
 * const input = checked(decisionGetSchema, raw, 'decisions.get input');
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
 * The episodic log over HTTP.
 *
 * @example
 * const episodes = remoteEpisodes(http); await episodes.append({ content: 'deployed v2' });
 */
export function remoteEpisodes(http: RemoteHttp): Episodes {
  return {
    async append(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/episodes',
        body: checked(appendEpisodeSchema, raw, 'episode'),
      });
    },
    async appendMany(raw) {
      const body = checked(appendManySchema, raw, 'episodes');
      return (await http.send<{ items: Episode[] }>({ method: 'POST', path: '/v1/episodes', body })).items;
    },
    async get(raw) {
      const i = checked(getEpisodeSchema, raw, 'episodes.get input');
      const path = `/v1/episodes/${seg(i.id)}`;
      return (await http.send({ method: 'GET', path, query: asQuery(i, ['id']), absentField: 'id' })) ?? null;
    },
    async list(raw = {}) {
      const i = checked(listEpisodesSchema, raw, 'episodes.list input');
      // `session` overrides scope.session; on the wire both are the `session` parameter.
      const query = { ...asQuery(i), session: i.session ?? i.scope?.session };
      return http.send({ method: 'GET', path: '/v1/episodes', query });
    },
  };
}

/**
 * Decisions over HTTP.
 *
 * @example
 * const d = await remoteDecisions(http).record({ context: 'pick a queue', chosen: 'postgres' });
 */
export function remoteDecisions(http: RemoteHttp): Decisions {
  return {
    async record(raw) {
      return http.send({
        method: 'POST',
        path: '/v1/decisions',
        body: checked(decisionRecordSchema, raw, 'decision'),
      });
    },
    async resolve(raw) {
      const i = checked(decisionResolveSchema, raw, 'resolve input');
      return http.send({
        method: 'POST',
        path: `/v1/decisions/${seg(i.id)}/resolve`,
        body: without(i, 'id'),
      });
    },
    async get(raw) {
      const i = checked(decisionGetSchema, raw, 'decisions.get input');
      const path = `/v1/decisions/${seg(i.id)}`;
      return (await http.send({ method: 'GET', path, query: asQuery(i, ['id']), absentField: 'id' })) ?? null;
    },
    async list(raw = {}) {
      const i = checked(decisionListSchema, raw, 'decisions.list input');
      return (
        await http.send<{ items: never[] }>({ method: 'GET', path: '/v1/decisions', query: asQuery(i) })
      ).items;
    },
    async lessons(raw = {}) {
      const i = checked(decisionLessonsSchema, raw, 'decisions.lessons input');
      const query = asQuery(i);
      return (await http.send<{ items: never[] }>({ method: 'GET', path: '/v1/decisions/lessons', query }))
        .items;
    },
  };
}
