// The libvirt provider's edges: virsh, through the command runner (never a shell), on the URI
// the user gave (qemu:///system, qemu:///session, qemu+ssh://host/system). One virsh call lists
// the domains, one more reads state, XML (the interfaces) and leases of the domains asked about (a batch
// of commands whose only words are fixed ones and UUIDs), and the guest agent is asked only for
// running domains the leases left without an address, and among them only those whose last answer
// cannot stand: the domain started again (a new domain id), its state changed, that answer gave no
// address or its address stopped answering SSH, or a slow refresh came due. The neighbour table is
// read only when libvirt runs on this host. Watching: virsh's event stream, and on this host the
// lease files.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { watch as watchPath, type FSWatcher } from 'node:fs';
import { createInterface } from 'node:readline';
import pLimit from 'p-limit';
import { HypervisorError } from '../../errors.js';
import { cLocaleEnv } from '../../discovery/c-locale.js';
import { installHint } from '../../discovery/tool-path.js';
import { execRunner, readHostNeighbors, type CommandRunner } from '../../discovery/host-neighbors.js';
import type { DiscoveryProvider, ListedVm, PowerAction, SshAnswer } from '../../discovery/provider.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { isUsableIpv4 } from '../../discovery/net-address.js';
import { checkLibvirtUri, isLocalUri } from './libvirt-uri.js';
import { matchDomain, observeLibvirt, primaryInterface, type DomainFacts } from './observe-libvirt.js';
import { parseDomainInterfaces } from './domain-xml.js';
import { powerLibvirt, virshReason } from './libvirt-power.js';
import { parseBatch, parseDomainList, parseDomifaddr, UUID, type Domain } from './virsh-output.js';

const LEASE_DIR = '/var/lib/libvirt/dnsmasq';
/** A remembered agent answer is asked again after this long whatever else (minutes). */
export const AGENT_REFRESH_MS = 10 * 60_000;

/**
 * A domain's last guest-agent answer and the boot it came from: libvirt gives a domain a new id
 * each time its process starts (src/qemu/qemu_process.c, qemuProcessInit:
 * `vm->def->id = qemuDriverAllocateID(driver)`), so the same id and state is the same boot.
 */
interface AgentMemo {
  boot: string;
  answer: NonNullable<DomainFacts['agent']>;
  /** The address it gave for the domain's own NIC. */
  address: string | null;
  at: number;
  answered: boolean;
  silent: boolean;
}

/**
 * A running domain's id, from its live XML's root (`<domain type='kvm' id='5'>`, the number
 * `virsh domid` prints; a shut-off domain's root has none: virsh 9.0.0's test driver, destroy then
 * start, prints `<domain type='test'>` then `<domain type='test' id='201'>` and domid 201). Read
 * from the dumpxml the batch already asks, not one more command per domain; '' when there is none.
 */
function domainId(xml: string): string {
  return /^\s*<domain\b[^>]*?\sid='(\d+)'/.exec(xml)?.[1] ?? '';
}

export class LibvirtProvider implements DiscoveryProvider {
  readonly name = 'libvirt';

  readonly uri: string;

  private readonly agents = new Map<string, AgentMemo>();

  /** Checked here too, the last step before virsh: a URI can name programs libvirt runs (libvirt-uri.ts). */
  constructor(
    uri: string,
    private readonly runCommand: CommandRunner = execRunner,
    private readonly clock: () => number = Date.now,
    /** The host's OS (its neighbour table: arp -an on a Mac; its install hints), and how long a shut-down guest may take to power off (libvirt-power.ts's default when not given). */
    private readonly more: { platform?: NodeJS.Platform; shutdownMs?: number } = {},
  ) {
    this.uri = checkLibvirtUri(uri, 'the libvirt URI');
  }

  private get platform(): NodeJS.Platform {
    return this.more.platform ?? process.platform;
  }

  private virsh(args: string[]): Promise<string> {
    return this.runCommand('virsh', ['-c', this.uri, '-q', ...args]);
  }

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const domains = await this.listDomains();
    const matched = [...new Set(refs.map((r) => matchDomain(r, domains)).filter((d): d is Domain => !!d))];
    const details = await this.readDomains(matched);
    const neighbors = isLocalUri(this.uri) ? await readHostNeighbors(this.runCommand, this.platform) : null;
    return observeLibvirt(refs, { uri: this.uri, domains, details, neighbors }, now);
  }

  /** Every domain of the URI, running or not: a project of its own needs no selection here. */
  async list(): Promise<ListedVm[]> {
    return (await this.listDomains()).map((d) => ({ name: d.name, id: d.uuid }));
  }

  private async listDomains(): Promise<Domain[]> {
    try {
      return parseDomainList(await this.virsh(['list', '--all', '--uuid', '--name']));
    } catch (err) {
      // Unseen for a while (the host rebooting, say): a domain id is no proof of the same boot any
      // more, as a host's ids start again from 1 and autostart hands them out in the same order.
      this.agents.clear();
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new HypervisorError('virsh is not installed, so libvirt cannot be asked.', installHint('virsh', this.platform));
      throw new HypervisorError(`libvirt at ${this.uri} could not be asked (${virshReason(e)}).`, `Check that libvirtd runs there and that you may use it (the libvirt group, or the URI's user).`);
    }
  }

  /** State, interfaces and leases in one virsh process; then the agent where no lease knew. */
  private async readDomains(domains: Domain[]): Promise<Map<string, DomainFacts>> {
    const details = new Map<string, DomainFacts>();
    if (domains.length === 0) return details;
    const nonce = randomBytes(6).toString('hex');
    const mark = (uuid: string, what: string) => `echo @@${nonce}:${uuid}:${what}@@`;
    const commands = domains.flatMap((d) => {
      if (!UUID.test(d.uuid)) return [];
      return [mark(d.uuid, 'state'), `domstate --domain ${d.uuid}`, mark(d.uuid, 'xml'), `dumpxml --domain ${d.uuid}`, mark(d.uuid, 'lease'), `domifaddr --domain ${d.uuid} --full --source lease`];
    });
    // A domain that vanished between the two calls fails its own commands; the rest still print.
    const out = parseBatch(await this.virsh([commands.join(' ; ')]).catch((err: { stdout?: string }) => err.stdout ?? ''), nonce);
    for (const d of domains) {
      const interfaces = parseDomainInterfaces(out.get(`${d.uuid}:xml`) ?? '');
      details.set(d.uuid, { state: (out.get(`${d.uuid}:state`) ?? '').trim() || 'unknown', interfaces, leases: parseDomifaddr(out.get(`${d.uuid}:lease`) ?? '') });
    }
    const limit = pLimit(4);
    const now = this.clock();
    await Promise.all(
      [...details].map(([uuid, f]) =>
        limit(async () => {
          const mac = primaryInterface(f.interfaces)?.mac;
          if (f.state !== 'running') this.agents.delete(uuid);
          if (f.state !== 'running' || !mac || f.leases.some((l) => l.mac === mac && l.ipv4.some(isUsableIpv4))) return;
          const boot = `${domainId(out.get(`${uuid}:xml`) ?? '')} ${f.state}`;
          const memo = this.agents.get(uuid);
          // A clock set back makes the age negative: asked again, not kept as long as the clock went back.
          if (memo && memo.boot === boot && memo.address && !memo.silent && now - memo.at >= 0 && now - memo.at < AGENT_REFRESH_MS) {
            f.agent = memo.answer;
            return;
          }
          try {
            f.agent = { interfaces: parseDomifaddr(await this.virsh(['domifaddr', '--domain', uuid, '--full', '--source', 'agent'])) };
          } catch (err) {
            const e = err as Error & { stderr?: string };
            f.agent = { error: virshReason(e) };
          }
          const address = 'interfaces' in f.agent ? (f.agent.interfaces.find((i) => i.mac === mac)?.ipv4.find(isUsableIpv4) ?? null) : null;
          this.agents.set(uuid, { boot, answer: f.agent, address, at: now, answered: false, silent: false });
        }),
      ),
    );
    return details;
  }

  power(vm: VmObservation, action: PowerAction): Promise<string> {
    return powerLibvirt({ virsh: (args) => this.virsh(args), uri: this.uri, ...(this.more.shutdownMs ? { shutdownMs: this.more.shutdownMs } : {}) }, vm, action);
  }

  /** Whether the addresses given answered SSH: an agent's address that answered and no longer does is asked again next pass. */
  sshAnswers(answers: SshAnswer[]): void {
    for (const a of answers) {
      const memo = this.agents.get(a.hypervisorId);
      if (!memo || memo.address !== a.ipv4) continue;
      if (a.open) Object.assign(memo, { answered: true, silent: false });
      else if (memo.answered) Object.assign(memo, { answered: false, silent: true });
    }
  }

  /** virsh's event stream (domains started, stopped) and, on this host, libvirt's lease files. */
  watch(onHint: () => void): () => void {
    const events = spawn('virsh', ['-c', this.uri, 'event', '--all', '--loop'], { stdio: ['ignore', 'pipe', 'ignore'], env: cLocaleEnv() });
    events.on('error', () => undefined); // no virsh: polling only
    createInterface({ input: events.stdout }).on('line', (line) => (/^event /.test(line) ? onHint() : undefined));
    let leases: FSWatcher | null = null;
    if (isLocalUri(this.uri)) {
      try {
        leases = watchPath(LEASE_DIR, (_event, name) => (name?.endsWith('.status') ? onHint() : undefined));
      } catch {
        // No libvirt network on this host yet: polling covers it.
      }
    }
    return () => {
      events.kill();
      leases?.close();
    };
  }

  async dispose(): Promise<void> {}
}
