// Small display helpers shared by the components.

import type { IpChange, VmView } from '../../contract/api';

export const STATUS_HELP: Record<VmView['status'], string> = {
  running: 'Running; SSH answers at its address, or its address is not known any more (IP unknown)',
  booting: 'Has an IPv4 address; SSH does not answer yet',
  initializing: 'Started, and no IPv4 address known since',
  stopped: 'Not running',
  missing: 'In state.json but not on this host (or not created yet)',
  unknown: 'Not known: the hypervisor could not be asked (see the message above)',
};

export function timeAgo(iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const s = Math.max(0, Math.round((now.getTime() - new Date(iso).getTime()) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  return h < 24 ? `${h} h ago` : `${Math.round(h / 24)} d ago`;
}

export function formatMac(mac: string | null): string {
  return mac ? mac.match(/../g)!.join(':') : '';
}

export function changeText(c: IpChange): string {
  switch (c.kind) {
    case 'changed':
      return `${c.machineName}: ${c.from} → ${c.to}`;
    case 'appeared':
      return `${c.machineName} is on the network at ${c.to}`;
    case 'lost':
      return c.why ? `${c.machineName}: IP unknown (${c.why}), last known ${c.from}` : `${c.machineName} lost its address (was ${c.from})`;
    case 'stopped':
      return `${c.machineName} stopped${c.from ? ` (it had ${c.from})` : ''}`;
    case 'missing':
      return `${c.machineName}: VM missing (${c.lookedIn} no longer lists it)`;
    case 'gone':
      return `All ${c.count} VMs of ${c.project} are gone (${c.lookedIn} lists none of them)`;
    case 'duplicate':
      return `Duplicate IP ${c.ip}: ${c.machines.join(', ')}`;
  }
}
