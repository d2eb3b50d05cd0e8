// Hyper-V's registration: KVP then ARP, its KVP fact, and the factory that builds the real
// provider over Windows PowerShell, or the simulator at the same seam for --simulate.

import { ARP_TIER, type ProviderEntry } from '../provider-entry.js';

export const HYPERV: ProviderEntry = {
  name: 'hyperv',
  label: 'Hyper-V',
  options: { simulate: 'answer from a Hyper-V simulation scenario instead of PowerShell' },
  guestNeedsKvpDaemon: true,
  tiers: {
    kvp: { label: 'KVP', help: 'Reported by Hyper-V itself (the guest runs the KVP daemon)' },
    arp: ARP_TIER,
  },
  facts(detail) {
    if (detail.provider !== 'hyperv') return [];
    const { status, detail: why } = detail.kvp;
    return [{ label: 'KVP', value: status, ok: status === 'OK' ? true : status === 'Unknown' ? null : false, why: status === 'OK' ? null : (why ?? KVP_WHY[status] ?? null) }];
  },
  async create(options, shared) {
    const { createHyperV } = await import('./create-hyperv.js');
    return createHyperV(options, shared);
  },
  async hostChecks(context) {
    const { hypervHostChecks } = await import('./hyperv-host-checks.js');
    return hypervHostChecks(context);
  },
};

const KVP_WHY: Record<string, string> = {
  'No Contact': "the guest's KVP daemon (hv_kvp_daemon) is not installed or not running",
  Disabled: 'the Key-Value Pair Exchange integration service is off for this VM',
  Unknown: 'Hyper-V did not report it',
};
