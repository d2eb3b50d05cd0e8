// Writes the tray's OpenSSH client config and its known_hosts (from the pinned keys) into
// <tray home>/ssh/, and, when asked, the marked Include into the user's ~/.ssh/config. Every
// file is replaced atomically and only when its content changes, keeping its owner and mode; the
// new config is read back by OpenSSH before it is put in place. A symlinked ~/.ssh/config is
// written through; a dangling link or a read-only file is left alone, with how to add the
// Include by hand. Short names the user's own config already has stay the user's.

import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdirKeepingOwner, replaceFile } from '../atomic-file.js';
import { InputError } from '../errors.js';
import { HostsFileError } from '../hosts/hosts-block.js';
import type { ProjectPlan } from '../plan/plan.js';
import type { FileHostKeyStore } from './known-hosts.js';
import { checkWithOpenssh, type ConfigCheck } from './openssh-check.js';
import { opensshHostKeyAlias, OpensshValueError } from './openssh-syntax.js';
import { includeBlock, mergeInclude, renderSshClientConfig, type NameContext, type RenderedSshConfig, type SshHostEntry } from './ssh-client-config.js';
import { readUserHostPatterns, userHasName } from './user-ssh-names.js';

export interface SshConfigFiles {
  configFile: string;
  knownHostsFile: string;
  /** The user's ~/.ssh/config, when the Include was asked for. */
  userConfig: string | null;
  changed: string[];
  /** Machines whose host key the tray has not pinned yet: OpenSSH refuses them until it has. */
  unpinned: string[];
  /** VMs left out because a value of theirs cannot be given to OpenSSH. */
  refused: RenderedSshConfig['refused'];
  /** Short names the user's own config already has, left to it. */
  leftToUser: RenderedSshConfig['leftToUser'];
  names: RenderedSshConfig['names'];
}

/** One entry per VM the plan can reach over SSH (it has an address and an SSH block). */
export function sshEntries(plans: ProjectPlan[]): SshHostEntry[] {
  return plans.flatMap((pp) => pp.vms.flatMap((r) => (r.sshTarget ? [{ t: r.sshTarget, aliases: r.aliases }] : [])).map(({ t, aliases }) => ({ project: pp.project, machine: t.machineName, host: t.host, port: t.port, user: t.user, identityFile: t.privateKeyPath, hostKeyAlias: t.hostKeyAlias, ...(aliases.length > 0 ? { aliases } : {}) })));
}

/** Every machine of the plans, up or not: short names depend on these, not on what runs. */
export function planMachines(plans: ProjectPlan[]): NameContext['machines'] {
  return plans.flatMap((pp) => pp.vms.map((r) => ({ project: pp.project, machine: r.machineName })));
}

export function userSshConfigPath(): string {
  return path.join(os.homedir(), '.ssh', 'config');
}

/** The names context for a user config: its Host patterns, its Includes followed. */
export async function userNames(userConfig: string | undefined, trayHome: string): Promise<NameContext['userHas']> {
  if (!userConfig) return undefined;
  const patterns = await readUserHostPatterns(userConfig, path.join(trayHome, 'ssh'));
  return (name) => userHasName(patterns, name);
}

export async function writeSshConfig(options: {
  home: string;
  entries: SshHostEntry[];
  hostKeys: FileHostKeyStore;
  userConfig?: string;
  /** Another file than the one ~/.ssh/config includes (Open SSH's). */
  configName?: string;
  machines?: NameContext['machines'];
  /** Tests: instead of asking the installed OpenSSH. */
  check?: ConfigCheck;
}): Promise<SshConfigFiles> {
  const dir = path.join(options.home, 'ssh');
  mkdirKeepingOwner(dir, 0o700);
  const configFile = path.join(dir, options.configName ?? 'config');
  const knownHostsFile = path.join(dir, 'known_hosts');
  const changed: string[] = [];
  const lines = await options.hostKeys.knownHostsLines();
  // Read the pins back under the very alias they are written with (opensshHostKeyAlias).
  const pinned = new Set(lines.map((l) => l.slice(0, l.indexOf(' '))));
  const unpinned = options.entries.filter((e) => !pinned.has(opensshHostKeyAlias(e.hostKeyAlias))).map((e) => e.machine);
  if (await replaceIfChanged(knownHostsFile, lines.length > 0 ? `${lines.join('\n')}\n` : '')) changed.push(knownHostsFile);
  const rendered = renderSshClientConfig(options.entries, knownHostsFile, { machines: options.machines, userHas: await userNames(options.userConfig, options.home) });
  const hosts = options.entries.flatMap((e) => {
    const name = rendered.names.get(e)?.[0];
    // ssh -G prints IdentityFile as written (%% kept, OpenSSH 9.2) or expanded (newer): either is
    // right; and a host name (not an address) lowercased (ssh.c:1205-1207), which means the same host.
    return name ? [{ name, options: { hostname: [e.host, e.host.toLowerCase()], user: [e.user], identityfile: [e.identityFile, e.identityFile.replace(/%/g, '%%')], hostkeyalias: [opensshHostKeyAlias(e.hostKeyAlias)] } }] : [];
  });
  const check = options.check ?? checkWithOpenssh;
  if (
    await replaceIfChanged(configFile, rendered.text, 'utf8', async (tmp) => {
      const problem = await check(tmp, rendered.text, hosts);
      if (problem) throw new InputError(configFile, [{ field: null, problem: `was not updated: the new file would not read as meant (${problem})` }], 'The previous file was kept; please report this with a support bundle.');
    })
  )
    changed.push(configFile);
  if (options.userConfig) {
    if (await addInclude(options.userConfig, configFile)) changed.push(options.userConfig);
  }
  return { configFile, knownHostsFile, userConfig: options.userConfig ?? null, changed, unpinned, refused: rendered.refused, leftToUser: rendered.leftToUser, names: rendered.names };
}

/** The Include at the top of the user's config, unless the file says not to touch it. */
async function addInclude(userConfig: string, configFile: string): Promise<boolean> {
  const refuse = (problem: string) => new InputError(userConfig, [{ field: null, problem }], `To use 'ssh <machine>', add these lines at the top of ${userConfig} yourself:\n${includeBlock(configFile).trimEnd()}`);
  mkdirKeepingOwner(path.dirname(userConfig), 0o700);
  const link = await lstat(userConfig).catch(() => null);
  let target = userConfig;
  if (link?.isSymbolicLink()) {
    target = await realpath(userConfig).catch(() => {
      throw refuse('is a symbolic link to a file that does not exist; the link was left as it is');
    });
  }
  const current = await readFile(target, 'latin1').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw new InputError(userConfig, [{ field: null, problem: `cannot be read (${err.code})` }], 'Nothing was written.');
  });
  let merged: string;
  try {
    merged = mergeInclude(current, configFile);
  } catch (err) {
    if (err instanceof HostsFileError) throw new InputError(userConfig, [{ field: null, problem: err.message }], 'Nothing was written.');
    if (err instanceof OpensshValueError) throw new InputError(userConfig, [{ field: null, problem: `cannot include the tray's config: ${err.message}` }], 'Move the tray\'s folder (RAGNATRAMP_TRAY_HOME) to a path without it.');
    throw err;
  }
  if (merged === current) return false;
  // A file its owner made read-only is the owner's statement: root could write it, the tray does
  // not. On Windows the read-only attribute reads as mode 0444 (libuv src/win/fs.c:1960-1961).
  if (link && ((await stat(target)).mode & 0o200) === 0) throw refuse('is read-only, so the tray leaves it as it is');
  await replaceIfChanged(target, merged, 'latin1');
  return true;
}

async function replaceIfChanged(file: string, content: string, encoding: BufferEncoding = 'utf8', check?: (tmp: string) => Promise<void>): Promise<boolean> {
  const before = await readFile(file, encoding).catch(() => null);
  if (before === content) return false;
  // OpenSSH refuses a config or known_hosts others can write: keep the file's mode, else 0600.
  const mode = before === null ? 0o600 : (await stat(file)).mode & 0o7777;
  await replaceFile(file, Buffer.from(content, encoding), mode, check);
  return true;
}
