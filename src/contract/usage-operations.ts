/**
 * The usage and billing report over HTTP (`GET /v1/usage`, admin keys only) and the
 * remote client. Not an MCP tool: it is for whoever bills the store, not for a model.
 */
import { usageReportOutputSchema, usageReportSchema } from '../usage-report/usage-report-schema.js';
import { defineOperation } from './operation.js';

/**
 * The usage operation.
 *
 * @example
 * USAGE_OPERATIONS[0].http.path // '/v1/usage'
 */
export const USAGE_OPERATIONS = [
  defineOperation({
    id: 'memoryUsage',
    method: 'usage',
    access: 'admin',
    input: usageReportSchema,
    output: usageReportOutputSchema,
    http: {
      method: 'get',
      path: '/v1/usage',
      summary: "Usage and billing report of a month, the key's tenant (admin)",
      description:
        "Per key of the key's tenant, for a calendar month (UTC): requests by endpoint, method and status, " +
        'latency percentiles, LLM tokens and cost, the monthly quota, what counted toward it and the overage ' +
        '(docs/operations.md, "Usage and billing").',
      response: 'the report',
      // The report is the tenant's (from the key): no user, agent or session.
      scopeQuery: [],
    },
  }),
];
