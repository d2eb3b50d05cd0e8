// What a Proxmox VE pass remembers of each running guest it read (its config's MACs and digest,
// its interfaces) and what identifies the boot and the config that read came from, so that a
// steady pass asks the cluster one /cluster/resources and nothing per guest. A guest is read
// again when it can have changed: it moved or started again (its uptime went back, or it began
// later than the boot the read came from), what /cluster/resources shows of its config changed
// (then the config is read, and its interfaces only if its digest changed), no address was found
// on it, the address found stopped answering SSH, or a slow refresh came due. Pure: the provider
// asks `planRead` and keeps what `remember` returns; time comes in as milliseconds.

import { ownNicAddress } from '../../discovery/guest-interfaces.js';
import type { ProxmoxGuest } from './proxmox-api.js';
import type { GuestRead } from './observe-proxmox.js';

export interface GuestConfig {
  macs: string[];
  /** The SHA-1 of its config file, as GET …/config gives it; null if not given. */
  digest: string | null;
}

export interface CachedGuest {
  node: string;
  type: ProxmoxGuest['type'];
  /** When its current boot began (this machine's clock, now − uptime), and the uptime last seen. */
  bootAt: number | null;
  uptime: number | null;
  shape: string;
  /** Its config as last read; null when it could not be read. */
  config: GuestConfig | null;
  read: GuestRead;
  /** The address the read found on its own NIC. */
  address: string | null;
  configAt: number;
  /** Its address answered SSH since the read; `silent`: and has stopped answering since. */
  answered: boolean;
  silent: boolean;
}

export interface ReadPlan {
  config: boolean;
  interfaces: boolean;
  why: 'first read' | 'moved' | 'refresh' | 'config unreadable' | 'new boot' | 'config shown changed' | 'no address' | 'address silent';
}

/** How often a guest is read again whatever else: minutes, spread ±10% by vmid so guests read together do not all come due in one pass. */
export const REFRESH_MS = 10 * 60_000;

/**
 * Uptime comes through the RRD, which pvestatd updates every 10 s (pve-manager
 * PVE/Service/pvestatd.pm), and is whole seconds: a boot estimated up to this much later than
 * the one remembered is the same boot.
 */
const BOOT_SLACK_MS = 60_000;

export function refreshAfter(vmid: number, refreshMs = REFRESH_MS): number {
  const spread = ((vmid * 2654435761) >>> 0) / 2 ** 32;
  return refreshMs * (0.9 + 0.2 * spread);
}

function bootAt(g: ProxmoxGuest, nowMs: number): number | null {
  return g.uptime === null ? null : nowMs - g.uptime * 1000;
}

/** Its process started again since the read: its uptime went back, or its boot began well after the one remembered. */
export function newBoot(entry: CachedGuest, g: ProxmoxGuest, nowMs: number): boolean {
  if (g.uptime === null || entry.uptime === null || entry.bootAt === null) return false;
  return g.uptime < entry.uptime || bootAt(g, nowMs)! > entry.bootAt + BOOT_SLACK_MS;
}

/** What must be asked of a running guest this pass; null: its remembered read stands. */
export function planRead(entry: CachedGuest | undefined, g: ProxmoxGuest, nowMs: number, refreshMs = REFRESH_MS): ReadPlan | null {
  if (!entry) return { config: true, interfaces: true, why: 'first read' };
  if (entry.node !== g.node || entry.type !== g.type) return { config: true, interfaces: true, why: 'moved' };
  // A clock set back (this machine's) would otherwise put the refresh off by as long: read again now.
  const age = nowMs - entry.configAt;
  if (age < 0 || age >= refreshAfter(g.vmid, refreshMs)) return { config: true, interfaces: true, why: 'refresh' };
  if (!entry.config) return { config: true, interfaces: true, why: 'config unreadable' };
  // A new boot may bring a config change made while it ran (a pending netN): its interfaces are
  // read, and its config too when none of them has a MAC remembered (see `needsConfig`).
  if (newBoot(entry, g, nowMs)) return { config: false, interfaces: true, why: 'new boot' };
  if (g.shape !== entry.shape) return { config: true, interfaces: false, why: 'config shown changed' };
  if (!entry.address) return { config: false, interfaces: true, why: 'no address' };
  if (entry.silent) return { config: false, interfaces: true, why: 'address silent' };
  return null;
}

/** Interfaces read against a remembered config, none with one of its MACs: the config may have changed (a new netN), so it is read too. */
export function needsConfig(read: GuestRead): boolean {
  const iface = read.interfaces;
  return !!read.macs && !('error' in iface) && !ownNicAddress(iface, read.macs).nic;
}

/** The entry a read leaves; `configAt` is kept when the config was not read again. */
export function remember(g: ProxmoxGuest, read: GuestRead, config: GuestConfig | null, configRead: boolean, nowMs: number, before: CachedGuest | undefined): CachedGuest {
  const iface = read.interfaces;
  const address = read.macs && !('error' in iface) ? ownNicAddress(iface, read.macs).ipv4 : null;
  const sameAddress = !!before && before.address === address;
  return {
    node: g.node,
    type: g.type,
    bootAt: bootAt(g, nowMs),
    uptime: g.uptime,
    shape: g.shape,
    config,
    read,
    address,
    configAt: configRead || !before ? nowMs : before.configAt,
    answered: sameAddress && before.answered,
    silent: false,
  };
}

/** The same read, seen again this pass: its uptime moves on with it. */
export function seen(entry: CachedGuest, g: ProxmoxGuest, nowMs: number): CachedGuest {
  return { ...entry, uptime: g.uptime, bootAt: bootAt(g, nowMs) ?? entry.bootAt, shape: g.shape };
}

/** What the SSH probe found at the address the read gave: an address that answered and no longer does is read again. */
export function sshAnswer(entry: CachedGuest, ipv4: string, open: boolean): CachedGuest {
  if (entry.address !== ipv4) return entry;
  if (open) return { ...entry, answered: true, silent: false };
  return entry.answered ? { ...entry, answered: false, silent: true } : entry;
}
