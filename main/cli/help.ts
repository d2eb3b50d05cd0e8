// The command line's help: an overview of the commands, and per command its usage, options and
// examples (`help <command>`, `<command> --help`). A usage error is one line and a hint.

import { PROVIDER_NAMES } from '../engine/providers/registry.js';
import { WATCHED_HELP } from './watched-args.js';

interface CommandHelp {
  name: string;
  summary: string;
  usage: string;
  options: Array<[string, string]>;
  examples: string[];
}

const PROVIDER_OPTIONS: Array<[string, string]> = [
  ['--simulate <scenario>', 'answer from a Hyper-V simulation scenario instead of PowerShell'],
  ['--provider <name>', `${PROVIDER_NAMES.join(' or ')} (by default Hyper-V on Windows, libvirt elsewhere)`],
  ['--manifest <file>', 'Linux provider: the VMs, MACs and lease files to use'],
  ['--quickemu <folder>', 'quickemu provider: the folder that holds your <vm>.conf files'],
  ['--proxmox <url>', 'Proxmox VE provider: the cluster, https://host:8006'],
  ['--proxmox-token <file>', "Proxmox VE provider: the API token's file (by default <tray folder>/proxmox/<host>_<port>.token)"],
  ['--libvirt <uri>', 'libvirt provider: qemu:///system (the default), qemu:///session or qemu+ssh://host/system'],
  ...WATCHED_HELP,
];
const COMMON: Array<[string, string]> = [
  ['--json', 'print one JSON object on stdout and nothing else'],
  ...PROVIDER_OPTIONS,
  ['--verbose', 'print each PowerShell invocation and the log to stderr'],
  ['--known-hosts <file>', 'where pinned SSH host keys live'],
];
const WAIT: Array<[string, string]> = [
  ['--wait <s>', 'poll running VMs without an IPv4 for up to s seconds'],
  ['--poll <s>', 'seconds between those polls (3)'],
];

export const COMMANDS: CommandHelp[] = [
  {
    name: 'status',
    summary: 'each VM with its IP, source, KVP and SSH; writes nothing',
    usage: 'ragnatramp-tray status [--config <ragnatramp.yaml>]... [options]',
    options: [
      ['--config <yaml>', "a project (give several to see them together; by default the app's projects)"],
      ['--watch', 'look again and again, printing the status each time it changed (with --json: one document per line), until Ctrl-C'],
      ['--interval <s>', 'with --watch: seconds between looks (10; a Linux host\'s changes are seen at once)'],
      ...WAIT,
      ...COMMON,
    ],
    examples: ['ragnatramp-tray status', 'ragnatramp-tray status --config ragnatramp.yaml', 'ragnatramp-tray status --config a/ragnatramp.yaml --config b/ragnatramp.yaml --json', 'ragnatramp-tray status --watch --json | jq -c .duplicates', 'ragnatramp-tray status --libvirt qemu:///system'],
  },
  {
    name: 'reconcile',
    summary: "discover IPs, record them in state.json, sync every guest's /etc/hosts",
    usage: 'ragnatramp-tray reconcile (--config <ragnatramp.yaml> | --quickemu <folder> | --libvirt <uri> | --proxmox <url>) [options]',
    options: [
      ['--config <yaml>', 'the project (or, without it, every VM of --quickemu, --libvirt or --proxmox)'],
      ['--dry-run', 'plan and show, write nothing'],
      ['--no-hosts', 'record IPs but touch no /etc/hosts'],
      ['--concurrency <n>', 'guests synced at once (8)'],
      ['--timeout <s>', 'deadline per guest (20)'],
      ['--accept-host-key <machine>', "trust the machine's new SSH host key (after a rebuild)"],
      ['--wait <s>', 'poll running VMs without an IPv4 for up to s seconds (60)'],
      ['--poll <s>', 'seconds between those polls (3)'],
      ...COMMON,
    ],
    examples: ['ragnatramp-tray reconcile --config ragnatramp.yaml', 'ragnatramp-tray reconcile --config ragnatramp.yaml --dry-run', 'ragnatramp-tray reconcile --config ragnatramp.yaml --accept-host-key web', 'ragnatramp-tray reconcile --quickemu ~/vms --ssh-user me --ssh-key ~/.ssh/id_ed25519'],
  },
  {
    name: 'diagnose',
    summary: 'KVP, SSH and guest checks, with the commands that fix them',
    usage: 'ragnatramp-tray diagnose --config <ragnatramp.yaml> [options]',
    options: [['--config <yaml>', 'the project'], ['--timeout <s>', 'deadline per guest (20)'], ...WAIT, ...COMMON],
    examples: ['ragnatramp-tray diagnose --config ragnatramp.yaml'],
  },
  {
    name: 'hosts',
    summary: 'print the managed hosts block, or merge it into a file',
    usage: 'ragnatramp-tray hosts [--config <ragnatramp.yaml>] [--apply-to <file>] [options]',
    options: [['--config <yaml>', "the project (by default the app's, when it watches one)"], ['--apply-to <file>', 'merge the block into this file, keeping a .ragnatramp.bak'], ...WAIT, ...COMMON],
    examples: ['ragnatramp-tray hosts --config ragnatramp.yaml', 'sudo ragnatramp-tray hosts --config ragnatramp.yaml --apply-to /etc/hosts'],
  },
  {
    name: 'inventory',
    summary: 'every running VM with an address, for Ansible, OpenSSH or a hosts file',
    usage: 'ragnatramp-tray inventory --format ansible|ssh|hosts [--config <ragnatramp.yaml>]... [options]',
    options: [
      ['--format <f>', 'ansible: an inventory in YAML, one group per project; ssh: an OpenSSH config (as ssh-config prints it); hosts: hosts-file lines'],
      ['--config <yaml>', "a project (give several; by default the app's projects)"],
      ...WAIT,
      ...COMMON,
    ],
    examples: ['ragnatramp-tray inventory --format ansible > inventory.yml && ansible all -i inventory.yml -m ping', 'ragnatramp-tray inventory --format hosts'],
  },
  {
    name: 'fix',
    summary: "install and start a guest's Hyper-V KVP daemon over SSH",
    usage: 'ragnatramp-tray fix kvp --config <ragnatramp.yaml> --machine <name> [--dry-run] [options]',
    options: [['--config <yaml>', 'the project'], ['--machine <name>', 'the machine to fix'], ['--dry-run', 'print the exact commands, run nothing'], ['--timeout <s>', 'deadline per step, times 15 (20)'], ...COMMON],
    examples: ['ragnatramp-tray fix kvp --config ragnatramp.yaml --machine db --dry-run', 'ragnatramp-tray fix kvp --config ragnatramp.yaml --machine db'],
  },
  ...(['start', 'stop', 'restart'] as const).map(
    (name): CommandHelp => ({
      name,
      summary: { start: 'start a VM through its provider (Start-VM, virsh start, quickemu --vm, the Proxmox VE API)', stop: 'shut a VM down through its guest OS (Stop-VM, virsh shutdown, system_powerdown, the API)', restart: 'restart a VM: its guest shuts down, then it starts again' }[name],
      usage: `ragnatramp-tray ${name} --config <ragnatramp.yaml> --machine <name> [options]`,
      options: [['--config <yaml>', 'the project'], ['--machine <name>', `the machine to ${name}`], ...COMMON],
      examples: [`ragnatramp-tray ${name} --config ragnatramp.yaml --machine web`, ...(name === 'start' ? ['ragnatramp-tray start --config ragnatramp.yaml --machine web && ragnatramp-tray reconcile --config ragnatramp.yaml'] : [])],
    }),
  ),
  {
    name: 'doctor',
    summary: "check every step of a pass on this PC, for each provider in use (the flags', else each project's), with the fix for each",
    usage: 'ragnatramp-tray doctor [--config <ragnatramp.yaml>]... [options]',
    options: [['--config <yaml>', "a project (by default the app's projects)"], ['--json', 'print one JSON object'], ...PROVIDER_OPTIONS, ['--verbose', 'print each PowerShell invocation to stderr']],
    examples: ['ragnatramp-tray doctor', 'ragnatramp-tray doctor --config ragnatramp.yaml --json'],
  },
  {
    name: 'support-bundle',
    summary: 'write one zip for a bug report: log, versions, settings, projects',
    usage: 'ragnatramp-tray support-bundle [--config <ragnatramp.yaml>]... [--out <file.zip>] [--json]',
    options: [['--config <yaml>', "a project (by default the app's projects)"], ['--out <file.zip>', 'where to write it'], ['--json', 'print { "file": … }']],
    examples: ['ragnatramp-tray support-bundle', 'ragnatramp-tray support-bundle --out bug.zip'],
  },
  {
    name: 'ssh-config',
    summary: "the OpenSSH config for the VMs; --write makes 'ssh <machine>' work",
    usage: 'ragnatramp-tray ssh-config --config <ragnatramp.yaml>... [--write] [--user-config <file>] [options]',
    options: [['--config <yaml>', 'a project'], ['--write', 'write it and the Include line in ~/.ssh/config'], ['--user-config <file>', 'with --write: instead of ~/.ssh/config'], ['--json', 'print the entries as JSON'], ...PROVIDER_OPTIONS, ['--known-hosts <file>', 'where pinned SSH host keys live']],
    examples: ['ragnatramp-tray ssh-config --config ragnatramp.yaml', 'ragnatramp-tray ssh-config --config ragnatramp.yaml --write && ssh web'],
  },
];

export const COMMAND_NAMES = [...COMMANDS.map((c) => c.name), 'help', 'version'];

const columns = (rows: Array<[string, string]>) => {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
};

export const USAGE = `Usage: ragnatramp-tray <command> [options]

Commands:
${columns([...COMMANDS.map((c): [string, string] => [c.name === 'fix' ? 'fix kvp' : c.name, c.summary]), ['help [<command>]', 'this overview, or a command\'s options and examples'], ['version', 'print the version (also --version)']])}

Run 'ragnatramp-tray help <command>' for its options and examples.
Exit codes: 0 success, 1 the hypervisor could not be queried or a VM failed (status: a VM
needs attention; diagnose and doctor: a check failed), 2 bad input, 3 (reconcile) nothing
failed but no guest's hosts were synced (every sync skipped).`;

export function commandHelp(name: string): string | null {
  const c = COMMANDS.find((x) => x.name === name);
  if (!c) return null;
  return `${c.summary.charAt(0).toUpperCase()}${c.summary.slice(1)}.

Usage: ${c.usage}

Options:
${columns(c.options)}

Examples:
${c.examples.map((e) => `  ${e}`).join('\n')}`;
}

/** One line saying what is wrong, and one saying where the usage is. */
export function usageError(message: string, command?: string): string {
  const known = command && COMMANDS.some((c) => c.name === command);
  return `ragnatramp-tray: ${message}\nRun 'ragnatramp-tray help${known ? ` ${command}` : ''}' for usage.\n`;
}
