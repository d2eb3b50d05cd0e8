// The discovery benchmark's own shape: one PowerShell invocation per pass at any size.
import { describe, expect, it } from 'vitest';
import { benchDiscovery } from './discovery-bench.js';

describe('benchDiscovery', () => {
  it('reports invocations, pass and plan times per fleet size', async () => {
    const rows = await benchDiscovery([1, 50]);
    expect(rows.map((r) => [r.vms, r.powershellInvocations])).toEqual([[1, 1], [50, 1]]);
    for (const r of rows) expect(r.planMs).toBeGreaterThanOrEqual(0);
  });
});
