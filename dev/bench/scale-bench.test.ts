// The scale benchmark's own shape (its counts, never its times): Proxmox VE's requests per pass
// (every guest read on the first, one request steady, one per restarted guest) within the
// limits in flight, and libvirt's two virsh calls a pass over its test driver.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchLibvirtScale, benchProxmoxScale } from './scale-bench.js';

const work = () => mkdtempSync(path.join(os.tmpdir(), 'rt-scale-test-'));

describe('the scale benchmark', () => {
  it('Proxmox VE: 3 + 2 per guest first, 1 steady, 1 + 1 per restarted guest; at most 3 a node', async () => {
    const rows = await benchProxmoxScale(20, work());
    expect(rows.map((r) => [r.pass, r.requests, r.found])).toEqual([
      ['first', 3 + 40, 20],
      ['steady', 1, 20],
      ['all restarted', 1 + 20, 20],
      ['5 restarted', 1 + 5, 20],
    ]);
    for (const r of rows) expect(r.maxPerNode).toBeLessThanOrEqual(3);
  }, 30_000);

  it('libvirt: one list and one batch a pass', async () => {
    const rows = await benchLibvirtScale(10, work());
    expect(rows.map((r) => [r.pass, r.requests, r.found])).toEqual([
      ['first', 2, 10],
      ['steady', 2, 10],
    ]);
  }, 30_000);
});
