// vitest settings for the one file run under vitest (validation.vitest.mjs): globals as
// LangGraph's suite expects, nothing collected but that file, one worker.
export default {
  test: {
    globals: true,
    include: ['validation.vitest.mjs'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'threads',
    maxWorkers: 1,
    reporters: ['default'],
  },
};
