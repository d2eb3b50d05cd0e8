// `ssh web` from the host: an OpenSSH client config of the tray's own, one Host entry per VM
// with its current address, the project's user and key, and the host key the tray pinned (as
// a known_hosts file OpenSSH reads, under the same HostKeyAlias), so the first connection asks
// nothing and a changed key is refused as the tray refuses it. ~/.ssh/config only gains a
// marked Include at its top, every other byte kept (the same merge as /etc/hosts).

import { mergeManagedBlock, type BlockMarkers } from '../hosts/hosts-block.js';
import { hostnameProblem } from '../hosts/hosts-block.js';

export interface SshHostEntry {
  project: string;
  machine: string;
  host: string;
  port: number;
  user: string;
  identityFile: string;
  hostKeyAlias: string;
}

export const INCLUDE_MARKERS: BlockMarkers = { begin: '# BEGIN RAGNATRAMP TRAY', end: '# END RAGNATRAMP TRAY', place: 'start' };

/** OpenSSH's quoting: double quotes around a value, which must not hold one itself. */
function quote(value: string): string {
  if (/["\r\n]/.test(value)) throw new Error(`cannot be written into an OpenSSH config: ${JSON.stringify(value)}`);
  return `"${value}"`;
}

/**
 * The names each VM answers to: `<machine>.<project>` always, `<machine>` alone unless another
 * project has a machine of that name (then the longer names tell them apart). Names that are
 * not valid host names are left out, as in hosts files.
 */
export function hostNames(entries: SshHostEntry[]): Map<SshHostEntry, string[]> {
  const count = new Map<string, number>();
  for (const e of entries) count.set(e.machine.toLowerCase(), (count.get(e.machine.toLowerCase()) ?? 0) + 1);
  return new Map(
    entries.map((e) => {
      const short = e.machine.toLowerCase();
      const long = `${short}.${e.project.toLowerCase()}`;
      const names = [...(count.get(short) === 1 ? [short] : []), long].filter((n) => hostnameProblem(n) === null);
      return [e, names];
    }),
  );
}

export function renderSshClientConfig(entries: SshHostEntry[], knownHostsFile: string): string {
  const names = hostNames(entries);
  const sorted = [...entries].sort((a, b) => (a.project + a.machine < b.project + b.machine ? -1 : 1));
  const blocks = sorted.flatMap((e) => {
    const n = names.get(e)!;
    if (n.length === 0) return [];
    return [
      [
        `Host ${n.join(' ')}`,
        `  HostName ${e.host}`,
        ...(e.port !== 22 ? [`  Port ${e.port}`] : []),
        `  User ${quote(e.user)}`,
        `  IdentityFile ${quote(e.identityFile)}`,
        '  IdentitiesOnly yes',
        `  HostKeyAlias ${e.hostKeyAlias}`,
        `  UserKnownHostsFile ${quote(knownHostsFile)}`,
        '  StrictHostKeyChecking yes',
      ].join('\n'),
    ];
  });
  return ['# Written by Ragnatramp Tray at every pass that changes an address; edits are overwritten.', '', ...blocks.map((b) => `${b}\n`)].join('\n');
}

/** The marked Include for ~/.ssh/config; at the top, so that it applies to every host. */
export function includeBlock(configFile: string): string {
  return `${INCLUDE_MARKERS.begin}\nInclude ${quote(configFile)}\n${INCLUDE_MARKERS.end}\n`;
}

export function mergeInclude(userConfig: string, configFile: string): string {
  return mergeManagedBlock(userConfig, includeBlock(configFile), INCLUDE_MARKERS);
}
