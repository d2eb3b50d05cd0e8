// Vitest setup: every test file runs with test traffic kept home (stays-home.ts), and a test
// that tried to reach an address off this machine fails, naming it. In the engine's worker
// thread (vitest.config.ts names the guard for it) the attempt is refused all the same (the test is
// told only by what the engine reports).
import { afterEach } from 'vitest';
import { guardConnections, refused } from './stays-home.js';

guardConnections();

afterEach(() => {
  const tried = refused.splice(0);
  if (tried.length > 0) throw new Error(`This test tried to reach ${[...new Set(tried)].join(', ')}, which would leave this machine: fakes must report addresses inside the namespaces the tests create, or loopback.`);
});
