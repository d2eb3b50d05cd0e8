// Writes the tray's OpenSSH client config and its known_hosts (from the pinned keys) into
// <tray home>/ssh/, and, when asked, the marked Include into the user's ~/.ssh/config. Every
// file is replaced atomically and only when its content changes; a symlinked ~/.ssh/config is
// written through.

import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { renameWithRetry, writeDurably } from '../atomic-file.js';
import { InputError } from '../errors.js';
import { HostsFileError } from '../hosts/hosts-block.js';
import type { ProjectPlan } from '../plan/plan.js';
import type { FileHostKeyStore } from './known-hosts.js';
import { mergeInclude, renderSshClientConfig, type SshHostEntry } from './ssh-client-config.js';

export interface SshConfigFiles {
  configFile: string;
  knownHostsFile: string;
  /** The user's ~/.ssh/config, when the Include was asked for. */
  userConfig: string | null;
  changed: string[];
  /** Machines whose host key the tray has not pinned yet: OpenSSH refuses them until it has. */
  unpinned: string[];
}

/** One entry per VM the plan can reach over SSH (it has an address and an SSH block). */
export function sshEntries(plans: ProjectPlan[]): SshHostEntry[] {
  return plans.flatMap((pp) => pp.vms.flatMap((r) => (r.sshTarget ? [r.sshTarget] : [])).map((t) => ({ project: pp.project, machine: t.machineName, host: t.host, port: t.port, user: t.user, identityFile: t.privateKeyPath, hostKeyAlias: t.hostKeyAlias })));
}

export function userSshConfigPath(): string {
  return path.join(os.homedir(), '.ssh', 'config');
}

export async function writeSshConfig(options: { home: string; entries: SshHostEntry[]; hostKeys: FileHostKeyStore; userConfig?: string; /** Another file than the one ~/.ssh/config includes (Open SSH's). */ configName?: string }): Promise<SshConfigFiles> {
  const dir = path.join(options.home, 'ssh');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const configFile = path.join(dir, options.configName ?? 'config');
  const knownHostsFile = path.join(dir, 'known_hosts');
  const changed: string[] = [];
  const lines = await options.hostKeys.knownHostsLines();
  const pinned = new Set(lines.map((l) => l.slice(0, l.indexOf(' '))));
  const unpinned = options.entries.filter((e) => !pinned.has(e.hostKeyAlias)).map((e) => e.machine);
  if (await replaceIfChanged(knownHostsFile, lines.length > 0 ? `${lines.join('\n')}\n` : '')) changed.push(knownHostsFile);
  if (await replaceIfChanged(configFile, renderSshClientConfig(options.entries, knownHostsFile))) changed.push(configFile);
  if (options.userConfig) {
    await mkdir(path.dirname(options.userConfig), { recursive: true, mode: 0o700 });
    const target = await realpath(options.userConfig).catch(() => options.userConfig!);
    const current = await readFile(target, 'latin1').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw new InputError(options.userConfig!, [{ field: null, problem: `cannot be read (${err.code})` }], 'Nothing was written.');
    });
    let merged: string;
    try {
      merged = mergeInclude(current, configFile);
    } catch (err) {
      if (err instanceof HostsFileError) throw new InputError(options.userConfig, [{ field: null, problem: err.message }], 'Nothing was written.');
      throw err;
    }
    if (await replaceIfChanged(target, merged, 'latin1')) changed.push(options.userConfig);
  }
  return { configFile, knownHostsFile, userConfig: options.userConfig ?? null, changed, unpinned };
}

async function replaceIfChanged(file: string, content: string, encoding: BufferEncoding = 'utf8'): Promise<boolean> {
  const before = await readFile(file, encoding).catch(() => null);
  if (before === content) return false;
  // OpenSSH refuses a config or known_hosts others can write: keep the file's mode, else 0600.
  const mode = before === null ? 0o600 : (await stat(file)).mode & 0o7777;
  const tmp = `${file}.ragnatramp-${process.pid}.tmp`;
  await writeDurably(tmp, Buffer.from(content, encoding), mode);
  await renameWithRetry(tmp, file);
  return true;
}
