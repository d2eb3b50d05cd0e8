// The Proxmox VE provider end to end: a local HTTPS server answering as pveproxy does,
// whose guest-agent answers come from the real qemu-guest-agent inside real QEMU VMs of the lab
// (passed through under data.result, as Proxmox passes them), and the tray reconciling those
// VMs' real /etc/hosts over SSH. The VMs boot once for the whole file.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/cli.js';
import { qemuLabGuests, startFakeProxmox, type FakeProxmox } from '../test-support/fake-proxmox.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { run } from './run-command.js';

const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';

describe.skipIf(!isRoot)('the Proxmox VE provider, its agent answers from real QEMU guest agents', () => {
  const lab = useLab(2, { kind: 'qemu' });
  const home = traversableTempDir();
  let pve: FakeProxmox;

  beforeAll(async () => {
    if (!isRoot) return;
    // One guest per node: the cluster's inventory spans nodes.
    pve = await startFakeProxmox({ token: TOKEN, guests: qemuLabGuests(lab().record) });
    mkdirSync(path.join(home, 'proxmox'), { recursive: true });
    const tokenFile = path.join(home, 'proxmox', `127.0.0.1_${pve.port}.token`);
    writeFileSync(tokenFile, `${TOKEN}\n`);
    chmodSync(tokenFile, 0o600);
  });
  afterAll(async () => pve?.close());

  async function cli(args: string[]) {
    const io = { out: '', err: '' };
    const code = await runCli([...args, '--config', lab().paths.config, '--proxmox', pve.url, '--known-hosts', path.join(home, 'known_hosts.json')], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env, logDir: home });
    return { code, ...io };
  }

  it("finds each VM's address through the API from its real guest agent, and reconcile writes every guest", async () => {
    const status = await cli(['status', '--json']);
    // The only thing on stderr: the cluster's certificate pinned on first use, told once.
    expect(status.err).toBe(`note: Proxmox VE ${pve.url}: its TLS certificate ${pve.fingerprint('pve1')} was pinned on first use (in ${path.join(home, 'tls_pins.json')}). Check on the node (pvenode cert info) that this is its fingerprint.\n`);
    const vms = (JSON.parse(status.out) as { projects: Array<{ vms: Array<{ machineName: string; ipv4: string | null; tier: string | null; network: { mac: string } | null }> }> }).projects[0]!.vms;
    expect(vms.map((v) => [v.machineName, v.ipv4, v.tier, v.network?.mac])).toEqual(lab().record.guests.map((g) => [g.machine, g.ip, 'agent', g.mac.replace(/:/g, '').toUpperCase()]));
    expect(pve.requests.map((r) => r.path)).toContain('/api2/json/nodes/pve2/qemu/102/agent/network-get-interfaces');

    expect((await cli(['reconcile', '--wait', '0'])).code).toBe(0);
    const g1 = lab().guest('guest1');
    const hosts = await run('ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${g1.ip}`, 'cat /etc/hosts']);
    expect(hosts).toContain(lab().record.guests.map((g) => `${g.ip} ${g.machine}`).join('\n'));
  }, 120_000);
});
