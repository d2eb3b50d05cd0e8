// The quickemu provider's edges: lists the folder's `<vm>.conf` files, reads each VM's pid and
// ports files (regular files of a few KiB only: quickemu's folder is the user's, anything may sit
// there), checks that the pid file names this VM's live QEMU (not a pid the system has since
// reused), asks a running VM's guest agent over its socket and, for bridged VMs (and on a Mac
// for vmnet ones, with bootpd's leases), reads the host's neighbour table; then hands the facts
// to observeQuickemu. It watches the VM folders, where QEMU
// writes and removes pid files.

import { watch as watchPath, type FSWatcher } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HypervisorError } from '../../errors.js';
import { execRunner, readHostNeighbors, type CommandRunner } from '../../discovery/host-neighbors.js';
import type { DiscoveryProvider, ListedVm, PowerAction } from '../../discovery/provider.js';
import { readSmallFile } from '../../discovery/read-tail.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { networkOf, parseConf, parsePid, parsePorts, vmnetNic, vmPaths } from './quickemu-files.js';
import { readBootpdLeases } from '../../discovery/bootpd-leases.js';
import type { Lease } from '../../discovery/address-tiers.js';
import { observeQuickemu, type QuickemuVm } from './observe-quickemu.js';
import { askGuestAgent, type AgentReply } from './guest-agent-socket.js';
import { powerQuickemu, type QuickemuPowerOptions } from './quickemu-power.js';
import { isVmQemu, systemLookup, type ProcessLookup } from './quickemu-process.js';

// A silent agent costs every pass its whole deadline: one that stayed silent is asked again
// only after a while (or once its VM has a new QEMU), its last answer standing meanwhile.
const SILENT_AGENT_RETRY_MS = 30_000;

export class QuickemuProvider implements DiscoveryProvider {
  readonly name = 'quickemu';
  private readonly silentAgents = new Map<string, { pid: number; until: number; reply: AgentReply }>();

  constructor(
    private readonly folder: string,
    private readonly runCommand: CommandRunner = execRunner,
    private readonly lookupProcess: ProcessLookup = systemLookup,
    private readonly askAgent: (socket: string) => Promise<AgentReply> = askGuestAgent,
    /** The host's OS and bootpd's leases (a vmnet NIC on a Mac), and how a start or stop runs (quickemu-power.ts). */
    private readonly more: { platform?: NodeJS.Platform; bootpdLeases?: () => Promise<Lease[]>; power?: Omit<QuickemuPowerOptions, 'running'> } = {},
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const vms = await this.readVms();
    const platform = this.more.platform ?? process.platform;
    const mac = platform === 'darwin';
    const vmnet = mac && vms.some((v) => v.running && vmnetNic(v.conf));
    const bridged = vms.some((v) => v.running && networkOf(v.conf).kind === 'bridge' && !mac);
    const [neighbors, leases] = await Promise.all([bridged || vmnet ? readHostNeighbors(this.runCommand, platform) : [], vmnet ? (this.more.bootpdLeases ?? readBootpdLeases)() : []]);
    return observeQuickemu(refs, { folder: this.folder, vms, neighbors, platform, leases }, now);
  }

  /** Every <vm>.conf of the folder, named as quickemu names the VM (the file's name without .conf). */
  async list(): Promise<ListedVm[]> {
    return (await this.confFiles()).map((file) => ({ name: path.basename(file, '.conf'), id: `quickemu:${path.join(this.folder, file)}` }));
  }

  private async confFiles(): Promise<string[]> {
    try {
      return (await readdir(this.folder)).filter((f) => f.endsWith('.conf')).sort();
    } catch (err) {
      throw new HypervisorError(`quickemu's folder ${this.folder} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, 'Check the path given to --quickemu: it is the folder that holds your <vm>.conf files.');
    }
  }

  private async readVms(askAgents = true): Promise<QuickemuVm[]> {
    const names = await this.confFiles();
    return Promise.all(
      names.map(async (file): Promise<QuickemuVm> => {
        const confFile = path.join(this.folder, file);
        const conf = parseConf(await readFile(confFile, 'utf8').catch(() => ''));
        const paths = vmPaths(confFile, conf);
        const [pidFile, portsFile, created, agentSocket] = await Promise.all([
          readSmallFile(paths.pid),
          readSmallFile(paths.ports),
          // Never started: quickemu has made no disk, pid, ports or log file yet (VMDIR may be the .conf's own folder).
          Promise.all([paths.disk, paths.pid, paths.ports, paths.log].map((f) => lstat(f).then(() => true, () => false))).then((e) => e.includes(true)),
          lstat(paths.agent).then((s) => s.isSocket(), () => false),
        ]);
        const pid = pidFile ? parsePid(pidFile.text) : null;
        const proc = pid === null ? null : await this.lookupProcess(pid);
        const running = !!proc && isVmQemu(proc, paths, pidFile!.modifiedMs);
        const confPort = Number(conf.values['ssh_port']);
        const sshPort = parsePorts(portsFile?.text ?? '').ssh ?? (Number.isInteger(confPort) && confPort > 0 && confPort < 65536 ? confPort : null);
        const agent = askAgents && running && agentSocket && networkOf(conf).kind !== 'none' ? await this.agentOf(paths.agent, pid!) : undefined;
        return { confFile, conf, paths, created, running, sshPort, ...(agent ? { agent } : {}) };
      }),
    );
  }

  private async agentOf(socket: string, pid: number): Promise<AgentReply> {
    const silent = this.silentAgents.get(socket);
    if (silent && silent.pid === pid && Date.now() < silent.until) return silent.reply;
    const reply = await this.askAgent(socket);
    if ('silent' in reply) this.silentAgents.set(socket, { pid, until: Date.now() + SILENT_AGENT_RETRY_MS, reply });
    else this.silentAgents.delete(socket);
    return reply;
  }

  power(vm: VmObservation, action: PowerAction): Promise<string> {
    const running = async (v: VmObservation) => (await this.readVms(false)).some((q) => q.confFile === (v.detail.provider === 'quickemu' ? v.detail.conf : null) && q.running);
    return powerQuickemu({ platform: this.more.platform, ...this.more.power, running }, vm, action);
  }

  /** quickemu writes the pid file when QEMU starts and removes it when it is stopped. */
  watch(onHint: () => void): () => void {
    const watchers: FSWatcher[] = [];
    const dirs = new Set<string>([this.folder]);
    void this.readVms()
      .then((vms) => {
        for (const v of vms) dirs.add(v.paths.dir);
        for (const dir of dirs) {
          try {
            watchers.push(watchPath(dir, (_event, name) => (name && /\.(pid|ports|conf)$/.test(name) ? onHint() : undefined)));
          } catch {
            // A folder not made yet: polling still covers it.
          }
        }
      })
      .catch(() => undefined);
    return () => {
      for (const w of watchers) w.close();
    };
  }

  async dispose(): Promise<void> {}
}
