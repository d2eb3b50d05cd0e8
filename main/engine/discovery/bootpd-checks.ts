// bootpd's checks of a Mac, for the providers whose guests get their address from it (a vmnet
// NIC's DHCP server: quickemu's vmnet guests, the Linux manifest's first tier): bootpd not blocked
// by the application firewall, checked as minikube checks it (kubernetes/minikube
// pkg/minikube/firewall/firewall.go:35-62) with its fix (:66-70); then whether bootpd's lease
// file can be read. socketfilterfw's output is another program's words, read like PowerShell's.

import { BOOTPD_LEASES, readBootpdLeases } from './bootpd-leases.js';
import type { CommandRunner } from './host-neighbors.js';
import type { HostCheck } from '../providers/provider-entry.js';

const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';
export const UNBLOCK_BOOTPD = `sudo ${SOCKETFILTERFW} --add /usr/libexec/bootpd; sudo ${SOCKETFILTERFW} --unblock /usr/libexec/bootpd`;

export async function bootpdHostChecks(run: CommandRunner, leasesFile: string = BOOTPD_LEASES): Promise<HostCheck[]> {
  const leases = await readBootpdLeases(leasesFile);
  return [
    await bootpdFirewallStep(run),
    { step: "bootpd's leases readable", ok: null, detail: leases.length > 0 ? `${leases.length} lease${leases.length === 1 ? '' : 's'} in ${leasesFile}` : `none in ${leasesFile} (no vmnet guest has asked for an address yet)`, fix: null },
  ];
}

async function bootpdFirewallStep(run: CommandRunner): Promise<HostCheck> {
  const step = 'bootpd not blocked by the application firewall';
  const ask = (arg: string) => run(SOCKETFILTERFW, [arg]).then((out) => out, () => null);
  const state = await ask('--getglobalstate');
  if (state === null) return { step, ok: null, detail: `${SOCKETFILTERFW} could not be asked`, fix: null };
  if (/Firewall is disabled/.test(state)) return { step, ok: true, detail: 'the firewall is off', fix: null };
  // macOS 15 and later may allow Apple's own signed software, bootpd among it (firewall.go:49-56).
  if (/Automatically allow built-in signed software ENABLED/.test((await ask('--getallowsigned')) ?? '')) return { step, ok: true, detail: 'built-in signed software is allowed', fix: null };
  const apps = await ask('--listapps');
  if (apps === null) return { step, ok: null, detail: 'the firewall is on and its list of apps could not be read', fix: null };
  const allowed = /\/usr\/libexec\/bootpd.*\n.*\( Allow/.test(apps);
  return { step, ok: allowed, detail: allowed ? 'allowed' : 'the firewall is on and does not list bootpd as allowed: vmnet guests get no address', fix: allowed ? null : UNBLOCK_BOOTPD };
}
