/**
 * The observations operations: `memory.observations.observe` and `.query` over HTTP
 * (`/v1/observations`), the remote client and MCP. The live stream (`subscribe`, SSE at
 * `/v1/observations/stream`) is served by hand: a callback cannot be a contract result.
 */
import { z } from 'zod';
import {
  observationSchema,
  observeSchema,
  queryObservationsSchema,
} from '../coordination/observations-schema.js';
import { defineOperation } from './operation.js';

/**
 * Every observations operation but the stream, in the order the OpenAPI document lists them.
 *
 * @example
 * OBSERVATIONS_OPERATIONS.map((o) => o.id) // ['observationsObserve', 'observationsQuery']
 */
export const OBSERVATIONS_OPERATIONS = [
  defineOperation({
    id: 'observationsObserve',
    area: 'observations',
    method: 'observe',
    access: 'write',
    input: observeSchema,
    output: observationSchema,
    http: {
      method: 'post',
      path: '/v1/observations',
      status: 201,
      summary: 'Publish an observation to the other agents of the tenant',
      response: 'the observation, with its seq',
    },
    tool: {
      name: 'observe',
      title: 'Publish an observation',
      description:
        'Tell the other agents about something you saw or did (a deploy failed, a file changed, a result is ready): an event in the shared log that subscribers receive live and anyone can query later. ' +
        'Returns the observation with its seq (its position in the shared log).',
      omit: ['agent'],
    },
  }),
  defineOperation({
    id: 'observationsQuery',
    area: 'observations',
    method: 'query',
    access: 'read',
    input: queryObservationsSchema,
    output: z.array(observationSchema),
    http: {
      method: 'get',
      path: '/v1/observations',
      summary: 'Observations of the tenant, newest first (by subject, type, agent, time, words)',
      response: 'the observations',
      envelope: 'items',
      // `agent` filters by publisher; the scope's agent plays no part in a query.
      scopeQuery: ['user', 'session'],
    },
    tool: {
      name: 'observations_query',
      title: 'Query observations',
      description:
        'Read what agents observed, newest first, by subject, type, agent, time range or words. ' +
        'Call it to catch up on what others found or did. Returns { items: [{ seq, subject, type, payload, content, agent, occurredAt, ... }] }.',
    },
  }),
];
