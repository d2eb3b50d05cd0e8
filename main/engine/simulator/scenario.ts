// The Hyper-V simulation scenario: a YAML file describing VMs, their adapters and KVP status,
// the host's neighbour table, PowerShell faults, and (for simulated networks) each guest's
// SSH side. Validated like the user's own files: errors name the field and its line.

import { createHash } from 'node:crypto';
import { InputError } from '../errors.js';
import { parseYaml } from '../config/read-yaml.js';
import { schemaProblems } from '../config/schema-problems.js';

export const VM_STATES = ['Running', 'Off', 'Stopping', 'Saved', 'Paused', 'Starting', 'Reset', 'Saving', 'Pausing', 'Resuming', 'FastSaved', 'FastSaving', 'Other'] as const;
export const KVP_VALUES = ['OK', 'No Contact', 'Lost Communication', 'Disabled', 'none'] as const;
export const NEIGHBOR_STATES = ['Unreachable', 'Incomplete', 'Probe', 'Delay', 'Stale', 'Reachable', 'Permanent'] as const;

export interface ScenarioAdapter {
  name?: string;
  mac: string;
  switch?: string | null;
  switchId?: string;
  ipAddresses?: string[];
  ipAfterPolls?: number;
  /** The adapter's IPAddresses getter throws (the guest's network configuration is gone). */
  ipAddressesError?: string;
}

export interface ScenarioGuest {
  /** Initial /etc/hosts of the simulated guest. */
  hosts?: string;
  sudo?: 'nopasswd' | 'password';
  /** Seed of the simulated host key; change it to simulate a rebuilt VM. */
  hostKey?: string;
  /** The guest's distribution: decides which KVP package `fix kvp` installs. */
  os?: 'ubuntu' | 'debian' | 'rhel';
  /** cloud-init's manage_etc_hosts setting in the guest, if any. */
  manageEtcHosts?: string;
  /** /etc/machine-id, for a clone that kept its image's (32 hex digits). */
  machineId?: string;
}

export interface ScenarioVm {
  name: string;
  id?: string;
  state?: (typeof VM_STATES)[number];
  kvp?: (typeof KVP_VALUES)[number];
  /** A localized PrimaryStatusDescription (the status is mapped by number). */
  kvpDescription?: string;
  sshPort?: 'open' | 'closed';
  guest?: ScenarioGuest;
  adapters?: ScenarioAdapter[];
  /** This VM's Get-VMNetworkAdapter throws this message (a VM being deleted or created). */
  adapterError?: string;
  /** Get-VM cannot read this VM (half deleted): it writes this error in the VM's place. */
  vmError?: string;
}

export interface ScenarioNeighbor {
  ip: string;
  mac: string;
  state?: (typeof NEIGHBOR_STATES)[number];
  interface?: string;
  afterPolls?: number;
  /** Left behind by a renumbered guest: listed, but nothing answers at that address. */
  stale?: boolean;
}

export interface Scenario {
  /** simulated (default): SSH and port probes are answered by the simulator. real: they go to the IPs. */
  network?: 'simulated' | 'real';
  powershell?: { fail?: string; hang?: boolean; delayMs?: number; version?: '5.1' | '7' };
  /** The Virtual Machine Management service: anything but Running makes Get-VM fail. */
  vmms?: 'Running' | 'Stopped' | 'StartPending';
  /** Whether the user is in Hyper-V Administrators; outside it Get-VM lists nothing. */
  member?: boolean;
  /** PowerShell's language mode (WDAC/AppLocker machines run ConstrainedLanguage). */
  languageMode?: 'FullLanguage' | 'ConstrainedLanguage';
  /** The language of Windows' error texts. */
  language?: 'en-US' | 'de-DE';
  vms?: ScenarioVm[];
  neighbors?: ScenarioNeighbor[];
}

const scenarioSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    network: { enum: ['simulated', 'real'] },
    powershell: {
      type: 'object',
      additionalProperties: false,
      properties: { fail: { type: 'string' }, hang: { type: 'boolean' }, delayMs: { type: 'integer', minimum: 0 }, version: { enum: ['5.1', '7'] } },
    },
    vmms: { enum: ['Running', 'Stopped', 'StartPending'] },
    member: { type: 'boolean' },
    languageMode: { enum: ['FullLanguage', 'ConstrainedLanguage'] },
    language: { enum: ['en-US', 'de-DE'] },
    vms: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          id: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
          state: { enum: VM_STATES },
          kvp: { enum: KVP_VALUES },
          kvpDescription: { type: 'string' },
          sshPort: { enum: ['open', 'closed'] },
          adapterError: { type: 'string', minLength: 1 },
          vmError: { type: 'string', minLength: 1 },
          guest: {
            type: 'object',
            additionalProperties: false,
            properties: {
              hosts: { type: 'string' },
              sudo: { enum: ['nopasswd', 'password'] },
              hostKey: { type: 'string' },
              os: { enum: ['ubuntu', 'debian', 'rhel'] },
              manageEtcHosts: { type: 'string' },
              machineId: { type: 'string', pattern: '^[0-9a-f]{32}$' },
            },
          },
          adapters: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['mac'],
              properties: {
                name: { type: 'string' },
                mac: { type: 'string', pattern: '^[0-9A-Fa-f]{12}$' },
                switch: { type: ['string', 'null'] },
                switchId: { type: 'string' },
                ipAddresses: { type: 'array', items: { type: 'string' } },
                ipAfterPolls: { type: 'integer', minimum: 0 },
                ipAddressesError: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
    neighbors: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['ip', 'mac'],
        properties: {
          ip: { type: 'string' },
          mac: { type: 'string' },
          state: { enum: NEIGHBOR_STATES },
          interface: { type: 'string' },
          afterPolls: { type: 'integer', minimum: 0 },
          stale: { type: 'boolean' },
        },
      },
    },
  },
} as const;

const FIX = 'Fix the scenario file and try again.';

export function parseScenario(file: string, text: string): Scenario {
  const { data, locate } = parseYaml(file, text, FIX);
  const problems = schemaProblems(scenarioSchema, data, locate);
  if (problems.length > 0) throw new InputError(file, problems, FIX);
  return data as Scenario;
}

/** Hyper-V gives every VM a GUID; a scenario VM without one gets a stable one from its name. */
export function scenarioVmId(vm: ScenarioVm): string {
  if (vm.id) return vm.id.toLowerCase();
  const h = createHash('sha256').update(`vm:${vm.name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
