// The project a lab's guests make: its ragnatramp.yaml, state.json, a simulator scenario and a
// Linux manifest that point at the real guests.

import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import type { LinuxManifest } from '../../main/engine/providers/linux/manifest.js';
import { paths, type LabRecord } from './lab-record.js';

/** The ids and names guests carry in state.json, the scenario and the manifest. */
export async function writeProjectFiles(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await writeFile(
    p.config,
    stringify({
      project: { name: record.project },
      defaults: { base_image: 'C:/Hyper-V/images/lab.vhdx', ssh: { user: record.kind === 'qemu' || record.kind === 'libvirt' ? 'root' : record.user, private_key: './id_ed25519' } },
      machines: record.guests.map((g) => ({ name: g.machine })),
    }),
  );
  const now = new Date().toISOString();
  const state = {
    version: 1,
    configHash: createHash('sha256').update(await readFile(p.config)).digest('hex').slice(0, 8),
    configPath: p.config,
    project: record.project,
    createdAt: now,
    updatedAt: now,
    vms: Object.fromEntries(record.guests.map((g) => [g.machine, { id: g.vmId, name: g.vmName, machineName: g.machine, diskPath: path.join(g.dir, 'disk.vhdx'), createdAt: now, checkpoints: [] }])),
  };
  await writeFile(p.state, JSON.stringify(state, null, 2));
  await writeScenario(record, labScenario(record));
  const manifest: LinuxManifest = {
    version: 1,
    vms: record.guests.map((g) => ({ name: g.vmName, id: g.vmId, mac: g.mac, bridge: record.bridge, netns: g.netns, hostname: g.machine })),
    leaseFiles: [{ path: p.leases, format: 'dnsmasq' }],
    ...(record.dnsPort ? { dnsServer: `${record.gateway}:${record.dnsPort}` } : {}),
  };
  await writeFile(p.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A Hyper-V view of the lab: the guests' real MACs and IPs, KVP OK, SSH to the real guests. */
export function labScenario(record: LabRecord): Scenario {
  return {
    network: 'real',
    vms: record.guests.map((g) => ({
      name: g.vmName,
      id: g.vmId,
      state: 'Running' as const,
      kvp: 'OK' as const,
      adapters: [{ mac: g.mac.replace(/:/g, '').toUpperCase(), ipAddresses: [g.ip] }],
    })),
  };
}

export async function writeScenario(record: LabRecord, scenario: Scenario): Promise<void> {
  await writeFile(paths(record.dir).scenario, stringify(scenario));
}
