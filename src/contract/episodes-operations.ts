/**
 * The episodes operations: `memory.episodes.*` over HTTP (`/v1/episodes`), the remote client and MCP.
 * `append` and `appendMany` share `POST /v1/episodes`: a body with `episodes` is the batch.
 */
import { z } from 'zod';
import {
  appendEpisodeSchema,
  appendManySchema,
  episodePageSchema,
  episodeSchema,
  getEpisodeSchema,
  listEpisodesSchema,
} from '../episodes/episodes-schema.js';
import { defineOperation } from './operation.js';

/**
 * Every episodes operation, in the order the OpenAPI document lists them.
 *
 * @example
 * EPISODES_OPERATIONS.map((o) => o.id) // ['episodesAppend', 'episodesAppendMany', 'episodesList', 'episodesGet']
 */
export const EPISODES_OPERATIONS = [
  defineOperation({
    id: 'episodesAppend',
    area: 'episodes',
    method: 'append',
    access: 'write',
    input: appendEpisodeSchema,
    output: episodeSchema,
    http: {
      method: 'post',
      path: '/v1/episodes',
      status: 201,
      summary: 'Append one episode, or a batch of them, to the log',
      response: 'the episode (or `{ items }` for a batch)',
    },
    tool: {
      name: 'episodes_append',
      title: 'Log an episode',
      description:
        'Append to the episodic log what happened: a conversation turn, an event, a step taken, a result seen. ' +
        'Call it to keep a trace you or other agents can replay or search later (recall finds episodes by meaning and by words). ' +
        'The log is append-only; for knowledge that should hold as true use remember instead. Returns the stored episode (id, seq, occurredAt, ...).',
    },
  }),
  defineOperation({
    id: 'episodesAppendMany',
    area: 'episodes',
    method: 'appendMany',
    access: 'write',
    input: appendManySchema,
    output: z.array(episodeSchema),
    http: {
      method: 'post',
      path: '/v1/episodes',
      status: 201,
      summary: 'Append a batch of episodes to the log, in one transaction',
      response: 'the episodes, in input order',
      envelope: 'items',
      sharesRouteWhen: 'episodes',
    },
  }),
  defineOperation({
    id: 'episodesList',
    area: 'episodes',
    method: 'list',
    access: 'read',
    input: listEpisodesSchema,
    output: episodePageSchema,
    http: {
      method: 'get',
      path: '/v1/episodes',
      summary: 'List episodes, newest first, a page at a time',
      response: 'a page of episodes',
    },
    tool: {
      name: 'episodes_list',
      title: 'List episodes',
      description:
        'List the episodic log in time order, newest first, filtered by session, time, role, event type, tags or importance. ' +
        'Use it to replay what happened in a session or period (use recall to search by meaning instead). ' +
        'Returns { items: [episode], nextCursor } (pass nextCursor back as cursor for the next page).',
    },
  }),
  defineOperation({
    id: 'episodesGet',
    area: 'episodes',
    method: 'get',
    access: 'read',
    input: getEpisodeSchema,
    output: episodeSchema,
    absent: { field: 'id', what: 'episode' },
    http: {
      method: 'get',
      path: '/v1/episodes/{id}',
      summary: 'Get an episode',
      response: 'the episode',
      errors: { 404: 'no such episode in this tenant' },
    },
  }),
];
