// The guest side of a simulated scenario: which address answers on port 22, and SSH sessions
// that behave like a guest's for the two commands hosts sync sends. Keeps every simulated
// guest's /etc/hosts in memory and pins host keys through the same store as real SSH, so a
// demo or test never sends a packet to an address the scenario made up.

import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { normalizeMac } from '../discovery/net-address.js';
import { ubuntuHostsFile } from '../hosts/ubuntu-hosts.js';
import type { PortProbe } from '../discovery/port-probe.js';
import type { OfferedHostKey } from '../ssh/offered-host-key.js';
import { hostKeyChangedMessage, type HostKeyStore } from '../ssh/known-hosts.js';
import { parseWriteCommand, READ_HOSTS_COMMAND, sha256Hex, WRITE_EXIT } from '../ssh/remote-hosts-write.js';
import { GUEST_PROBE_COMMAND, kvpFixCommands, kvpPackageFor, parseGuestProbe } from '../diagnostics/guest-checks.js';
import { SshError, type ExecResult, type SshConnector, type SshSession, type SshTarget } from '../ssh/ssh-session.js';
import { scenarioVmId, type Scenario, type ScenarioVm } from './scenario.js';
import type { ScenarioSource } from './scenario-source.js';

/** The guest's own addresses: what its adapters hold and what the neighbour table maps its MACs to. */
function vmAt(scenario: Scenario, ip: string): ScenarioVm | undefined {
  return (scenario.vms ?? []).find((vm) => {
    if ((vm.state ?? 'Running') !== 'Running') return false;
    const macs = new Set((vm.adapters ?? []).map((a) => normalizeMac(a.mac)));
    return (vm.adapters ?? []).some((a) => a.ipAddresses?.includes(ip)) || (scenario.neighbors ?? []).some((n) => n.ip === ip && !n.stale && macs.has(normalizeMac(n.mac)));
  });
}

const OS_RELEASE = {
  ubuntu: { id: 'ubuntu', like: 'debian', name: 'Ubuntu 24.04.1 LTS', kernel: '6.8.0-45-generic' },
  debian: { id: 'debian', like: '', name: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.1.0-26-amd64' },
  rhel: { id: 'rocky', like: 'rhel centos fedora', name: 'Rocky Linux 9.4 (Blue Onyx)', kernel: '5.14.0-427.13.1.el9_4.x86_64' },
};

export class SimulatedGuests {
  /** Each simulated guest's /etc/hosts, by VM id: what a test inspects after a sync. */
  readonly files = new Map<string, Buffer>();
  /** VMs whose KVP daemon `fix kvp` installed: the simulated host then reports KVP OK. */
  readonly kvpFixed = new Set<string>();

  constructor(
    private readonly source: ScenarioSource,
    private readonly hostKeys: HostKeyStore,
    private readonly onFirstUse?: (target: SshTarget, fingerprint: string) => void,
  ) {}

  readonly probe: PortProbe = async (host, port) => {
    const vm = vmAt(await this.source.current(), host);
    return !!vm && port === 22 && (vm.sshPort ?? 'open') === 'open';
  };

  /** The key the guest at that address offers, as real SSH would show it before any login. */
  readonly offeredHostKey: OfferedHostKey = async (host, port) => {
    const vm = vmAt(await this.source.current(), host);
    return vm && port === 22 && (vm.sshPort ?? 'open') === 'open' ? hostKeyBlob(vm) : null;
  };

  readonly connector: SshConnector = {
    connect: async (target, signal) => {
      const vm = vmAt(await this.source.current(), target.host);
      signal.throwIfAborted();
      if (!vm) throw new SshError(`cannot reach ${target.host}:${target.port} (EHOSTUNREACH): the guest may be off or its IP changed; reconcile again.`, 'unreachable');
      if ((vm.sshPort ?? 'open') !== 'open') throw new SshError(`SSH port refused at ${target.host}:${target.port}: is sshd running in the guest?`, 'unreachable');
      try {
        await access(target.privateKeyPath);
      } catch (err) {
        throw new SshError(`cannot read private key ${target.privateKeyPath} for '${target.machineName}' (${(err as NodeJS.ErrnoException).code}): check ssh.private_key in ragnatramp.yaml.`, 'key-file');
      }
      const verdict = await this.hostKeys.verify(target.hostKeyAlias, target.host, hostKeyBlob(vm));
      if (verdict.kind === 'changed') throw new SshError(hostKeyChangedMessage(target.machineName, verdict), 'host-key-changed');
      if (verdict.kind === 'first-use') this.onFirstUse?.(target, verdict.fingerprint);
      return this.session(vm);
    },
  };

  hostsOf(vm: ScenarioVm): Buffer {
    const id = scenarioVmId(vm);
    let file = this.files.get(id);
    if (!file) {
      file = Buffer.from(vm.guest?.hosts ?? ubuntuHostsFile(vm.name.toLowerCase()), 'latin1');
      this.files.set(id, file);
    }
    return file;
  }

  private probe_(vm: ScenarioVm): string {
    return probeOutput(vm, this.kvpFixed.has(scenarioVmId(vm)));
  }

  private fixCommands(vm: ScenarioVm): string[] {
    const pkg = kvpPackageFor(parseGuestProbe(probeOutput(vm, false)));
    return pkg ? kvpFixCommands(pkg) : [];
  }

  private session(vm: ScenarioVm): SshSession {
    const result = (code: number, stdout = '', stderr = ''): ExecResult => ({ code, signal: null, stdout: Buffer.from(stdout, 'latin1'), stderr: Buffer.from(stderr) });
    return {
      exec: async (command, stdin) => {
        if (command === READ_HOSTS_COMMAND) return { ...result(0), stdout: this.hostsOf(vm) };
        if (command === GUEST_PROBE_COMMAND) return result(0, this.probe_(vm));
        const fix = this.fixCommands(vm);
        if (fix.includes(command)) {
          if (vm.guest?.sudo === 'password') return result(1, '', 'sudo: a password is required\n');
          if (command === fix[fix.length - 1]) this.kvpFixed.add(scenarioVmId(vm));
          return result(0);
        }
        const write = parseWriteCommand(command);
        if (!write) return result(127, '', `sh: 1: ${command.split(' ')[0]}: not found\n`);
        if (vm.guest?.sudo === 'password') return result(1, '', 'sudo: a password is required\n');
        const content = stdin ?? Buffer.alloc(0);
        if (sha256Hex(content) !== write.newSha) return result(WRITE_EXIT.truncated);
        if (sha256Hex(this.hostsOf(vm)) !== write.oldSha) return result(WRITE_EXIT.changedMeanwhile);
        this.files.set(scenarioVmId(vm), Buffer.from(content));
        return result(0, 'ok renamed\n');
      },
      close: () => undefined,
      isOpen: () => true,
    };
  }
}

/** What the guest probe prints in this simulated guest. */
function probeOutput(vm: ScenarioVm, kvpFixed: boolean): string {
  const os = OS_RELEASE[vm.guest?.os ?? 'ubuntu'];
  const kvp = kvpFixed ? 'OK' : (vm.kvp ?? 'OK');
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `os_id=${os.id}`,
    `os_like=${os.like}`,
    `os_name=${os.name}`,
    `kernel=${os.kernel}`,
    `kvp_installed=${yes(kvp === 'OK' || kvp === 'Lost Communication')}`,
    `kvp_running=${yes(kvp === 'OK')}`,
    `sudo=${yes(vm.guest?.sudo !== 'password')}`,
    `cloud_init=${yes(vm.guest?.manageEtcHosts !== undefined)}`,
    `manage_etc_hosts=${vm.guest?.manageEtcHosts ?? ''}`,
    // A clone keeps its image's machine-id: the scenario may say so; otherwise each VM has its own.
    `machine_id=${vm.guest?.machineId ?? createHash('md5').update(vm.id ?? vm.name).digest('hex')}`,
    '',
  ].join('\n');
}

/** A stable, plausible ssh-ed25519 public key blob for a simulated guest. */
function hostKeyBlob(vm: ScenarioVm): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const key = createHash('sha256').update(`hostkey:${vm.guest?.hostKey ?? scenarioVmId(vm)}`).digest();
  const len = (b: Buffer) => {
    const l = Buffer.alloc(4);
    l.writeUInt32BE(b.length);
    return l;
  };
  return Buffer.concat([len(type), type, len(key), key]);
}
