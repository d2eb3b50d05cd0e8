// `doctor`'s macOS steps: the tools the project's provider needs, found where Homebrew puts them
// (an app started from Finder has launchd's PATH, discovery/tool-path.ts), and bootpd (macOS's
// DHCP server, which hands every vmnet guest its address) not blocked by the application
// firewall, checked as minikube checks it (kubernetes/minikube pkg/minikube/firewall/firewall.go:35-62)
// with its fix (:66-70); then whether bootpd's lease file can be read.

import { BOOTPD_LEASES, readBootpdLeases } from '../discovery/bootpd-leases.js';
import type { CommandRunner } from '../discovery/host-neighbors.js';
import { findTool, HOMEBREW_BINS, installHint } from '../discovery/tool-path.js';
import type { DoctorStep } from './doctor.js';

const SOCKETFILTERFW = '/usr/libexec/ApplicationFirewall/socketfilterfw';
export const UNBLOCK_BOOTPD = `sudo ${SOCKETFILTERFW} --add /usr/libexec/bootpd; sudo ${SOCKETFILTERFW} --unblock /usr/libexec/bootpd`;

export interface MacHost {
  run: CommandRunner;
  exists: (file: string) => boolean;
  env: NodeJS.ProcessEnv;
  leasesFile?: string;
}

/** The tools each provider runs on a Mac. */
const TOOLS: Record<string, Array<{ exe: string[]; tool: 'virsh' | 'qemu' | 'quickemu' }>> = {
  libvirt: [{ exe: ['virsh'], tool: 'virsh' }],
  quickemu: [{ exe: ['quickemu'], tool: 'quickemu' }, { exe: ['qemu-system-aarch64', 'qemu-system-x86_64'], tool: 'qemu' }],
};

export async function macosDoctorSteps(provider: string, host: MacHost): Promise<DoctorStep[]> {
  const steps: DoctorStep[] = [];
  for (const { exe, tool } of TOOLS[provider] ?? []) {
    const found = exe.map((e) => findTool(e, host.env, 'darwin', host.exists)).find((f) => f !== null) ?? null;
    steps.push({ step: `${exe.join(' or ')} found`, ok: found !== null, detail: found ?? `not on PATH, in ${HOMEBREW_BINS.join(' or ')}`, fix: found ? null : installHint(tool, 'darwin') });
  }
  steps.push(await bootpdFirewallStep(host.run));
  const file = host.leasesFile ?? BOOTPD_LEASES;
  const leases = await readBootpdLeases(file);
  steps.push({ step: "bootpd's leases readable", ok: null, detail: leases.length > 0 ? `${leases.length} lease${leases.length === 1 ? '' : 's'} in ${file}` : `none in ${file} (no vmnet guest has asked for an address yet)`, fix: null });
  return steps;
}

async function bootpdFirewallStep(run: CommandRunner): Promise<DoctorStep> {
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
