// Checks made inside a guest over SSH, for the diagnostics panel: is the KVP daemon installed
// and running (and which package provides it on this distribution), does `sudo -n` work, does
// cloud-init rewrite /etc/hosts at boot, is the managed block there and current. Plus the
// commands that install the KVP daemon, which `fix kvp` runs (or prints, on a dry run).

import { errorMessage } from '../errors.js';
import { BEGIN_MARKER, HostsFileError, mergeHostsBlock } from '../hosts/hosts-block.js';
import { READ_HOSTS_COMMAND, shQuote } from '../ssh/remote-hosts-write.js';
import type { SshConnector, SshTarget } from '../ssh/ssh-session.js';
import { withSession } from '../ssh/with-session.js';
import { texts, warning, type Warning } from '../warning.js';

const PROBE_SCRIPT = [
  // `.` of a missing file ends a POSIX shell (dash, busybox) whatever its redirection: test first.
  '[ -r /etc/os-release ] && . /etc/os-release',
  'echo "os_id=${ID:-unknown}"',
  'echo "os_like=${ID_LIKE:-}"',
  'echo "os_name=${PRETTY_NAME:-}"',
  'echo "kernel=$(uname -r)"',
  'if command -v hv_kvp_daemon >/dev/null 2>&1 || [ -x /usr/sbin/hv_kvp_daemon ] || [ -x "/usr/lib/linux-tools/$(uname -r)/hv_kvp_daemon" ] || [ -x /usr/sbin/hypervkvpd ]; then echo kvp_installed=yes; else echo kvp_installed=no; fi',
  'if pgrep -x hv_kvp_daemon >/dev/null 2>&1 || pgrep -x hypervkvpd >/dev/null 2>&1; then echo kvp_running=yes; else echo kvp_running=no; fi',
  // root needs no sudo (and a minimal guest has none): what the hosts write runs as, see remote-hosts-write.ts.
  'if [ "$(id -u)" = 0 ] || sudo -n true >/dev/null 2>&1; then echo sudo=yes; else echo sudo=no; fi',
  'if [ -d /etc/cloud ]; then echo cloud_init=yes; else echo cloud_init=no; fi',
  // systemd's DHCP client id derives from it: clones of one image that share it share an address.
  'echo "machine_id=$(head -c 64 /etc/machine-id 2>/dev/null | tr -cd 0-9a-f)"',
  "echo \"manage_etc_hosts=$(grep -rhsE '^[[:space:]]*manage_etc_hosts[[:space:]]*:' /etc/cloud/cloud.cfg /etc/cloud/cloud.cfg.d /var/lib/cloud/instance/user-data.txt 2>/dev/null | tail -n 1 | sed -e 's/.*manage_etc_hosts[[:space:]]*:[[:space:]]*//' -e 's/[[:space:]]*#.*//')\"",
].join('\n');

export const GUEST_PROBE_COMMAND = `sh -c ${shQuote(PROBE_SCRIPT)}`;

export interface GuestFacts {
  osId: string;
  osLike: string[];
  osName: string;
  kernel: string;
  kvpInstalled: boolean;
  kvpRunning: boolean;
  sudo: boolean;
  cloudInit: boolean;
  /** cloud-init's manage_etc_hosts value, '' when not set. */
  manageEtcHosts: string;
  /** /etc/machine-id (hex only); null when the guest has none. */
  machineId: string | null;
}

export function parseGuestProbe(stdout: string): GuestFacts {
  const kv = new Map(stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()] as const));
  const yes = (k: string) => kv.get(k) === 'yes';
  return {
    osId: kv.get('os_id') || 'unknown',
    osLike: (kv.get('os_like') ?? '').split(/\s+/).filter(Boolean),
    osName: kv.get('os_name') ?? '',
    kernel: kv.get('kernel') ?? '',
    kvpInstalled: yes('kvp_installed'),
    kvpRunning: yes('kvp_running'),
    sudo: yes('sudo'),
    cloudInit: yes('cloud_init'),
    manageEtcHosts: (kv.get('manage_etc_hosts') ?? '').replace(/^["']|["']$/g, ''),
    machineId: /^[0-9a-f]{32}$/.test(kv.get('machine_id') ?? '') ? kv.get('machine_id')! : null,
  };
}

export interface KvpPackage {
  family: 'ubuntu' | 'debian' | 'rhel';
  package: string;
  unit: string;
}

/** Which package provides hv_kvp_daemon here (facts file, "Guest side"); null if unknown. */
export function kvpPackageFor(facts: GuestFacts): KvpPackage | null {
  const ids = [facts.osId, ...facts.osLike];
  // The kernel string goes into a command line: only a plain release name is used as is.
  const kernel = /^[A-Za-z0-9._+-]+$/.test(facts.kernel) ? facts.kernel : '$(uname -r)';
  if (ids.includes('ubuntu')) return { family: 'ubuntu', package: `linux-cloud-tools-${kernel}`, unit: 'hv-kvp-daemon.service' };
  if (ids.includes('debian')) return { family: 'debian', package: 'hyperv-daemons', unit: 'hyperv-daemons.hv-kvp-daemon.service' };
  if (ids.some((i) => ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'].includes(i))) return { family: 'rhel', package: 'hyperv-daemons', unit: 'hypervkvpd.service' };
  return null;
}

/** The exact commands that install and start the KVP daemon, run one by one over SSH. */
export function kvpFixCommands(pkg: KvpPackage): string[] {
  const install =
    pkg.family === 'rhel'
      ? [`sudo -n dnf install -y ${pkg.package}`]
      : ['sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update', `sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkg.package}`];
  // The unit binds to the vmbus hv_kvp device, which may have appeared before the package:
  // reloading hv_utils makes it appear again (facts file).
  return [...install, 'sudo -n modprobe -r hv_utils', 'sudo -n modprobe hv_utils', pkg.family === 'rhel' ? `sudo -n systemctl enable --now ${pkg.unit}` : `sudo -n systemctl restart ${pkg.unit}`];
}

/** 'unmanaged': the VM gets no block (it cannot reach its peers), so none is expected. */
export type HostsBlockState = 'current' | 'stale' | 'missing' | 'broken' | 'unmanaged';

export interface GuestDiagnostic {
  os: string;
  kernel: string;
  /** Hyper-V's KVP daemon in the guest; null where the provider does not depend on it. */
  kvpDaemon: { installed: boolean; running: boolean; package: string | null; fix: string[] } | null;
  sudo: boolean;
  cloudInitManagesHosts: boolean;
  hostsBlock: HostsBlockState;
  machineId: string | null;
  /** The other inspected VMs with the same machine-id (clones of one image); set by the clone check. */
  clonedWith?: string[];
  warnings: string[];
  /** The same warnings in the same order, each with its code (the `codedWarnings` convention of --json). */
  codedWarnings: Array<{ code: string; text: string }>;
}

/** What the guest checks look at: the block the guest should hold (null: none), and whether its provider needs the KVP daemon. */
export interface GuestExpectations {
  block: string | null;
  kvpDaemon: boolean;
}

export function diagnoseGuest(facts: GuestFacts, hostsText: string, expect: GuestExpectations, user: string): GuestDiagnostic {
  const pkg = kvpPackageFor(facts);
  const fix = pkg && !(facts.kvpInstalled && facts.kvpRunning) ? kvpFixCommands(pkg) : [];
  const found: Warning[] = [];
  // Outside Hyper-V the KVP daemon means nothing to the VM's provider.
  if (expect.kvpDaemon && !facts.kvpInstalled) found.push(warning('kvp-daemon-missing', `The KVP daemon (hv_kvp_daemon) is not installed${pkg ? `: install ${pkg.package}` : ''}, so Hyper-V cannot see this guest's IP. 'ragnatramp-tray fix kvp' does it over SSH.`));
  else if (expect.kvpDaemon && !facts.kvpRunning) found.push(warning('kvp-daemon-stopped', `The KVP daemon is installed but not running${pkg ? `: restart ${pkg.unit} after reloading hv_utils` : ''}. 'ragnatramp-tray fix kvp' does it over SSH.`));
  // sudo is for the hosts write, which a VM that gets no block never has.
  if (!facts.sudo && expect.block !== null) found.push(warning('sudo-password', `sudo asks user '${user}' for a password: hosts sync needs passwordless sudo ('${user} ALL=(ALL) NOPASSWD: ALL' in /etc/sudoers.d/${user}).`));
  const managesHosts = ['true', 'template'].includes(facts.manageEtcHosts.toLowerCase());
  if (managesHosts) found.push(warning('cloud-init-hosts', `cloud-init has manage_etc_hosts: ${facts.manageEtcHosts}, so it rewrites /etc/hosts at every boot and drops the managed block until the next sync. Set manage_etc_hosts: false (or localhost) in /etc/cloud/cloud.cfg.d/.`));
  const state = expect.block === null ? 'unmanaged' : hostsBlockState(hostsText, expect.block);
  if (state === 'missing') found.push(warning('hosts-block-missing', "/etc/hosts has no managed block yet: reconcile to write it (Sync now in the window, or 'ragnatramp-tray reconcile')."));
  if (state === 'stale') found.push(warning('hosts-block-stale', "/etc/hosts holds an out-of-date managed block: reconcile to update it (Sync now in the window, or 'ragnatramp-tray reconcile')."));
  if (state === 'broken') found.push(warning('hosts-block-broken', '/etc/hosts has a BEGIN RAGNATRAMP marker without its END (or the reverse): fix it by hand; the tray will not guess.'));
  return {
    os: facts.osName || facts.osId,
    kernel: facts.kernel,
    machineId: facts.machineId,
    kvpDaemon: expect.kvpDaemon ? { installed: facts.kvpInstalled, running: facts.kvpRunning, package: pkg?.package ?? null, fix } : null,
    sudo: facts.sudo,
    cloudInitManagesHosts: managesHosts,
    hostsBlock: state,
    warnings: texts(found),
    codedWarnings: found.map(({ code, text }) => ({ code, text })),
  };
}

function hostsBlockState(hostsText: string, block: string): HostsBlockState {
  try {
    if (mergeHostsBlock(hostsText, block) === hostsText) return 'current';
  } catch (err) {
    if (err instanceof HostsFileError) return 'broken';
    throw err;
  }
  return hostsText.replace(/^(\xEF\xBB\xBF|\uFEFF)/, '').split(/\r?\n/).some((l) => l.trim() === BEGIN_MARKER) ? 'stale' : 'missing';
}

/** Connects, probes and reads /etc/hosts; a failure is reported, never thrown. */
export async function inspectGuest(connector: SshConnector, target: SshTarget, expect: GuestExpectations, timeoutMs: number): Promise<GuestDiagnostic | { error: string }> {
  return reportErrors(withSession(connector, target, timeoutMs, async (session) => {
    const probe = await session.exec(GUEST_PROBE_COMMAND);
    const hosts = await session.exec(READ_HOSTS_COMMAND);
    return diagnoseGuest(parseGuestProbe(probe.stdout.toString('utf8')), hosts.stdout.toString('latin1'), expect, target.user);
  }));
}

export interface FixStep {
  command: string;
  code: number | null;
  output: string;
}

export interface KvpFixOutcome {
  machineName: string;
  dryRun: boolean;
  /** Why nothing is to be done, when that is the case. */
  nothingToDo?: string;
  commands: string[];
  steps: FixStep[];
  success: boolean;
}

/** Installs and starts the KVP daemon over SSH, one command at a time, stopping at a failure. */
export async function fixKvp(connector: SshConnector, target: SshTarget, options: { dryRun: boolean; timeoutMs: number; onStep?: (command: string) => void }): Promise<KvpFixOutcome | { error: string }> {
  return reportErrors(withSession(connector, target, options.timeoutMs, async (session) => {
    const facts = parseGuestProbe((await session.exec(GUEST_PROBE_COMMAND)).stdout.toString('utf8'));
    const base = { machineName: target.machineName, dryRun: options.dryRun, steps: [] as FixStep[] };
    if (facts.kvpInstalled && facts.kvpRunning) return { ...base, nothingToDo: 'the KVP daemon is installed and running', commands: [], success: true };
    const pkg = kvpPackageFor(facts);
    if (!pkg) return { ...base, nothingToDo: `the tray does not know this distribution's KVP package (${facts.osName || facts.osId}); install its Hyper-V daemons by hand`, commands: [], success: false };
    const commands = kvpFixCommands(pkg);
    if (options.dryRun) return { ...base, commands, success: true };
    for (const command of commands) {
      options.onStep?.(command);
      const r = await session.exec(command);
      base.steps.push({ command, code: r.code, output: `${r.stdout.toString('utf8')}${r.stderr.toString('utf8')}`.trim() });
      if (r.code !== 0) return { ...base, commands, success: false };
    }
    return { ...base, commands, success: true };
  }));
}

async function reportErrors<T>(work: Promise<T>): Promise<T | { error: string }> {
  try {
    return await work;
  } catch (err) {
    return { error: errorMessage(err) };
  }
}
