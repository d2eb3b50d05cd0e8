// `ssh web` from the host: an OpenSSH client config of the tray's own, one Host entry per VM
// with its current address, the project's user and key, and the host key the tray pinned (as
// a known_hosts file OpenSSH reads, under the same HostKeyAlias), so the first connection asks
// nothing and a changed key is refused as the tray refuses it. ~/.ssh/config only gains a
// marked Include at its top, every other byte kept (the same merge as /etc/hosts). Every value
// is spelled per OpenSSH's own reading (openssh-syntax.ts) or its VM is left out, with why.

import { mergeManagedBlock, type BlockMarkers } from '../hosts/hosts-block.js';
import { hostnameProblem } from '../hosts/hosts-block.js';
import { opensshHostKeyAlias, opensshUser, opensshWord, OpensshValueError } from './openssh-syntax.js';

export interface SshHostEntry {
  project: string;
  machine: string;
  host: string;
  port: number;
  user: string;
  identityFile: string;
  hostKeyAlias: string;
  /** Its extra names from the app's settings (the domain's, aliases), already checked by the plan. */
  aliases?: string[];
}

export interface RefusedEntry {
  project: string;
  machine: string;
  message: string;
}

export interface LeftToUser {
  name: string;
  instead: string;
}

/** What the names depend on besides the reachable VMs. */
export interface NameContext {
  /** Every machine of every project, up or not, so that short names do not change with what runs. */
  machines?: Array<{ project: string; machine: string }>;
  /** Whether the user's own ssh config already answers to a name (then it stays the user's). */
  userHas?: (name: string) => boolean;
}

export interface RenderedSshConfig {
  text: string;
  names: Map<SshHostEntry, string[]>;
  /** The VMs left out, each with a line naming it and the value OpenSSH could not be given. */
  refused: RefusedEntry[];
  /** Short names left to the user's own config, with the name the tray's entry has instead. */
  leftToUser: LeftToUser[];
}

export const INCLUDE_MARKERS: BlockMarkers = { begin: '# BEGIN RAGNATRAMP TRAY', end: '# END RAGNATRAMP TRAY', place: 'start' };

/**
 * The names each VM answers to: `<machine>.<project>` always, `<machine>` alone unless another
 * project has a machine of that name (then the longer names tell them apart) or the user's own
 * config already has it; then its extra names (the domain's, aliases) that no other VM answers
 * to. Names that are not valid host names are left out, as in hosts files.
 */
export function hostNames<E extends { project: string; machine: string; aliases?: string[] }>(entries: E[], context: NameContext = {}): { names: Map<E, string[]>; leftToUser: LeftToUser[] } {
  const machines = new Map<string, Set<string>>();
  for (const m of [...(context.machines ?? []), ...entries]) {
    const short = m.machine.toLowerCase();
    machines.set(short, (machines.get(short) ?? new Set()).add(m.project.toLowerCase()));
  }
  const leftToUser: LeftToUser[] = [];
  const userHas = (name: string) => !!context.userHas?.(name);
  const names = new Map(
    entries.map((e) => {
      const short = e.machine.toLowerCase();
      const long = `${short}.${e.project.toLowerCase()}`;
      const unique = machines.get(short)!.size === 1;
      const users = unique && !!context.userHas?.(short);
      if (users && hostnameProblem(short) === null) leftToUser.push({ name: short, instead: long });
      // An extra name another VM answers to (its machine name, or an alias of its own too) tells neither apart: left out.
      const extra = (e.aliases ?? []).filter((a) => !machines.has(a) && !userHas(a) && entries.every((o) => o === e || !(o.aliases ?? []).includes(a)));
      const names = [...(unique && !users ? [short] : []), long, ...extra].filter((n) => hostnameProblem(n) === null);
      return [e, [...new Set(names)]];
    }),
  );
  return { names, leftToUser };
}

const FROM_HYPERVISOR = 'The hypervisor reported it, not ragnatramp.yaml: send a support bundle.';

/** The tray's known_hosts path is not the project's to change: its folder is. */
function knownHostsWord(knownHostsFile: string): string {
  try {
    return opensshWord(knownHostsFile, 'percent-dollar', `the tray's known_hosts path ${JSON.stringify(knownHostsFile)}`);
  } catch (err) {
    throw err instanceof OpensshValueError ? new OpensshValueError(err.message, "Move the tray's folder (RAGNATRAMP_TRAY_HOME) to a path without it.") : err;
  }
}

function hostBlock(e: SshHostEntry, names: string[], knownHostsFile: string): string {
  // HostName is percent-expanded (ssh.c:1197): only an address or a plain host name goes in.
  if (!/^[A-Za-z0-9][A-Za-z0-9.:-]*$/.test(e.host)) throw new OpensshValueError(`its address ${JSON.stringify(e.host)} is not an IP address or host name`, FROM_HYPERVISOR);
  if (!Number.isInteger(e.port) || e.port < 1 || e.port > 65535) throw new OpensshValueError(`its port ${e.port} is not a TCP port`, FROM_HYPERVISOR);
  return [
    `Host ${names.join(' ')}`,
    `  HostName ${e.host}`,
    ...(e.port !== 22 ? [`  Port ${e.port}`] : []),
    `  User ${opensshUser(e.user)}`,
    `  IdentityFile ${opensshWord(e.identityFile, 'percent-dollar', `the key path ${JSON.stringify(e.identityFile)}`)}`,
    '  IdentitiesOnly yes',
    `  HostKeyAlias ${opensshHostKeyAlias(e.hostKeyAlias)}`,
    `  UserKnownHostsFile ${knownHostsWord(knownHostsFile)}`,
    '  StrictHostKeyChecking yes',
  ].join('\n');
}

export function renderSshClientConfig(entries: SshHostEntry[], knownHostsFile: string, context: NameContext = {}): RenderedSshConfig {
  const { names, leftToUser } = hostNames(entries, context);
  const sorted = [...entries].sort((a, b) => (a.project + a.machine < b.project + b.machine ? -1 : 1));
  const refused: RefusedEntry[] = [];
  const blocks = sorted.flatMap((e) => {
    const n = names.get(e)!;
    if (n.length === 0) return [];
    try {
      return [hostBlock(e, n, knownHostsFile)];
    } catch (err) {
      if (!(err instanceof OpensshValueError)) throw err;
      refused.push({ project: e.project, machine: e.machine, message: `${e.machine} (${e.project}) was left out of the OpenSSH config: ${err.message}. ${err.remedy}` });
      names.set(e, []);
      return [];
    }
  });
  const text = ['# Written by Ragnatramp Tray at every pass that changes an address; edits are overwritten.', '', ...blocks.map((b) => `${b}\n`)].join('\n');
  return { text, names, refused, leftToUser };
}

/** Said once, in the window and the CLI alike. */
export function leftToUserNotice(leftToUser: LeftToUser[], userConfig: string): string {
  return `Your own ssh config (${userConfig} or a file it includes) already has Host ${leftToUser.map((l) => l.name).join(', ')}: the tray leaves ${leftToUser.length === 1 ? 'that name' : 'those names'} to you and writes ${leftToUser.map((l) => l.instead).join(', ')} only.`;
}

/** The marked Include for ~/.ssh/config; at the top, so that it applies to every host. */
export function includeBlock(configFile: string): string {
  // Include is percent- and dollar-expanded since OpenSSH 9.9 only (readconf.c:2076).
  return `${INCLUDE_MARKERS.begin}\nInclude ${opensshWord(configFile, 'varies', `the tray's config path ${JSON.stringify(configFile)}`)}\n${INCLUDE_MARKERS.end}\n`;
}

export function mergeInclude(userConfig: string, configFile: string): string {
  return mergeManagedBlock(userConfig, includeBlock(configFile), INCLUDE_MARKERS);
}
