// What the Proxmox VE API answers, read (the API viewer's schemas; PVE 8): the cluster's guests
// from /cluster/resources?type=vm, a VM's interfaces from its QEMU guest agent
// (/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces, the agent's own JSON under
// data.result) and a container's from /nodes/{node}/lxc/{vmid}/interfaces. Pure: JSON in.

import { isIpv4, normalizeMac } from '../../discovery/net-address.js';
import type { Power } from '../../discovery/observation.js';

export interface ProxmoxGuest {
  type: 'qemu' | 'lxc';
  vmid: number;
  name: string;
  node: string;
  /** 'running', 'stopped', or for a VM its finer qmpstatus ('paused', 'suspended') where given. */
  status: string;
}

export interface GuestInterface {
  name: string;
  mac: string | null;
  ipv4: string[];
}

const object = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** `data` of /cluster/resources?type=vm; templates are no guests to look for. */
export function parseResources(body: unknown): ProxmoxGuest[] {
  const data = object(body)['data'];
  if (!Array.isArray(data)) return [];
  return data.flatMap((raw) => {
    const r = object(raw);
    const type = r['type'];
    const vmid = Number(r['vmid']);
    if ((type !== 'qemu' && type !== 'lxc') || !Number.isInteger(vmid) || r['template'] === 1 || typeof r['node'] !== 'string') return [];
    const qmp = typeof r['qmpstatus'] === 'string' ? r['qmpstatus'] : null;
    return [{ type, vmid, name: typeof r['name'] === 'string' ? r['name'] : `${type}-${vmid}`, node: r['node'], status: qmp ?? String(r['status'] ?? 'unknown') }];
  });
}

/** The guest agent's guest-network-get-interfaces, as Proxmox passes it on (`data.result`). */
export function parseAgentInterfaces(body: unknown): GuestInterface[] {
  const result = object(object(body)['data'])['result'];
  if (!Array.isArray(result)) return [];
  return result.map((raw) => {
    const i = object(raw);
    const addresses = Array.isArray(i['ip-addresses']) ? i['ip-addresses'].map(object) : [];
    return { name: String(i['name'] ?? ''), mac: normalizeMac(String(i['hardware-address'] ?? '')), ipv4: addresses.filter((a) => a['ip-address-type'] === 'ipv4' && isIpv4(String(a['ip-address']))).map((a) => String(a['ip-address'])) };
  });
}

/** A container's /interfaces: `hwaddr` and `inet` ("10.0.0.5/24") per interface. */
export function parseLxcInterfaces(body: unknown): GuestInterface[] {
  const data = object(body)['data'];
  if (!Array.isArray(data)) return [];
  return data.map((raw) => {
    const i = object(raw);
    const inet = String(i['inet'] ?? '').replace(/\/\d+$/, '');
    return { name: String(i['name'] ?? ''), mac: normalizeMac(String(i['hwaddr'] ?? i['hardware-address'] ?? '')), ipv4: isIpv4(inet) ? [inet] : [] };
  });
}

export function proxmoxPower(status: string): Power {
  switch (status) {
    case 'running':
      return 'running';
    case 'paused':
    case 'suspended':
    case 'prelaunch':
      return 'paused';
    case 'stopped':
      return 'off';
    default:
      return 'unknown';
  }
}
