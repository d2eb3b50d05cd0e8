// Discovery at scale, no lab needed: Proxmox VE at 100 and 500 guests against the local server
// that answers as pveproxy does (dev/test-support/fake-proxmox.ts), and libvirt at 200 domains of
// its test driver (a node file, no daemon). Each row is one full inspection pass (observe, SSH
// probes answered at once, plan): its time, the requests it made (virsh calls for libvirt) and the
// most in flight, for a first pass, a steady one (the median of 5), one after the whole cluster
// restarted, and one where a few guests restarted.
//
// The per-request time of the fake is 50 ms, from a real cluster: ProxLB's issue #122
// (https://github.com/credativ/ProxLB/issues/122) measured ~2 s per VM over ~460 VMs, asked one
// after another through one node, where its proxlb/models/guests.py makes 14 requests per VM,
// 13 of them (rrddata) after a 0.1 s sleep: (2 s - 1.3 s) / 14 ≈ 50 ms for one API call proxied
// to the guest's node. An agent call adds the guest agent's own round trip, which that figure does not
// include (a QMP round trip inside the guest, a few ms on an idle guest): the model is a floor.
// Each node runs 3 calls at once, as pveproxy's 3 workers do (pve-manager
// PVE/Service/pveproxy.pm:32); the cluster has 5 nodes.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeProxmox, type FakeGuest } from '../test-support/fake-proxmox.js';
import type { Project } from '../../main/engine/config/load-project.js';
import { execRunner, type CommandRunner } from '../../main/engine/discovery/host-neighbors.js';
import type { DiscoveryProvider } from '../../main/engine/discovery/provider.js';
import { inspectProjects } from '../../main/engine/inspect.js';
import { LibvirtProvider } from '../../main/engine/providers/libvirt/libvirt-provider.js';
import { parseClusterUrl, ProxmoxClient } from '../../main/engine/providers/proxmox/proxmox-client.js';
import { OVERALL, ProxmoxProvider } from '../../main/engine/providers/proxmox/proxmox-provider.js';
import { FileHostKeyStore } from '../../main/engine/ssh/known-hosts.js';
import { benchProject } from './discovery-bench.js';
import { median, round } from './stats.js';

export const PVE_REQUEST_MS = 50;
const PVE_NODES = 5;
const PVE_WORKERS = 3;
const TOKEN = 'bench@pve!ragnatramp=00000000-0000-4000-8000-00000000beef';

export interface ScaleRow {
  provider: 'proxmox' | 'libvirt';
  guests: number;
  pass: 'first' | 'steady' | '5 restarted' | 'all restarted';
  passMs: number;
  /** HTTP requests the cluster saw (Proxmox VE), or virsh calls (libvirt), in that pass. */
  requests: number;
  /** The most requests in flight at once, overall and on the busiest node (Proxmox VE). */
  maxInFlight: number | null;
  maxPerNode: number | null;
  /** Guests whose address was found in that pass. */
  found: number;
}

const hex2 = (n: number) => (n & 0xff).toString(16).padStart(2, '0');
const mac = (i: number) => `52:54:00:00:${hex2(i >> 8)}:${hex2(i)}`;

/** One pass as the app makes it; every SSH probe answers at once (no guest is reached). */
async function pass(provider: DiscoveryProvider, project: Project): Promise<{ ms: number; found: number }> {
  const started = performance.now();
  const inspection = await inspectProjects({ provider, probe: async () => true, connector: { connect: () => Promise.reject(new Error('not used')) } }, [project], { waitMs: 0, pollMs: 3000 });
  return { ms: performance.now() - started, found: inspection.plan.projects[0]!.vms.filter((r) => r.ipv4).length };
}

export async function benchProxmoxScale(n: number, work: string): Promise<ScaleRow[]> {
  const guests: FakeGuest[] = Array.from({ length: n }, (_, i) => ({ type: 'qemu', vmid: 1000 + i, name: `scale-g${i}`, node: `pve${(i % PVE_NODES) + 1}`, status: 'running', mac: mac(i), agentResult: [{ name: 'ens18', 'hardware-address': mac(i), 'ip-addresses': [{ 'ip-address': `10.20.${i >> 8}.${i & 0xff}`, 'ip-address-type': 'ipv4', prefix: 16 }] }] }));
  const server = await startFakeProxmox({ guests, token: TOKEN, latencyMs: PVE_REQUEST_MS, nodeWorkers: PVE_WORKERS });
  const client = new ProxmoxClient({ endpoint: parseClusterUrl(server.url), token: TOKEN, pins: new FileHostKeyStore(path.join(work, `pve-${n}-pins.json`)), maxSockets: OVERALL });
  const provider = new ProxmoxProvider(client, server.url);
  const project = benchProject('scale', guests.map((g) => ({ machine: g.name, name: g.name, id: `qemu/${g.vmid}` })));
  const rows: ScaleRow[] = [];
  const measured = async (label: ScaleRow['pass']) => {
    server.resetCounts();
    const { ms, found } = await pass(provider, project);
    return { provider: 'proxmox' as const, guests: n, pass: label, passMs: round(ms, 1), requests: server.requests.length, maxInFlight: server.maxInFlight, maxPerNode: Math.max(...server.maxInFlightByNode.values()), found };
  };
  try {
    rows.push(await measured('first'));
    const steady: ScaleRow[] = [];
    for (let i = 0; i < 5; i++) steady.push(await measured('steady'));
    rows.push({ ...steady.at(-1)!, passMs: round(median(steady.map((s) => s.passMs)), 1) });
    for (const g of guests) server.restart(g.vmid);
    rows.push(await measured('all restarted'));
    // Uptimes are whole seconds: the steady pass a few seconds on sees them count up, then 5 start again.
    await new Promise((r) => setTimeout(r, 3_000));
    await pass(provider, project);
    for (const g of guests.slice(0, 5)) server.restart(g.vmid);
    rows.push(await measured('5 restarted'));
  } finally {
    await provider.dispose();
    await server.close();
  }
  return rows;
}

/** libvirt's test driver serving `n` running domains from a node file: the same virsh, no daemon. */
export async function benchLibvirtScale(n: number, work: string): Promise<ScaleRow[]> {
  const uuid = (i: number) => `6f1c2d9e-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const domains = Array.from({ length: n }, (_, i) => `<domain type='test'><name>scale-d${i}</name><uuid>${uuid(i)}</uuid><memory>65536</memory><vcpu>1</vcpu><os><type>hvm</type></os><devices><interface type='network'><mac address='${mac(i)}'/><source network='default'/></interface></devices></domain>`);
  const file = path.join(work, `libvirt-${n}.xml`);
  writeFileSync(file, `<node><network><name>default</name><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'><dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp></ip></network>${domains.join('')}</node>`);
  let calls = 0;
  const counted: CommandRunner = (command, args) => {
    if (command === 'virsh') calls++;
    return execRunner(command, args);
  };
  const provider = new LibvirtProvider(`test://${file}`, counted);
  const project = benchProject('scale', Array.from({ length: n }, (_, i) => ({ machine: `scale-d${i}`, name: `scale-d${i}`, id: uuid(i) })));
  const measured = async (label: ScaleRow['pass']) => {
    calls = 0;
    const { ms, found } = await pass(provider, project);
    return { provider: 'libvirt' as const, guests: n, pass: label, passMs: round(ms, 1), requests: calls, maxInFlight: null, maxPerNode: null, found };
  };
  const first = await measured('first');
  const steady: ScaleRow[] = [];
  for (let i = 0; i < 5; i++) steady.push(await measured('steady'));
  return [first, { ...steady.at(-1)!, passMs: round(median(steady.map((s) => s.passMs)), 1) }];
}

export async function benchScale(sizes: { proxmox: number[]; libvirt: number[] }, log: (line: string) => void): Promise<ScaleRow[]> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'rt-bench-scale-'));
  const rows: ScaleRow[] = [];
  for (const n of sizes.proxmox) {
    log(`bench: Proxmox VE discovery at ${n} guests (${PVE_REQUEST_MS} ms a request, ${PVE_WORKERS} at once per node, ${PVE_NODES} nodes)…`);
    rows.push(...(await benchProxmoxScale(n, work)));
  }
  for (const n of sizes.libvirt) {
    log(`bench: libvirt discovery at ${n} domains (its test driver)…`);
    rows.push(...(await benchLibvirtScale(n, work)));
  }
  return rows;
}

export function scaleTable(rows: ScaleRow[]): string {
  const lines = [`Discovery at scale (Proxmox VE: ${PVE_REQUEST_MS} ms a request, ${PVE_WORKERS} at once per node, ${PVE_NODES} nodes; libvirt: its test driver)`, '  provider  guests  pass           ms       requests  most in flight (per node)  found'];
  for (const r of rows) lines.push(`  ${r.provider.padEnd(8)}  ${String(r.guests).padEnd(6)}  ${r.pass.padEnd(13)}  ${String(r.passMs).padEnd(7)}  ${String(r.requests).padEnd(8)}  ${(r.maxInFlight === null ? '—' : `${r.maxInFlight} (${r.maxPerNode})`).padEnd(25)}  ${r.found}`);
  return lines.join('\n');
}
