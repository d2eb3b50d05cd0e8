// The manifest provider: gathers one pass's facts (the manifest's VMs and their namespaces or pid
// files, its DHCP lease files, the host's neighbour table: `ip -j neigh` on Linux, `arp -an` and
// bootpd's leases first on macOS) and hands them to the pure tier logic. Commands go through a
// runner seam and never through a shell. A neighbour table that cannot be read costs only that
// tier (said on the VMs left without an address), never the pass. libvirt's domains are the
// libvirt provider's (providers/libvirt).

import { spawn } from 'node:child_process';
import { existsSync, watch as watchPath, type FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DiscoveryProvider } from '../../discovery/provider.js';
import { readTail } from '../../discovery/read-tail.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { resolveRegisteredName } from '../../discovery/dns-name.js';
import { normalizeMac } from '../../discovery/net-address.js';
import type { Lease } from '../../discovery/address-tiers.js';
import { cLocaleEnv } from '../../discovery/c-locale.js';
import { execRunner, readHostNeighbors, type CommandRunner } from '../../discovery/host-neighbors.js';
import { BOOTPD_LEASES, readBootpdLeases } from '../../discovery/bootpd-leases.js';
import { errorMessage } from '../../errors.js';
import type { NeighborEntry } from '../../discovery/pick-neighbor.js';
import { parseDnsmasqLeases, parseLibvirtStatus, parseMonitorLine } from './linux-facts.js';
import type { LinuxManifest } from './manifest.js';
import { observeLinux, type InventoryVm, type LinuxFacts } from './observe-linux.js';

export class LinuxProvider implements DiscoveryProvider {
  readonly name = 'linux';
  /** MACs of the VMs last observed: only their neighbour events are worth a pass. */
  private knownMacs = new Set<string>();
  /** Address → MAC of those VMs' neighbour entries, as last seen. */
  private pairs = new Map<string, string>();

  constructor(
    private readonly manifest: LinuxManifest | null,
    private readonly runCommand: CommandRunner = execRunner,
    private readonly host: { platform: NodeJS.Platform; bootpdLeases: () => Promise<Lease[]> } = { platform: process.platform, bootpdLeases: () => readBootpdLeases() },
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const [inventory, leases, table] = await Promise.all([this.manifestInventory(), this.leases(), this.neighbors()]);
    const neighbors = 'error' in table ? [] : table;
    this.knownMacs = new Set(inventory.map((v) => normalizeMac(v.mac)).filter((m): m is string => !!m));
    for (const n of neighbors) {
      const mac = normalizeMac(n.mac);
      if (mac && this.knownMacs.has(mac)) this.pairs.set(n.ip, mac);
    }
    const facts: LinuxFacts = { inventory, leases, neighbors, ...('error' in table ? { neighbourError: table.error } : {}) };
    // The slower tiers (a console log read, a DNS query) only for VMs the lease tier left
    // without an address: a pass over VMs that all hold leases reads and asks nothing more.
    const first = observeLinux(refs, facts, now);
    const pending = new Set(first.filter((o) => o.power === 'running' && !o.network?.ipv4).map((o) => o.ref.vmName));
    if (pending.size === 0) return first;
    const [consoleLogs, registered] = await Promise.all([this.consoleLogs(pending), this.registeredNames(pending)]);
    return observeLinux(refs, { ...facts, consoleLogs, registered }, now);
  }

  /** The tail of each console log asked for: the latest boot's table is near its end. */
  private async consoleLogs(names: ReadonlySet<string>): Promise<Map<string, string>> {
    const vms = (this.manifest?.vms ?? []).filter((v) => v.consoleLog && names.has(v.name));
    const texts = await Promise.all(vms.map(async (v) => [v.name, await readTail(v.consoleLog!)] as const));
    return new Map(texts.filter(([, text]) => text !== null) as Array<[string, string]>);
  }

  private async registeredNames(names: ReadonlySet<string>): Promise<Map<string, string | null>> {
    const server = this.manifest?.dnsServer;
    const vms = (this.manifest?.vms ?? []).filter((v) => v.hostname && names.has(v.name));
    if (!server || vms.length === 0) return new Map();
    return new Map(await Promise.all(vms.map(async (v) => [v.name, await resolveRegisteredName(v.hostname!, server)] as const)));
  }

  /**
   * Lease files change when a DHCP server hands out or renews an address; `ip monitor neigh`
   * prints every neighbour event. A neighbour event counts only when a known VM's MAC appears at
   * a new address or an address is dropped: the routine REACHABLE/STALE churn does not.
   */
  watch(onHint: () => void): () => void {
    const watchers: FSWatcher[] = [];
    const files = [...(this.host.platform === 'darwin' ? [BOOTPD_LEASES] : []), ...(this.manifest?.leaseFiles ?? []).map((f) => f.path)];
    for (const dir of new Set(files.map((f) => path.dirname(f)))) {
      const names = new Set(files.filter((f) => path.dirname(f) === dir).map((f) => path.basename(f)));
      try {
        watchers.push(watchPath(dir, (_event, name) => (name && names.has(name) ? onHint() : undefined)));
      } catch {
        // A folder that does not exist yet: polling still covers it.
      }
    }
    const pairs = this.pairs;
    // macOS has no `ip` and no neighbour events to follow: its guests' leases (above) and the poll.
    if (this.host.platform === 'darwin') return () => watchers.forEach((w) => w.close());
    const monitor = spawn('ip', ['-4', 'monitor', 'neigh'], { stdio: ['ignore', 'pipe', 'ignore'], env: cLocaleEnv() });
    monitor.on('error', () => undefined); // no iproute2: polling only
    createInterface({ input: monitor.stdout }).on('line', (line) => {
      const e = parseMonitorLine(line);
      if (!e || !this.knownMacs.has(e.mac ?? pairs.get(e.ip) ?? '')) return;
      const before = pairs.get(e.ip);
      if (e.deleted) pairs.delete(e.ip);
      else pairs.set(e.ip, e.mac!);
      if (e.deleted || before !== e.mac) onHint();
    });
    return () => {
      for (const w of watchers) w.close();
      monitor.kill();
    };
  }

  private async manifestInventory(): Promise<InventoryVm[]> {
    return Promise.all(
      (this.manifest?.vms ?? []).map(async (vm) => ({ name: vm.name, id: vm.id ?? null, mac: vm.mac, ...((await isRunning(vm.netns, vm.pidFile)) ? { power: 'running' as const, state: 'running' } : { power: 'off' as const, state: 'off' }), from: 'manifest' as const })),
    );
  }

  private async neighbors(): Promise<NeighborEntry[] | { error: string }> {
    try {
      return await readHostNeighbors(this.runCommand, this.host.platform);
    } catch (err) {
      return { error: errorMessage(err) };
    }
  }

  /** bootpd's leases first on macOS (every vmnet guest's DHCP server), then the manifest's files. */
  private async leases(): Promise<Lease[]> {
    const bootpd = this.host.platform === 'darwin' ? await this.host.bootpdLeases() : [];
    const files = this.manifest?.leaseFiles ?? [];
    const all = await Promise.all(
      files.map(async (f) => {
        const text = await readFile(f.path, 'utf8').catch(() => '');
        return f.format === 'dnsmasq' ? parseDnsmasqLeases(text) : parseLibvirtStatus(text);
      }),
    );
    return [...bootpd, ...all.flat()];
  }

  async dispose(): Promise<void> {}
}


async function isRunning(netns: string | undefined, pidFile: string | undefined): Promise<boolean> {
  if (netns && !existsSync(path.join('/run/netns', netns))) return false;
  if (pidFile) {
    const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
      process.kill(pid, 0);
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return true;
}
