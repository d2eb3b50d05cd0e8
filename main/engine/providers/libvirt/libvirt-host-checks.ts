// libvirt's checks of this computer, for `doctor` and the window's "This PC": virsh is
// installed, the URI answers (`virsh -c URI uri`, then `version` for what runs there), and the
// networks the project's domains use exist and are active (`net-list --all --name` lists every
// network, `net-list --name` the active ones only, virsh 9.0.0). A domain's networks are read
// from its XML, as the provider reads its interfaces (domain-xml.ts).

import { errorMessage } from '../../errors.js';
import type { VmRef } from '../../discovery/observation.js';
import { installHint } from '../../discovery/tool-path.js';
import type { HostCheck, HostCheckContext } from '../provider-entry.js';
import { parseDomainInterfaces } from './domain-xml.js';
import { DEFAULT_LIBVIRT_URI } from './libvirt-entry.js';
import { checkLibvirtUri } from './libvirt-uri.js';
import { matchDomain } from './observe-libvirt.js';
import { parseDomainList } from './virsh-output.js';

/** virsh's reason, from its last line ("error: failed to connect to the hypervisor" comes first). */
function virshReason(err: unknown): string {
  const e = err as Error & { stderr?: string };
  const line = (e.stderr || e.message || '').split('\n').filter((l) => l.trim()).at(-1) ?? errorMessage(err);
  return line.replace(/^error:\s*/, '').trim();
}

const names = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

export async function libvirtHostChecks(context: Pick<HostCheckContext, 'options' | 'refs' | 'run' | 'platform'>): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  const uri = checkLibvirtUri(context.options.libvirt ?? DEFAULT_LIBVIRT_URI, 'the libvirt URI');
  const run = context.run;
  const virsh = (args: string[]) => run('virsh', ['-c', uri, ...args]);

  try {
    add('virsh installed', true, (await run('virsh', ['--version'])).trim());
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    add('virsh installed', false, missing ? 'not found on PATH' : virshReason(err), missing ? `${installHint('virsh', context.platform).replace(/\.$/, '')}, then check again.` : 'Run virsh --version yourself to see why.');
    return steps;
  }

  try {
    const canonical = (await virsh(['uri'])).trim();
    const version = names(await virsh(['version']).catch(() => '')).find((l) => l.startsWith('Running hypervisor:'));
    add(`libvirt at ${uri} answers`, true, `${canonical}${version ? `; ${version.replace('Running hypervisor:', 'runs').trim()}` : ''}`);
  } catch (err) {
    add(`libvirt at ${uri} answers`, false, virshReason(err), uri.startsWith('qemu+ssh') ? `Check that you can reach the host over ssh (ssh without a password prompt), that libvirtd runs there, and that its user may use it (the libvirt group).` : `Check that libvirtd runs (systemctl status libvirtd) and that you may use it (add yourself to the libvirt group, then sign out and in), or choose another URI in Settings.`);
    return steps;
  }

  let all: string[];
  let active: Set<string>;
  try {
    all = names(await virsh(['-q', 'net-list', '--all', '--name']));
    active = new Set(names(await virsh(['-q', 'net-list', '--name'])));
  } catch (err) {
    add('libvirt networks', false, `could not be listed: ${virshReason(err)}`, `Run virsh -c ${uri} net-list --all yourself to see why.`);
    return steps;
  }
  const used = await networksUsed(virsh, context.refs);
  if (used.size === 0) {
    // No project VM found on a network of libvirt's: say what there is, and need nothing of it.
    if (all.length === 0) add('libvirt networks', null, 'none defined (VMs on a bridge or in user mode need none)');
    else add('libvirt networks', all.some((n) => active.has(n)) ? true : null, all.map((n) => `${n} (${active.has(n) ? 'active' : 'inactive'})`).join(', '));
    return steps;
  }
  for (const [network, vms] of used) {
    const step = `Network ${network}`;
    const who = `used by ${vms.join(', ')}`;
    if (!all.includes(network)) add(step, false, `${who}, but libvirt at ${uri} has no such network`, `Define the network again (virsh -c ${uri} net-define <its XML file>), or attach ${vms.length === 1 ? 'the VM' : 'the VMs'} to a network that exists.`);
    else if (!active.has(network)) add(step, false, `${who}, but it is not active: its VMs get no address`, `Start it and have it start at boot: virsh -c ${uri} net-start ${network} && virsh -c ${uri} net-autostart ${network}`);
    else add(step, true, `active, ${who}`);
  }
  return steps;
}

/** The networks (by name) the domains of these VMs are attached to, with the machines on each. */
async function networksUsed(virsh: (args: string[]) => Promise<string>, refs: VmRef[]): Promise<Map<string, string[]>> {
  const used = new Map<string, string[]>();
  if (refs.length === 0) return used;
  const domains = parseDomainList(await virsh(['-q', 'list', '--all', '--uuid', '--name']).catch(() => ''));
  for (const ref of refs) {
    const d = matchDomain(ref, domains);
    if (!d) continue;
    // By name, one argument of its own (no shell, no batch): the test driver gives a domain without one a new UUID at every connection.
    const xml = await virsh(['dumpxml', '--domain', d.name]).catch(() => '');
    for (const i of parseDomainInterfaces(xml)) {
      if (!i.network) continue;
      const list = used.get(i.network) ?? [];
      if (!list.includes(ref.machineName)) list.push(ref.machineName);
      used.set(i.network, list);
    }
  }
  return used;
}
