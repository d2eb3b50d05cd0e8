// What virsh prints, read: `list --all --uuid --name`, `domstate`, `domiflist`, `domifaddr` (from
// libvirt's DHCP leases or the guest agent), and a batch of such commands run by one virsh
// process with `echo @@<uuid>:<what>@@` markers between them. Pure: text in, facts out.

import { isIpv4, normalizeMac } from '../../discovery/net-address.js';
import type { Power } from '../../discovery/observation.js';

export interface Domain {
  uuid: string;
  name: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `virsh -q list --all --uuid --name`: `<uuid> <name>`; a name may hold spaces. */
export function parseDomainList(text: string): Domain[] {
  return text.split('\n').flatMap((line) => {
    const m = /^\s*([0-9a-f-]{36})\s+(.+?)\s*$/.exec(line);
    return m && UUID.test(m[1]!) ? [{ uuid: m[1]!, name: m[2]! }] : [];
  });
}

/** `virsh -q domiflist`: `<interface> <type> <source> <model> <mac>`, in the domain's order. */
export function parseDomiflist(text: string): Array<{ type: string; source: string; mac: string }> {
  return text.split('\n').flatMap((line) => {
    const f = line.trim().split(/\s+/);
    const mac = normalizeMac(f[4]);
    // A tap the user made (type 'ethernet', as a qemu:///session VM on a bridge has) has no source: its device names it.
    return f.length >= 5 && mac ? [{ type: f[1]!, source: f[2] === '-' ? `${f[1]} ${f[0]}` : f[2]!, mac }] : [];
  });
}

/**
 * `virsh -q domifaddr`: `<interface> <mac> <protocol> <address>/<prefix>`; a row whose interface
 * and MAC are `-` carries one more address of the interface above it (the agent lists several).
 */
export function parseDomifaddr(text: string): Array<{ mac: string; ipv4: string[] }> {
  const out: Array<{ mac: string; ipv4: string[] }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const mac = f[1] === '-' ? (out.at(-1)?.mac ?? null) : normalizeMac(f[1]);
    if (!mac) continue;
    let entry = out.find((e) => e.mac === mac);
    if (!entry) out.push((entry = { mac, ipv4: [] }));
    const address = f[3]!.replace(/\/\d+$/, '');
    if (f[2] === 'ipv4' && isIpv4(address)) entry.ipv4.push(address);
  }
  return out;
}

/** libvirt's domain states (`virsh domstate` words) onto the neutral power state. */
export function libvirtPower(state: string): Power {
  switch (state) {
    case 'running':
    case 'idle':
    case 'blocked':
      return 'running';
    case 'paused':
    case 'pmsuspended':
      return 'paused';
    case 'in shutdown':
      return 'stopping';
    case 'shut off':
    case 'crashed':
      return 'off';
    default:
      return 'unknown';
  }
}

/** The sections of a batch's output, by `<uuid>:<what>`. */
export function parseBatch(text: string): Map<string, string> {
  const parts = text.split(/@@([0-9a-f-]{36}:[a-z]+)@@/);
  const out = new Map<string, string>();
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!);
  return out;
}
