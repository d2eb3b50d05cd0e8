// What virsh prints, read: `list --all --uuid --name`, `domstate`, `domifaddr --full` (from
// libvirt's DHCP leases or the guest agent), and a batch of such commands run by one virsh
// process with `echo @@<nonce>:<uuid>:<what>@@` markers between them (the domain's interfaces
// come from its XML: domain-xml.ts). Pure: text in, facts out.

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

/**
 * `virsh -q domifaddr --full`: `<interface> <mac> <protocol> <address>/<prefix>`, name and MAC
 * on every row (without --full, rows after an interface's first print `-` for both,
 * tools/virsh-domain-monitor.c:2381-2387). An interface the guest agent gave no
 * hardware-address (libvirt keeps it NULL, src/qemu/qemu_agent.c:2064-2065) prints an empty MAC
 * (NULLSTR_EMPTY, :2384), and lo and a tun may report 00:00:00:00:00:00: neither is any NIC's,
 * so neither lends an address to one. The name is printed as the agent gave it (`%-10s`), and a
 * Windows guest's agent names an interface by its friendly name ("Ethernet 2", QEMU
 * qga/commands-win32.c, FriendlyName): the columns are read from the right.
 */
export function parseDomifaddr(text: string): Array<{ mac: string; ipv4: string[] }> {
  const out: Array<{ mac: string; ipv4: string[] }> = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const [macField, protocol, addressField] = f.slice(-3) as [string, string, string];
    const mac = normalizeMac(macField);
    if (!mac || mac === '000000000000') continue;
    let entry = out.find((e) => e.mac === mac);
    if (!entry) out.push((entry = { mac, ipv4: [] }));
    const address = addressField.replace(/\/\d+$/, '');
    if (protocol === 'ipv4' && isIpv4(address)) entry.ipv4.push(address);
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

/**
 * The sections of a batch's output, by `<uuid>:<what>`. Markers carry the pass's own random
 * `nonce`, so that no text a command prints (a domain's description in its XML) can pose as one.
 */
export function parseBatch(text: string, nonce: string): Map<string, string> {
  const parts = text.split(new RegExp(`@@${nonce}:([0-9a-f-]{36}:[a-z]+)@@`));
  const out = new Map<string, string>();
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!);
  return out;
}
