/**
 * The brain operations: `memory.brain.*` over HTTP (`/v1/brain`), the remote client and MCP.
 */
import { z } from 'zod';
import {
  type BrainEntry,
  brainDeleteSchema,
  brainEntrySchema,
  brainGetSchema,
  brainHistoryEntrySchema,
  brainHistorySchema,
  brainListSchema,
  brainSetSchema,
} from '../brain/brain-schema.js';
import { defineOperation } from './operation.js';

const gone = 'the key is absent or expired';
const stale = 'expectedVersion is not the current version';

const brainGet = defineOperation({
  id: 'brainGet',
  area: 'brain',
  method: 'get',
  access: 'read',
  input: brainGetSchema,
  output: brainEntrySchema,
  absent: { field: 'key', what: 'brain key' },
  http: {
    method: 'get',
    path: '/v1/brain/{key}',
    summary: 'Get a brain key',
    response: 'the entry',
    errors: { 404: gone },
  },
  tool: {
    name: 'brain_get',
    title: 'Read a brain key',
    description:
      'Read one key of the key-value brain (structured context: identity.*, directive.*, session.*, ...). ' +
      'Use it when you know the key; use brain_list to see which keys exist. ' +
      'Returns { found, entry } where entry is { key, value, category, description, priority, version, expiresAt, updatedAt, ... } or null when the key is absent or expired.',
    // The model gets `{ found, entry }` either way, rather than a bare entry or `{ found: false }`.
    data: (entry) => ({
      found: entry !== null,
      entry: entry === null ? null : z.encode(brainEntrySchema, entry as BrainEntry),
    }),
  },
});

/**
 * Every brain operation, in the order the OpenAPI document lists them.
 *
 * @example
 * BRAIN_OPERATIONS.map((o) => o.id) // ['brainSet', 'brainList', 'brainHistory', 'brainGet', 'brainDelete']
 */
export const BRAIN_OPERATIONS = [
  defineOperation({
    id: 'brainSet',
    area: 'brain',
    method: 'set',
    access: 'write',
    input: brainSetSchema,
    output: brainEntrySchema,
    http: {
      method: 'put',
      path: '/v1/brain/{key}',
      summary: 'Set a brain key (create or replace; expectedVersion makes it conditional)',
      response: 'the entry as stored',
      errors: { 409: stale },
    },
    tool: {
      name: 'brain_set',
      title: 'Write a brain key',
      description:
        'Create or replace one key of the key-value brain with a JSON value: who the user is (identity.*), standing instructions (directive.*), the current work (session.*), anything you want to read back exactly by key. ' +
        'The old value stays in the history. Pass expectedVersion (from brain_get) to write only if nobody changed it meanwhile (a conflict error otherwise). ' +
        'Returns the entry with its new version.',
      hints: { idempotent: true },
      omit: ['by', 'expiresAt'],
    },
  }),
  defineOperation({
    id: 'brainList',
    area: 'brain',
    method: 'list',
    access: 'read',
    input: brainListSchema,
    output: z.array(brainEntrySchema),
    http: {
      method: 'get',
      path: '/v1/brain',
      summary: 'List brain keys of the scope (optionally under a prefix, in a category), ordered by key',
      response: 'the entries',
      envelope: 'items',
    },
    tool: {
      name: 'brain_list',
      title: 'List brain keys',
      description:
        'List the keys of the key-value brain with their values, ordered by key, optionally under a prefix ("identity" or "session.*") or in a category. ' +
        'Use it to discover what is stored. Returns { items: [entry] }.',
      omit: ['scopeMatch'],
    },
  }),
  defineOperation({
    id: 'brainHistory',
    area: 'brain',
    method: 'history',
    access: 'read',
    input: brainHistorySchema,
    output: z.array(brainHistoryEntrySchema),
    http: {
      method: 'get',
      path: '/v1/brain/{key}/history',
      summary: 'Changes of a brain key, oldest first',
      response: 'the changes',
      envelope: 'items',
    },
    tool: {
      name: 'brain_history',
      title: 'History of a brain key',
      description:
        'Every change of one brain key, oldest first: { items: [{ op, oldValue, newValue, version, changedBy, changedAt }] }. ' +
        'Use it to see how a value evolved or who changed it.',
    },
  }),
  brainGet,
  defineOperation({
    id: 'brainDelete',
    area: 'brain',
    method: 'delete',
    access: 'write',
    input: brainDeleteSchema,
    // In process a boolean (false: there was no such key); on the wire `{ deleted: true }` or a 404.
    output: z.literal(true),
    absent: { field: 'key', what: 'brain key', value: false },
    http: {
      method: 'delete',
      path: '/v1/brain/{key}',
      summary: 'Delete a brain key (recorded in its history)',
      response: 'deleted',
      errors: { 404: gone, 409: stale },
      envelope: 'deleted',
    },
    tool: {
      name: 'brain_delete',
      title: 'Delete a brain key',
      description:
        'Delete one key of the key-value brain (the change is kept in its history). Use it when a stored value is no longer true or needed. ' +
        'Returns { deleted: true } or { deleted: false } when the key did not exist.',
      hints: { destructive: true, idempotent: true },
      data: (deleted) => ({ deleted }),
    },
  }),
];
