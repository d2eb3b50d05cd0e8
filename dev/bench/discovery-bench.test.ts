// The discovery benchmark's own shape: one PowerShell invocation per pass at any size; and the
// idle benchmark's child found where the build puts it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { benchDiscovery } from './discovery-bench.js';

describe('benchDiscovery', () => {
  it('reports invocations, pass and plan times per fleet size', async () => {
    const rows = await benchDiscovery([1, 50]);
    expect(rows.map((r) => [r.vms, r.powershellInvocations])).toEqual([[1, 1], [50, 1]]);
    for (const r of rows) expect(r.planMs).toBeGreaterThanOrEqual(0);
  });
});

describe('the idle benchmark', () => {
  it("runs its child where tsc -p . puts it (the tsconfig's outDir, the source's own path)", async () => {
    const { IDLE_CHILD } = await import('./idle-child-path.js');
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const outDir = (JSON.parse(readFileSync(path.join(root, 'tsconfig.json'), 'utf8')) as { compilerOptions: { outDir: string } }).compilerOptions.outDir;
    expect(IDLE_CHILD).toBe(path.join(root, outDir, 'dev', 'bench', 'idle-child.js'));
  });
});
