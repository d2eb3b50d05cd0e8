// The Linux provider: gathers one pass's facts (the manifest's VMs and their namespaces or pid
// files, libvirt's domains where virsh exists, DHCP lease files, `ip -j neigh`) and hands them
// to the pure tier logic. Commands go through a runner seam and never through a shell.

import { execFile, spawn } from 'node:child_process';
import { existsSync, watch as watchPath, type FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import { open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HypervisorError } from '../../errors.js';
import type { DiscoveryProvider } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { resolveRegisteredName } from '../../discovery/dns-name.js';
import { normalizeMac } from '../../discovery/net-address.js';
import { libvirtPower, parseDnsmasqLeases, parseIpNeigh, parseLibvirtStatus, parseMonitorLine, parseVirshDomiflist, parseVirshList, type Lease } from './linux-facts.js';
import type { LinuxManifest } from './manifest.js';
import { observeLinux, type InventoryVm, type LinuxFacts } from './observe-linux.js';

/** Runs a program with arguments (no shell); rejects with the error's `code` ('ENOENT' when absent). */
export type CommandRunner = (command: string, args: string[]) => Promise<string>;

export const execRunner: CommandRunner = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 15_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(Object.assign(err, { stderr })) : resolve(stdout)));
  });

const LIBVIRT_STATUS_DIR = '/var/lib/libvirt/dnsmasq';

export class LinuxProvider implements DiscoveryProvider {
  readonly name = 'linux';
  private virshMissing = false;
  /** MACs of the VMs last observed: only their neighbour events are worth a pass. */
  private knownMacs = new Set<string>();
  /** Address → MAC of those VMs' neighbour entries, as last seen. */
  private pairs = new Map<string, string>();

  constructor(
    private readonly manifest: LinuxManifest | null,
    private readonly runCommand: CommandRunner = execRunner,
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const [manifestVms, libvirtVms, leases, neighborsJson] = await Promise.all([this.manifestInventory(), this.libvirtInventory(), this.leases(), this.neighbors()]);
    const inventory = [...manifestVms, ...libvirtVms];
    this.knownMacs = new Set(inventory.map((v) => normalizeMac(v.mac)).filter((m): m is string => !!m));
    const neighbors = parseIpNeigh(neighborsJson);
    for (const n of neighbors) {
      const mac = normalizeMac(n.mac);
      if (mac && this.knownMacs.has(mac)) this.pairs.set(n.ip, mac);
    }
    const facts: LinuxFacts = { inventory, leases, neighbors };
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
    const texts = await Promise.all(vms.map(async (v) => [v.name, await readTail(v.consoleLog!, CONSOLE_TAIL_BYTES)] as const));
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
    const files = (this.manifest?.leaseFiles ?? []).map((f) => f.path);
    if (!this.virshMissing && existsSync(LIBVIRT_STATUS_DIR)) files.push(path.join(LIBVIRT_STATUS_DIR, 'x.status'));
    for (const dir of new Set(files.map((f) => path.dirname(f)))) {
      const names = new Set(files.filter((f) => path.dirname(f) === dir).map((f) => path.basename(f)));
      try {
        watchers.push(watchPath(dir, (_event, name) => (name && (names.has(name) || name.endsWith('.status')) ? onHint() : undefined)));
      } catch {
        // A folder that does not exist yet: polling still covers it.
      }
    }
    const pairs = this.pairs;
    const monitor = spawn('ip', ['-4', 'monitor', 'neigh'], { stdio: ['ignore', 'pipe', 'ignore'] });
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

  private async libvirtInventory(): Promise<InventoryVm[]> {
    if (this.virshMissing) return [];
    let list: string;
    try {
      list = await this.runCommand('virsh', ['-q', 'list', '--all']);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') this.virshMissing = true;
      return [];
    }
    const domains = parseVirshList(list);
    const withMacs = await Promise.all(
      domains.map(async (d) => {
        const ifaces = parseVirshDomiflist(await this.runCommand('virsh', ['-q', 'domiflist', '--domain', d.name]).catch(() => ''));
        return ifaces[0] ? [{ name: d.name, id: null, mac: ifaces[0].mac, power: libvirtPower(d.state), state: d.state, from: 'libvirt' as const }] : [];
      }),
    );
    return withMacs.flat();
  }

  private async leases(): Promise<Lease[]> {
    const files = [...(this.manifest?.leaseFiles ?? [])];
    if (!this.virshMissing) {
      const statusFiles = await readdir(LIBVIRT_STATUS_DIR).catch(() => [] as string[]);
      for (const f of statusFiles) if (f.endsWith('.status')) files.push({ path: path.join(LIBVIRT_STATUS_DIR, f), format: 'libvirt-status' });
    }
    const all = await Promise.all(
      files.map(async (f) => {
        const text = await readFile(f.path, 'utf8').catch(() => '');
        return f.format === 'dnsmasq' ? parseDnsmasqLeases(text) : parseLibvirtStatus(text);
      }),
    );
    return all.flat();
  }

  private async neighbors(): Promise<string> {
    try {
      return await this.runCommand('ip', ['-j', '-4', 'neigh', 'show']);
    } catch (err) {
      throw new HypervisorError(`The kernel's neighbour table could not be read (${(err as Error).message.split('\n')[0]}).`, "Install iproute2 (the 'ip' command).");
    }
  }

  async dispose(): Promise<void> {}
}

const CONSOLE_TAIL_BYTES = 256 * 1024;

/** The last `bytes` of a file (a console log grows for ever); null when it cannot be read. */
async function readTail(file: string, bytes: number): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
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
