// vitest settings of the multi-machine benchmark (bench/join.mjs runs it; not part of `npm test`).
import { defineConfig } from 'vitest/config';
import { resolve } from 'node:path';

export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['bench/multihost/*.run.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 40 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
