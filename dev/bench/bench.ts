// `npm run --silent bench -- [--quick]`: every benchmark on fresh labs (root): one of network
// namespaces, then one of QEMU VMs in quickemu's layout, then one under a real libvirtd; each
// removed afterwards; then discovery at scale (no lab). A readable table on stderr and one JSON
// document on stdout. `--scale` runs only discovery at scale, which needs neither root nor a lab;
// `--providers` only discovery through the quickemu, Proxmox VE and libvirt providers (their labs).

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LabControl, labDown, labUp } from '../lab/lab.js';
import { qemuLabGuests, startFakeProxmox } from '../test-support/fake-proxmox.js';
import { benchAsciiEscaping, type AsciiEscapingRow } from './ascii-escaping-bench.js';
import { benchDiscovery } from './discovery-bench.js';
import { IDLE_CHILD } from './idle-child-path.js';
import { benchProviderDiscovery, type ProviderDiscoveryRow } from './provider-discovery-bench.js';
import { benchHostsSync, type HostsSyncRow } from './hosts-sync-bench.js';
import { benchChangeDetection } from './watch-bench.js';
import { benchScale, scaleTable } from './scale-bench.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_TOKEN = 'bench@pve!ragnatramp=00000000-0000-4000-8000-00000000beef';
const { values } = parseArgs({ args: process.argv.slice(2), options: { quick: { type: 'boolean', default: false }, scale: { type: 'boolean', default: false }, providers: { type: 'boolean', default: false } } });
const quick = values.quick;
const log = (line: string) => process.stderr.write(`${line}\n`);
const scaleSizes = quick ? { proxmox: [100], libvirt: [200] } : { proxmox: [100, 500], libvirt: [200] };

if (values.scale) {
  const scale = await benchScale(scaleSizes, log);
  log(`\n${scaleTable(scale)}`);
  process.stdout.write(`${JSON.stringify({ scale }, null, 2)}\n`);
  process.exit(0);
}

if (process.getuid?.() !== 0) {
  log('bench: the benchmarks run on a lab of real guests, which needs root.');
  process.exit(2);
}
for (const [tool, pkg] of [['ansible-playbook', 'ansible-core'], ['ssh', 'openssh-client']]) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    log(`bench: ${tool} is missing: apt-get install -y --no-install-recommends ${pkg}`);
    process.exit(2);
  }
}

const sizes = quick ? [1, 4] : [1, 4, 16];
const work = mkdtempSync(path.join(os.tmpdir(), 'rt-bench-'));
chmodSync(work, 0o755);
if (values.providers) {
  try {
    const providers = [...(await benchQuickemu()), ...(await benchLibvirt())];
    log(`\n${providerTable(providers)}`);
    process.stdout.write(`${JSON.stringify({ providerDiscovery: providers }, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(0);
}
const labDir = path.join(work, 'lab');
log(`bench: bringing up a lab of ${Math.max(...sizes)} guests…`);
await labUp({ guests: Math.max(...sizes), dir: labDir });
const lab = await LabControl.open(labDir);
try {
  const hostsSync = await benchHostsSync(lab, sizes, 5, path.join(work, 'sync'), log);
  log('bench: discovery on the simulator…');
  const discovery = await benchDiscovery([...sizes, 200, 1000]);
  log('bench: the discovery script\'s ASCII escaping step in the real pwsh…');
  const asciiEscaping = await benchAsciiEscaping(50, 5);
  log('bench: discovery through the Linux provider (manifest, leases, neighbour table)…');
  const providers = await benchProviderDiscovery('linux', { manifest: lab.paths.manifest }, lab.paths.config, sizes, path.join(work, 'bench_known_hosts.json'));
  providers.push(...(await benchQuickemu()), ...(await benchLibvirt()));
  log('bench: change detection (DHCP renumbering → change event)…');
  const changeDetectionMs = await benchChangeDetection(lab, 5, work);
  const idleSeconds = quick ? 10 : 60;
  log(`bench: idle cost while watching ${lab.record.guests.length} guests for ${idleSeconds} s…`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', ROOT], { stdio: 'inherit' });
  const idle = JSON.parse(execFileSync(process.execPath, [IDLE_CHILD, lab.paths.config, lab.paths.manifest, path.join(work, 'idle_known_hosts.json'), String(idleSeconds)], { encoding: 'utf8' })) as { seconds: number; cpuPercent: number; rssMB: number };
  const scale = await benchScale(scaleSizes, log);
  const result = { hostsSync, discovery, asciiEscaping, providerDiscovery: providers, changeDetectionMs: { median: changeDetectionMs.median, max: changeDetectionMs.max }, idle: { seconds: idle.seconds, cpuPercent: idle.cpuPercent, rssMB: idle.rssMB, guests: lab.record.guests.length }, scale };
  log(`\n${table(result.hostsSync, result.discovery, asciiEscaping, providers, changeDetectionMs, idle)}\n\n${scaleTable(scale)}`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  await labDown(labDir).catch((err: Error) => log(`bench: removing the lab failed: ${err.message}`));
  rmSync(work, { recursive: true, force: true });
}

/** The quickemu provider over real QEMU VMs: a lab of its own, as many VMs as the largest size. */
async function benchQuickemu(): Promise<ProviderDiscoveryRow[]> {
  const dir = path.join(work, 'qemu-lab');
  log(`bench: bringing up ${Math.max(...sizes)} QEMU VMs (software emulation)…`);
  await labUp({ guests: Math.max(...sizes), dir, kind: 'qemu' });
  try {
    const qemu = await LabControl.open(dir);
    log('bench: discovery through the quickemu provider (conf files, pid files, guest agents)…');
    const rows = await benchProviderDiscovery('quickemu', { quickemu: qemu.paths.quickemu }, qemu.paths.config, sizes, path.join(work, 'qemu_known_hosts.json'));
    // The same VMs as a Proxmox VE cluster's guests: a local HTTPS server answering as the API
    // does, each agent call answered by the VM's real guest agent (TLS, the pin and the agent are
    // measured; a real cluster adds its own network and pveproxy time).
    log('bench: discovery through the Proxmox VE provider (HTTPS API, pinned certificate, guest agents)…');
    const pve = await startFakeProxmox({ token: BENCH_TOKEN, guests: qemuLabGuests(qemu.record) });
    try {
      const tokenFile = path.join(work, 'pve.token');
      writeFileSync(tokenFile, `${BENCH_TOKEN}\n`, { mode: 0o600 });
      rows.push(...(await benchProviderDiscovery('proxmox', { proxmox: pve.url, proxmoxToken: tokenFile }, qemu.paths.config, sizes, path.join(work, 'pve_known_hosts.json'))));
    } finally {
      await pve.close();
    }
    return rows;
  } finally {
    await labDown(dir).catch((err: Error) => log(`bench: removing the QEMU lab failed: ${err.message}`));
  }
}

/** The libvirt provider over a real libvirtd's VMs, run inside the lab's namespace where they are. */
async function benchLibvirt(): Promise<ProviderDiscoveryRow[]> {
  const dir = path.join(work, 'libvirt-lab');
  log(`bench: bringing up ${Math.max(...sizes)} VMs under a real libvirtd…`);
  await labUp({ guests: Math.max(...sizes), dir, kind: 'libvirt' });
  try {
    const lv = await LabControl.open(dir);
    log('bench: discovery through the libvirt provider (virsh, leases)…');
    const child = [path.join(ROOT, 'node_modules', '.bin', 'tsx'), path.join(ROOT, 'dev', 'bench', 'provider-discovery-child.ts'), 'libvirt', JSON.stringify({ libvirt: 'qemu:///system' }), lv.paths.config, sizes.join(','), path.join(work, 'libvirt_known_hosts.json')];
    return JSON.parse(execFileSync('ip', ['netns', 'exec', lv.record.hostNetns!, ...child], { encoding: 'utf8' })) as ProviderDiscoveryRow[];
  } finally {
    await labDown(dir).catch((err: Error) => log(`bench: removing the libvirt lab failed: ${err.message}`));
  }
}

function providerTable(providers: ProviderDiscoveryRow[]): string {
  const lines = ['Discovery per provider on real guests (median pass: observe, SSH probes, plan)', '  provider  VMs    pass ms  found by'];
  for (const d of providers) lines.push(`  ${d.provider.padEnd(8)}  ${String(d.vms).padEnd(5)}  ${String(d.passMs).padEnd(7)}  ${Object.entries(d.tiers).map(([t, n]) => `${t} ${n}`).join(', ')}`);
  return lines.join('\n');
}

function table(sync: HostsSyncRow[], discovery: Awaited<ReturnType<typeof benchDiscovery>>, ascii: AsciiEscapingRow[], providers: ProviderDiscoveryRow[], change: { median: number; max: number }, idle: { seconds: number; cpuPercent: number; rssMB: number }): string {
  const lines = ['Hosts sync (median of 5 runs, seconds; every guest block changed each run)', '  guests  ragnatramp-tray cold  warm    openssh loop  ansible blockinfile  all correct'];
  for (const n of [...new Set(sync.map((r) => r.guests))]) {
    const t = (tool: HostsSyncRow['tool']) => sync.find((r) => r.guests === n && r.tool === tool)!;
    lines.push(`  ${String(n).padEnd(6)}  ${String(t('ragnatramp-tray-cold').seconds).padEnd(20)}  ${String(t('ragnatramp-tray-warm').seconds).padEnd(6)}  ${String(t('openssh-sequential').seconds).padEnd(12)}  ${String(t('ansible-blockinfile').seconds).padEnd(19)}  ${sync.filter((r) => r.guests === n).every((r) => r.correct) ? 'yes' : 'NO'}`);
  }
  lines.push('', 'Discovery (simulated Hyper-V)', '  VMs    PowerShell invocations/pass  pass ms  plan ms');
  for (const d of discovery) lines.push(`  ${String(d.vms).padEnd(5)}  ${String(d.powershellInvocations).padEnd(27)}  ${String(d.passMs).padEnd(7)}  ${d.planMs}`);
  lines.push('', 'Hyper-V: the discovery script\'s ASCII escaping step in the real pwsh (one accented name; median of 5)', '  VMs    language mode        ms      correct');
  for (const a of ascii) lines.push(`  ${String(a.vms).padEnd(5)}  ${a.mode.padEnd(19)}  ${String(a.ms).padEnd(6)}  ${a.correct ? 'yes' : 'NO'}`);
  lines.push('', providerTable(providers));
  lines.push('', `Change detection (Linux, DHCP renumbering → change event): median ${change.median} ms, max ${change.max} ms`);
  lines.push(`Idle while watching: ${idle.cpuPercent}% of a core, ${idle.rssMB} MB resident (${idle.seconds} s)`);
  return lines.join('\n');
}
