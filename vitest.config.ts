// Unit and integration tests run in plain Node; browser end-to-end tests live in e2e/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['main/**/*.test.ts', 'contract/**/*.test.ts', 'dev/**/*.test.ts', 'test/**/*.test.ts', 'renderer/src/**/*.test.tsx'],
    globalSetup: ['dev/test-support/lab-global-teardown.ts'],
    // Test traffic stays home: no test reaches an address off this machine (issue 19, break 14).
    setupFiles: ['dev/test-support/stays-home-setup.ts'],
    // The engine's worker thread (run from source) loads the same guard (main/worker/ts-worker-shim.mjs).
    // Set here, where the path is a file path in every test environment (jsdom's import.meta.url is not).
    env: { RAGNATRAMP_TEST_GUARD: fileURLToPath(new URL('./dev/test-support/stays-home.ts', import.meta.url)) },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
