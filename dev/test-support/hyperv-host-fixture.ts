// The tests' Windows host (real-powershell.ts) for a test file: built before its tests where pwsh
// is, removed after them.

import { rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { HyperVHost, pwsh } from './real-powershell.js';

export function useHyperVHost(): () => HyperVHost {
  let host: HyperVHost | null = null;
  beforeAll(() => {
    if (pwsh) host = HyperVHost.build();
  }, 120_000);
  afterAll(() => {
    if (host) rmSync(host.dir, { recursive: true, force: true });
  });
  return () => host!;
}
