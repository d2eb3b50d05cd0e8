// The Linux (manifest) provider's checks of this computer, for `doctor` and the window's "This
// PC": the manifest reads and lists the project's VMs, and the kernel's neighbour table (its ARP
// tier) can be read; on a Mac, bootpd (its first tier there, bootpd-checks.ts).

import path from 'node:path';
import { errorMessage, HypervisorError } from '../../errors.js';
import { bootpdHostChecks } from '../../discovery/bootpd-checks.js';
import { readHostNeighbors } from '../../discovery/host-neighbors.js';
import type { HostCheck, HostCheckContext } from '../provider-entry.js';
import { loadManifest } from './manifest.js';

export async function linuxHostChecks(context: Pick<HostCheckContext, 'options' | 'refs' | 'run' | 'platform'>, leasesFile?: string): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  if (!context.options.manifest) add('Manifest', null, 'none given: VMs are found by the other tiers only');
  else {
    try {
      const manifest = await loadManifest(path.resolve(context.options.manifest));
      const listed = new Set(manifest.vms.map((v) => v.name));
      const missing = context.refs.filter((r) => !listed.has(r.vmName)).map((r) => r.machineName);
      add('Manifest', missing.length === 0, `${manifest.vms.length} VM${manifest.vms.length === 1 ? '' : 's'} listed${missing.length > 0 ? `; not ${missing.join(', ')}` : ''}`, missing.length > 0 ? `Add ${missing.join(', ')} (their VM names, as state.json records them) to ${context.options.manifest}.` : null);
    } catch (err) {
      add('Manifest', false, errorMessage(err).split('\n')[0]!, errorMessage(err).split('\n').slice(1).join(' ') || 'Fix the manifest file, or choose another.');
    }
  }
  try {
    const entries = await readHostNeighbors(context.run, context.platform);
    add('Neighbour (ARP) table readable', true, `${entries.length} IPv4 entries`);
  } catch (err) {
    add('Neighbour (ARP) table readable', false, errorMessage(err).split('\n')[0]!, err instanceof HypervisorError ? err.hint : null);
  }
  if (context.platform === 'darwin') steps.push(...(await bootpdHostChecks(context.run, leasesFile)));
  return steps;
}
