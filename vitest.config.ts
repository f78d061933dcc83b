import { defineConfig } from 'vitest/config';

// Test files run two at a time. `npm test` runs test/worker/browser.test.ts on its own afterwards
// (package.json): its heartbeat limits (issue 8: ≤ 16 ms beside a training worker, ≤ 50 ms with
// yieldEvery 'auto') are measured against baselines taken in the same page, but a neighbour file
// that trains on 3 threads on this 2-core machine can starve the page for longer than one 3 s
// phase (a clean-clone CI run saw 160–200 ms gaps in both attempts while the threads tests ran).

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
