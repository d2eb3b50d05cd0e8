// The lab's own network, shared by its netns and QEMU guests: a bridge with a dnsmasq that leases
// addresses and answers DNS for the names guests register (nothing else), the leases it handed
// out, and waiting for a guest's sshd to listen.

import dgram from 'node:dgram';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { sshProbe } from '../../main/engine/discovery/port-probe.js';
import { LabError, paths, saveRecord, type LabRecord } from './lab-record.js';
import { run } from './run-command.js';

/** The lab's bridge and its dnsmasq (DHCP, and DNS for the names guests register). */
export async function startNetwork(record: LabRecord): Promise<void> {
  const p = paths(record.dir);
  await writeFile(p.dhcpHosts, '');
  await run('ip', ['link', 'add', record.bridge, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${record.gateway}/24`, 'dev', record.bridge]);
  await run('ip', ['link', 'set', record.bridge, 'up']);
  const prefix = record.gateway.slice(0, -2);
  record.dnsPort = await freeUdpPort(record.gateway);
  await saveRecord(record);
  await run('dnsmasq', [
    '--conf-file=/dev/null',
    // DNS only for the guests' DHCP names (seed 003's DNS tier), on the lab's bridge: no upstream
    // servers and no host files, so no query ever leaves the lab.
    `--port=${record.dnsPort}`,
    '--no-resolv',
    '--no-hosts',
    `--interface=${record.bridge}`,
    '--bind-interfaces',
    '--except-interface=lo',
    `--dhcp-range=${prefix}.10,${prefix}.250,255.255.255.0,1h`,
    `--dhcp-hostsfile=${p.dhcpHosts}`,
    `--dhcp-leasefile=${p.leases}`,
    `--pid-file=${p.dnsmasqPid}`,
    '--dhcp-authoritative',
    '--no-ping', // the lab owns the subnet; the in-use ping costs 3 s per new guest
    `--log-facility=${path.join(record.dir, 'dnsmasq.log')}`,
    '--log-dhcp',
  ]);
}

/** A UDP port free on the gateway's address now (dnsmasq takes it right after). */
function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, address, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export async function waitForLeases(record: LabRecord, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const leases = await readLeases(record);
    const leasing = record.guests.filter((g) => g.network !== 'user');
    for (const g of leasing) g.ip = leases.get(g.mac) ?? '';
    if (leasing.every((g) => g.ip)) return;
    if (Date.now() > deadline) throw new LabError(`No DHCP lease within ${timeoutMs / 1000} s for ${leasing.filter((g) => !g.ip).map((g) => g.machine).join(', ')}; see ${path.join(record.dir, 'dnsmasq.log')}.`);
    await sleep(100);
  }
}

export async function readLeases(record: LabRecord): Promise<Map<string, string>> {
  const text = await readFile(paths(record.dir).leases, 'utf8').catch(() => '');
  return new Map(text.split('\n').filter(Boolean).map((l) => l.split(' ')).map((f) => [f[1]!.toLowerCase(), f[2]!]));
}

/** Until sshd answers with its banner: an accepted connection is not enough (QEMU's user-mode forward accepts with no guest). */
export async function waitForPort(host: string, port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const probe = sshProbe();
  while (!(await probe(host, port))) {
    if (Date.now() > deadline) throw new LabError(`sshd at ${host}:${port} did not come up.`);
    await sleep(100);
  }
}

/** Whether a TCP connection is accepted, trying for a few seconds while QEMU sets its forwards up. */
export async function acceptsTcp(host: string, port: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await sleep(100);
  }
  return false;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
