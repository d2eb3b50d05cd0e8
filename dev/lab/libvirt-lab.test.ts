// The libvirt provider against a real libvirtd (started without systemd inside the lab's
// namespace) and real QEMU VMs of type 'qemu': two guests with DHCP leases from libvirt's
// dnsmasq, one with a fixed address that only its real qemu-guest-agent reports. The tray runs
// where the guests' network is, inside the namespace, as a separate process; virsh reaches the
// daemon's socket from anywhere. The VMs boot once for the whole file.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LibvirtProvider } from '../../main/engine/providers/libvirt/libvirt-provider.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { inLabNetns, virsh, waitForPortInNetns } from './lab-libvirt.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = path.join(ROOT, 'main', 'cli', 'ragnatramp-tray.ts');

interface JsonVm {
  machineName: string;
  status: string;
  ipv4: string | null;
  tier: string | null;
  warnings: string[];
}

describe.skipIf(!isRoot)('the libvirt provider on a real libvirtd', () => {
  const lab = useLab(3, { kind: 'libvirt', staticIp: 1 });
  const home = traversableTempDir();

  function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const p = lab().paths;
    const argv = ['netns', 'exec', lab().record.hostNetns!, TSX, CLI, ...args, '--config', p.config, '--libvirt', 'qemu:///system', '--known-hosts', path.join(home, 'known_hosts.json')];
    return new Promise((resolve) => {
      execFile('ip', argv, { timeout: 120_000, env: { ...process.env, RAGNATRAMP_TRAY_HOME: home } }, (err, out, errText) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errText }));
    });
  }
  const status = async () => (JSON.parse((await cli(['status', '--json'])).out) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms;
  const guestSsh = (machine: string, command: string) =>
    inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${lab().guest(machine).ip}`, command]);

  it("finds each VM through libvirt's leases, and the fixed-address one through its guest agent", async () => {
    const [g1, g2, g3] = lab().record.guests;
    expect((await status()).map((v) => [v.machineName, v.status, v.ipv4, v.tier])).toEqual([
      ['guest1', 'running', g1!.ip, 'lease'],
      ['guest2', 'running', g2!.ip, 'lease'],
      ['guest3', 'running', g3!.ip, 'agent'],
    ]);
  }, 120_000);

  it("reconcile writes every guest's real /etc/hosts, and they resolve each other by name", async () => {
    const r = await cli(['reconcile', '--wait', '0']);
    expect(r.code).toBe(0);
    const block = lab().record.guests.map((g) => `${g.ip} ${g.machine}`).join('\n');
    for (const g of lab().record.guests) expect(await guestSsh(g.machine, 'cat /etc/hosts')).toContain(`# Managed by ragnatramp - do not edit this block\n${block}\n# END RAGNATRAMP\n`);
    await expect(guestSsh('guest1', 'ping -c 1 -W 5 guest3 >/dev/null && echo ok')).resolves.toBe('ok\n');
  }, 120_000);

  it('with its agent stopped, the fixed-address VM is found in the neighbour table', async () => {
    await guestSsh('guest3', 'kill $(pidof qemu-ga)');
    await waitForPortInNetns(lab().record, lab().guest('guest3').ip, 10_000); // traffic: a fresh neighbour entry
    const vm = (await status()).find((v) => v.machineName === 'guest3')!;
    expect([vm.ipv4, vm.tier]).toEqual([lab().guest('guest3').ip, 'arp']);
  }, 120_000);

  it('watching: virsh\'s event stream hints at a pass when a domain stops; the stopped VM reads stopped', async () => {
    const provider = new LibvirtProvider('qemu:///system');
    let hints = 0;
    const stop = provider.watch((): void => void hints++);
    try {
      await new Promise((r) => setTimeout(r, 1000)); // the stream is listening
      await virsh(['destroy', '--domain', lab().guest('guest2').vmId]);
      await expect.poll(() => hints, { timeout: 20_000 }).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect((await status()).find((v) => v.machineName === 'guest2')).toMatchObject({ status: 'stopped', ipv4: null });
    await virsh(['start', '--domain', lab().guest('guest2').vmId]);
    await waitForPortInNetns(lab().record, lab().guest('guest2').ip, 180_000);
  }, 240_000);
});
