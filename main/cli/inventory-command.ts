// `ragnatramp-tray inventory --format ansible|ssh|hosts`: every running VM with an address, for
// other tools. The VMs are read from the plan's records (the record the window's rows are
// mapped from): those the hosts block lists, i.e. running with an IPv4 that no other VM
// reports and a name that can be a host name; the rest are named on stderr with why, as `hosts`
// does. Names are the ssh config's: `<machine>` where no other project has that machine, and
// `<machine>.<project>`. Formats: an Ansible inventory (YAML, hosts grouped per project, with the
// project's SSH user and key), the OpenSSH config `ssh-config` prints, or hosts-file lines.

import path from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import type { Project } from '../engine/config/load-project.js';
import type { Environment } from '../engine/environment.js';
import { nameLabel } from '../engine/excerpt.js';
import { inspectProjects, projectPlanOf, type WaitOptions } from '../engine/inspect.js';
import type { ProjectPlan } from '../engine/plan/plan.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { hostNames } from '../engine/ssh/ssh-client-config.js';
import { planMachines, sshEntries, userSshConfigPath } from '../engine/ssh/write-ssh-config.js';
import type { CliIo } from './cli.js';
import type { Args, InventoryFormat } from './grammar.js';
import { leftOutOfBlock } from './project-commands.js';
import { safeText } from './sanitize.js';
import { printableSshConfig, saySshNames } from './ssh-config-command.js';

export interface InventoryHost {
  project: string;
  configPath: string;
  machine: string;
  /** The names it answers to, the one Ansible uses first. */
  names: string[];
  ipv4: string;
  /** The project's SSH user and key for this machine; null where ragnatramp.yaml gives none. */
  user: string | null;
  privateKey: string | null;
}

export interface LeftOut {
  project: string;
  machineName: string;
  reason: string;
}

/** The hosts of an inventory and the VMs left out, with why. Pure. */
export function inventoryHosts(plans: ProjectPlan[], projects: Project[]): { hosts: InventoryHost[]; leftOut: LeftOut[] } {
  const leftOut: LeftOut[] = [];
  const listed: Array<Omit<InventoryHost, 'names'>> = [];
  for (const plan of plans) {
    const project = projects.find((p) => p.configPath === plan.configPath)!;
    const out = leftOutOfBlock(plan.vms, plan.hostsEntries);
    leftOut.push(...out.map((l) => ({ project: plan.project, ...l })));
    for (const r of plan.vms) {
      if (!r.ipv4 || out.some((l) => l.machineName === r.machineName)) continue;
      const ssh = project.machines.find((m) => m.name === r.machineName)?.ssh;
      listed.push({ project: plan.project, configPath: plan.configPath, machine: r.machineName, ipv4: r.ipv4, user: ssh?.user || null, privateKey: ssh?.privateKeyPath || null });
    }
  }
  const { names } = hostNames(listed, { machines: planMachines(plans) });
  const hosts: InventoryHost[] = [];
  for (const h of listed) {
    const n = names.get(h)!;
    if (n.length === 0) leftOut.push({ project: h.project, machineName: h.machine, reason: `neither ${h.machine} nor ${h.machine}.${h.project} can be a host name here` });
    else hosts.push({ ...h, names: n });
  }
  return { hosts, leftOut };
}

// Ansible reads a group name as a variable name (C.INVALID_VARIABLE_NAMES, ^[a-zA-Z_][a-zA-Z0-9_]*$)
// and warns about any other; `all` and `ungrouped` are its own.
const RESERVED_GROUPS = new Set(['all', 'ungrouped']);

function groupName(project: string, taken: Set<string>): string {
  let base = project.replace(/[^A-Za-z0-9_]/g, '_');
  if (!/^[A-Za-z_]/.test(base)) base = `_${base}`;
  if (RESERVED_GROUPS.has(base)) base = `${base}_project`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

// Ansible templates every string of an inventory when it uses it (`{{ lookup('pipe', …) }}` runs
// a command): what ragnatramp.yaml or a folder name gives is tagged !unsafe, which Ansible takes
// as it is (docs: "Unsafe or raw strings"). Addresses are dotted quads, group names our own.
const UNTEMPLATED = new Set(['ansible_user', 'ansible_ssh_private_key_file', 'ragnatramp_project', 'ragnatramp_config']);

/** An Ansible inventory in YAML: one group per project (its name and ragnatramp.yaml as group vars), each host with its address and the project's user and key. */
export function ansibleInventory(hosts: InventoryHost[]): string {
  const taken = new Set<string>();
  const groups: Record<string, unknown> = {};
  const byProject = new Map<string, InventoryHost[]>();
  for (const h of hosts) byProject.set(h.configPath, [...(byProject.get(h.configPath) ?? []), h]);
  for (const [configPath, members] of byProject) {
    groups[groupName(members[0]!.project, taken)] = {
      hosts: Object.fromEntries(
        members.map((h) => [
          h.names[0]!,
          { ansible_host: h.ipv4, ...(h.user ? { ansible_user: h.user } : {}), ...(h.privateKey ? { ansible_ssh_private_key_file: h.privateKey } : {}) },
        ]),
      ),
      vars: { ragnatramp_project: members[0]!.project, ragnatramp_config: configPath },
    };
  }
  const doc = new Document({ all: { children: groups } });
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && UNTEMPLATED.has(String(pair.key.value)) && isScalar(pair.value)) pair.value.tag = '!unsafe';
    },
  });
  return doc.toString();
}

/** Hosts-file lines: each address with every name it answers to. */
export function hostsLines(hosts: InventoryHost[]): string {
  return `# Running VMs with an address (ragnatramp-tray inventory --format hosts)\n${hosts.map((h) => `${h.ipv4} ${h.names.join(' ')}\n`).join('')}`;
}

export async function inventoryCommand(env: Environment, projects: Project[], a: Args, wait: WaitOptions, io: CliIo): Promise<number> {
  const inspection = await inspectProjects(env, projects, wait);
  const plans = projects.map((p) => projectPlanOf(inspection, p.configPath));
  const { hosts, leftOut } = inventoryHosts(plans, projects);
  const format: InventoryFormat = a.format!;
  let text: string;
  let exitCode = 0;
  if (format === 'ssh') {
    // The entries ssh-config writes, for the VMs listed here; its rendering, quoting and checks.
    const listed = new Set(hosts.map((h) => `${h.configPath}\n${h.machine}`));
    const entries = plans.flatMap((plan) => sshEntries([plan]).filter((e) => listed.has(`${plan.configPath}\n${e.machine}`)));
    // A VM listed that the tray cannot log in to has no Host entry: said, with ssh-config's reason.
    for (const plan of plans) {
      for (const r of plan.vms) {
        if (listed.has(`${plan.configPath}\n${r.machineName}`) && !r.sshTarget) leftOut.push({ project: plan.project, machineName: r.machineName, reason: r.sync.action === 'skip' ? r.sync.reason : 'no way to log in to it' });
      }
    }
    const home = io.logDir ?? defaultTrayHome(io.env);
    const userConfig = path.resolve(userSshConfigPath());
    const rendered = await printableSshConfig(plans, entries, home, userConfig);
    text = rendered.text;
    exitCode = saySshNames(rendered, userConfig, io);
  } else text = format === 'ansible' ? ansibleInventory(hosts) : hostsLines(hosts);
  if (a.json) io.stdout(`${JSON.stringify({ format, inventory: text, hosts, leftOut }, null, 2)}\n`);
  else io.stdout(safeText(text));
  const several = plans.length > 1;
  for (const l of leftOut) io.stderr(safeText(`left out: ${several ? `${l.project}/` : ''}${nameLabel(l.machineName)}: ${l.reason}\n`));
  return exitCode;
}
