import { defineConfig } from 'vitest/config';

// The unit suite that runs a second time in headless Chromium (Debian's, through playwright):
// every file that does not need Node's own modules (fs, child_process, http), so the browser
// build of the library is tested, not assumed. The float32/float64 accuracy sweeps stay in
// Node only: they check the same bits the browser computes (test/api.bits.test.ts shows the
// backends agree), and would double the run time here.
const BROWSER_SUITE = [
  'test/api.axis.test.ts', 'test/api.bits.test.ts', 'test/api.errors.test.ts', 'test/api.reference.test.ts',
  'test/api.scratch.test.ts', 'test/api.special.test.ts', 'test/exports.test.ts', 'test/grad.api.test.ts',
  'test/memory.test.ts', 'test/piecewise.test.ts', 'test/softmax-gather.test.ts', 'test/wasm-array.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: run files in parallel on both, never more.
    poolOptions: { threads: { maxThreads: 2, minThreads: 1 }, forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'chromium',
          include: BROWSER_SUITE,
          browser: {
            enabled: true,
            provider: 'playwright',
            headless: true,
            screenshotFailures: false,
            instances: [{
              browser: 'chromium',
              launch: {
                executablePath: '/usr/bin/chromium',
                args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
              },
            }],
          },
        },
      },
    ],
  },
});
