// A project the tray defines by its provider alone (a quickemu folder, a libvirt URI, a Proxmox
// VE cluster or one of its pools or tags), with no ragnatramp.yaml: every VM there is a machine,
// named as its hypervisor names it, with the SSH login the user gave per project or per VM and
// the tray's own state file. Its key (what a ragnatramp.yaml's path is to other projects) is
// `<provider>:<option>`, plus `?pool=`/`?tag=` for one part of a cluster: never a file path.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { compareText } from '../compare-text.js';
import type { ListedVm, VmSelection } from '../discovery/provider.js';
import type { VmRef } from '../discovery/observation.js';
import { InputError } from '../errors.js';
import type { ResolvedSSHConfig } from '../seed-types.js';
import { readStateFile, type StateFile } from '../state/state-file.js';
import { expandPath } from './expand-path.js';
import type { Project, ResolvedMachine } from './load-project.js';

export const WATCHED_PROVIDERS = ['quickemu', 'libvirt', 'proxmox'] as const;
export type WatchedProvider = (typeof WATCHED_PROVIDERS)[number];

/** An SSH login as the user typed it (the key's path may start with ~ or hold $VARS). */
export interface SshLogin {
  user: string;
  privateKey: string;
}

export interface WatchedDefinition {
  provider: WatchedProvider;
  /** The folder of .conf files, the libvirt URI, the cluster's https address. */
  option: string;
  /** Proxmox VE only: the one pool or tag whose guests make the project. */
  pool?: string;
  tag?: string;
  /** The project's name; by default one made from the option (see watchedName). */
  name?: string;
  /** The login of every VM without one of its own. */
  ssh?: SshLogin;
  /** Per VM (by the hypervisor's name), its own login. */
  vmSsh?: Record<string, SshLogin>;
}

/** What a project is: a ragnatramp.yaml, or a provider's VMs. */
export type ProjectSource = { kind: 'watched'; definition: WatchedDefinition; selection: VmSelection };

const KEY = new RegExp(`^(${WATCHED_PROVIDERS.join('|')}):(.+)$`);

/** The project's key in settings, views and events. */
export function watchedKey(d: Pick<WatchedDefinition, 'provider' | 'option' | 'pool' | 'tag'>): string {
  const part = d.pool ? `?pool=${encodeURIComponent(d.pool)}` : d.tag ? `?tag=${encodeURIComponent(d.tag)}` : '';
  return `${d.provider}:${d.option}${part}`;
}

/** Whether a project key names a provider-defined project (else it is a ragnatramp.yaml's path). */
export function isWatchedKey(key: string): boolean {
  // A Windows path's drive letter is one letter: "C:\…" never matches.
  return KEY.test(key);
}

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9-]{0,31}$/;

/** The project's name: the one given, else the folder's, the URI's host or the pool's or tag's, made a project name. */
export function watchedName(d: WatchedDefinition): string {
  if (d.name) return d.name;
  const raw =
    d.provider === 'quickemu'
      ? path.basename(d.option)
      : d.provider === 'libvirt'
        ? `libvirt-${/^[^:]+:\/\/([^/?]*)/.exec(d.option)?.[1]?.replace(/^.*@/, '') || 'local'}`
        : (d.pool ?? d.tag ?? `pve-${/^https:\/\/([^:/]+)/.exec(d.option)?.[1] ?? 'cluster'}`);
  const name = raw.replace(/[^a-zA-Z0-9-]+/g, '-').replace(/^[^a-zA-Z]+/, '').replace(/-+$/, '').slice(0, 32).replace(/-+$/, '');
  return name || d.provider;
}

/** Checks a definition's name, selection and logins; throws an Error whose message names the field. */
export function checkWatchedDefinition(d: WatchedDefinition): void {
  if (d.name !== undefined && !NAME_PATTERN.test(d.name)) throw new Error(`the name ${JSON.stringify(d.name)} must start with a letter and hold only letters, digits and hyphens (at most 32)`);
  if ((d.pool || d.tag) && d.provider !== 'proxmox') throw new Error('a pool or tag applies to a Proxmox VE cluster only');
  if (d.pool && d.tag) throw new Error('give one pool or one tag, not both');
  for (const [what, login] of [['the project', d.ssh], ...Object.entries(d.vmSsh ?? {}).map(([vm, l]) => [`VM ${JSON.stringify(vm)}`, l] as const)] as const) {
    if (!login) continue;
    if (!/^[a-z_][a-z0-9_.-]{0,31}$/i.test(login.user)) throw new Error(`the SSH user of ${what} (${JSON.stringify(login.user)}) is not a user name`);
    if (!login.privateKey) throw new Error(`the SSH key of ${what} is empty`);
  }
}

/** Where the tray keeps the project's state file: its own folder, never a Ragnatramp project's. */
export function watchedStatePath(trayHome: string, d: WatchedDefinition): string {
  const hash8 = createHash('sha256').update(watchedKey(d)).digest('hex').slice(0, 8);
  return path.join(trayHome, 'projects', `${watchedName(d)}-${hash8}`, 'state.json');
}

/**
 * The project as last known: its state file's VMs (the listing comes at each pass, see
 * withListedVms). Throws InputError for a state file that cannot be read.
 */
export async function loadWatchedProject(d: WatchedDefinition, trayHome: string, env: NodeJS.ProcessEnv = process.env): Promise<Project> {
  checkWatchedDefinition(d);
  const key = watchedKey(d);
  const statePath = watchedStatePath(trayHome, d);
  const state = await readStateFile(statePath);
  const name = watchedName(d);
  const project: Project = { name, configPath: key, statePath, machines: [], state, vms: [], warnings: [], source: { kind: 'watched', definition: d, selection: { ...(d.pool ? { pool: d.pool } : {}), ...(d.tag ? { tag: d.tag } : {}) } } };
  return withListedVms(project, Object.values(state?.vms ?? {}).map((v) => ({ name: v.name, id: v.id })), env);
}

function resolveLogin(key: string, field: string, login: SshLogin, env: NodeJS.ProcessEnv): ResolvedSSHConfig {
  try {
    return { user: login.user, privateKeyPath: expandPath(login.privateKey, process.cwd(), env) };
  } catch (err) {
    throw new InputError(key, [{ field, problem: (err as Error).message }], 'Give the key path in full in Settings.');
  }
}

/**
 * The project with the VMs its hypervisor lists now: one machine each, named as the hypervisor
 * names it, with its login; a VM the state file has and the listing lacks stays (it reads
 * missing, as a Ragnatramp VM that went). A listed VM not in the state file gets an entry of
 * its own (id and name), so that its network is recorded from its first pass. Pure but for
 * expanding the key paths.
 */
export function withListedVms(project: Project, listed: ListedVm[], env: NodeJS.ProcessEnv = process.env): Project {
  if (project.source?.kind !== 'watched') return project;
  const d = project.source.definition;
  const recorded = project.state?.vms ?? {};
  const byName = new Map<string, ListedVm>();
  for (const v of Object.values(recorded)) byName.set(v.machineName, { name: v.name, id: v.id });
  for (const v of listed) byName.set(v.name, v);
  const names = [...byName.keys()].sort(compareText);
  const machines: ResolvedMachine[] = names.map((name) => {
    // The hypervisor's name is looked up as a key of its own only (a domain may be called __proto__).
    const own = d.vmSsh && Object.hasOwn(d.vmSsh, name) ? d.vmSsh[name] : undefined;
    const login = own ?? d.ssh;
    return login ? { name, ssh: resolveLogin(project.configPath, own ? `vmSsh.${name}` : 'ssh', login, env) } : { name };
  });
  // The id listed now wins: a VM deleted and made again under its name is the new one.
  const vms: StateFile['vms'] = Object.fromEntries(names.map((name) => [name, { ...recorded[name], id: byName.get(name)!.id, name, machineName: name }]));
  const state: StateFile = { version: 1, project: project.name, configPath: project.configPath, ...(project.state ?? {}), vms };
  const refs: VmRef[] = names.map((name) => {
    const vm = vms[name]!;
    return { project: project.name, machineName: name, vmName: name, vmId: vm.id || null, ...(vm.network?.ipv4 ? { lastKnown: { ipv4: vm.network.ipv4 } } : {}) };
  });
  return { ...project, machines, state, vms: refs };
}
