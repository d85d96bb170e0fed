/**
 * The sessions operations: `memory.sessions.*` over HTTP (`/v1/sessions`) and the remote client.
 */
import { z } from 'zod';
import {
  sessionEndSchema,
  sessionGetSchema,
  sessionListSchema,
  sessionSchema,
  sessionStartSchema,
} from '../sessions/sessions-schema.js';
import { defineOperation } from './operation.js';

const missing = 'no such session in this tenant';

/**
 * Every sessions operation, in the order the OpenAPI document lists them.
 *
 * @example
 * SESSIONS_OPERATIONS.map((o) => o.id) // ['sessionsStart', 'sessionsEnd', 'sessionsList', 'sessionsGet']
 */
export const SESSIONS_OPERATIONS = [
  defineOperation({
    id: 'sessionsStart',
    area: 'sessions',
    method: 'start',
    access: 'write',
    input: sessionStartSchema,
    output: sessionSchema,
    http: {
      method: 'post',
      path: '/v1/sessions',
      status: 201,
      summary: 'Start a session (id: the given one, else the scope session, else a new uuid)',
      response: 'the session',
      errors: { 409: 'the id is already taken in the tenant' },
      bodyOptional: true,
    },
  }),
  defineOperation({
    id: 'sessionsEnd',
    area: 'sessions',
    method: 'end',
    access: 'write',
    input: sessionEndSchema,
    output: sessionSchema,
    http: {
      method: 'post',
      path: '/v1/sessions/{id}/end',
      summary: 'End an active session, with a summary',
      response: 'the ended session',
      errors: { 404: missing, 409: 'the session already ended' },
      bodyOptional: true,
    },
  }),
  defineOperation({
    id: 'sessionsList',
    area: 'sessions',
    method: 'list',
    access: 'read',
    input: sessionListSchema,
    output: z.array(sessionSchema),
    http: {
      method: 'get',
      path: '/v1/sessions',
      summary: 'Sessions of the scope, most recently started first',
      response: 'the sessions',
      envelope: 'items',
    },
  }),
  defineOperation({
    id: 'sessionsGet',
    area: 'sessions',
    method: 'get',
    access: 'read',
    input: sessionGetSchema,
    output: sessionSchema,
    absent: { field: 'id', what: 'session' },
    http: {
      method: 'get',
      path: '/v1/sessions/{id}',
      summary: 'Get a session',
      response: 'the session',
      errors: { 404: missing },
    },
  }),
];
