// The Linux provider's inventory file: which VMs exist, their MACs and bridges, how to tell
// whether each runs (a network namespace or a pid file), which DHCP lease files to read, and for
// seed 003's tiers each VM's console log and registered hostname and the DNS server to ask.

import { readFile } from 'node:fs/promises';
import { InputError } from '../../errors.js';
import { schemaProblems } from '../../config/schema-problems.js';

export interface ManifestVm {
  /** The VM name, as in state.json vms[*].name. */
  name: string;
  id?: string;
  mac: string;
  bridge?: string;
  /** Running while this network namespace exists. */
  netns?: string;
  /** Running while the process in this pid file lives. */
  pidFile?: string;
  /** The guest's console log (cloud-init's network table): seed 003's first tier. */
  consoleLog?: string;
  /** The name the guest registers with the DHCP server's DNS (dnsServer): seed 003's DNS tier. */
  hostname?: string;
}

export interface LeaseFile {
  path: string;
  format: 'dnsmasq' | 'libvirt-status';
}

export interface LinuxManifest {
  version: 1;
  vms: ManifestVm[];
  leaseFiles?: LeaseFile[];
  /** The DHCP server's DNS, `address` or `address:port`, asked for each VM's hostname. */
  dnsServer?: string;
}

const manifestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'vms'],
  properties: {
    version: { const: 1 },
    vms: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'mac'],
        properties: {
          name: { type: 'string', minLength: 1 },
          id: { type: 'string' },
          mac: { type: 'string', pattern: '^[0-9A-Fa-f]{1,2}([-:.]?[0-9A-Fa-f]{1,2}){5}$' },
          bridge: { type: 'string' },
          netns: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
          pidFile: { type: 'string' },
          consoleLog: { type: 'string' },
          hostname: { type: 'string', pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$' },
        },
      },
    },
    dnsServer: { type: 'string', pattern: '^(\\d{1,3}\\.){3}\\d{1,3}(:\\d{1,5})?$' },
    leaseFiles: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'format'],
        properties: { path: { type: 'string' }, format: { enum: ['dnsmasq', 'libvirt-status'] } },
      },
    },
  },
} as const;

export async function loadManifest(file: string): Promise<LinuxManifest> {
  const fix = 'Fix the manifest (see the README, "Linux hosts") and try again.';
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, [{ field: null, problem: code ? `cannot be read (${code})` : `is not valid JSON (${(err as Error).message})` }], code ? 'Check the path given to --manifest.' : fix);
  }
  const problems = schemaProblems(manifestSchema, data);
  if (problems.length > 0) throw new InputError(file, problems, fix);
  return data as LinuxManifest;
}
