import { defineConfig } from 'vitest/config';

// Unit specs sit next to the code and need no servers. Integration and end-to-end tests in test/
// start real nats-server (and dockerd-backed) processes through test/harness.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['packages/*/src/**/*.spec.ts'], environment: 'node' } },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
