// The quickemu provider against real QEMU VMs (software emulation) started with quickemu 4.9.9's
// own arguments (lab-qemu.ts): `-name <vm>,process=<vm>`, `-pidfile`, the serial console and the
// guest agent as sockets, the SSH forward on 0.0.0.0 from 22220-22229 and no ssh_port in the
// .conf. Two guests bridged on the lab's network, one on QEMU's user-mode network. Real DHCP,
// real dropbear, the real qemu-guest-agent, real busybox /etc/hosts, root logins with no sudo in
// the guest. The VMs boot once for the whole file.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/cli.js';
import { sshProbe } from '../../main/engine/discovery/port-probe.js';
import { QuickemuProvider } from '../../main/engine/providers/quickemu/quickemu-provider.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';
import { killQemu, quickemuPaths, startQemu } from './lab.js';
import { acceptsTcp, waitForPort } from './lab-bridge.js';

function ssh(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

interface JsonVm {
  machineName: string;
  status: string;
  ipv4: string | null;
  tier: string | null;
}

describe.skipIf(!isRoot)('the quickemu provider on real QEMU VMs', () => {
  const lab = useLab(3, { kind: 'qemu', userNet: 1 });
  const home = traversableTempDir();
  const pins = path.join(home, 'known_hosts.json');

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = { out: '', err: '' };
    const p = lab().paths;
    const code = await runCli([...args, '--config', p.config, '--quickemu', p.quickemu, '--known-hosts', pins], { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env, logDir: home });
    return { code, ...io };
  }
  const statusOf = async () => (JSON.parse((await cli(['status', '--json'])).out) as { projects: Array<{ vms: JsonVm[] }> }).projects[0]!.vms;
  const guestSsh = (machine: string, command: string) => {
    const g = lab().guest(machine);
    const at = g.network === 'user' ? ['-p', String(g.sshPort), 'root@127.0.0.1'] : [`root@${g.ip}`];
    return ssh(['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', ...at, command]);
  };

  it("tells each live QEMU by its command line though its name is the VM's, and finds the bridged VMs through their guest agents", async () => {
    const record = lab().record;
    for (const g of record.guests) {
      const q = quickemuPaths(record, g);
      const pid = readFileSync(q.pid, 'utf8').trim();
      // -name <vm>,process=<vm> (quickemu:1695): the kernel keeps the first 15 bytes of the name.
      expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe(g.vmName.slice(0, 15));
      expect(readFileSync(q.conf, 'utf8')).not.toContain('ssh_port');
    }
    const vms = await statusOf();
    const [g1, g2, g3] = record.guests;
    // No console log exists (the console is a socket, <vm>.log is QEMU's stderr): the agents answer.
    expect(vms.map((v) => [v.machineName, v.status, v.ipv4, v.tier])).toEqual([
      ['guest1', 'running', g1!.ip, 'agent'],
      ['guest2', 'running', g2!.ip, 'agent'],
      ['guest3', 'running', null, null],
    ]);
    expect(g3!.sshPort).toBeGreaterThanOrEqual(22220);
    expect(g3!.sshPort).toBeLessThanOrEqual(22229);
    const table = (await cli(['status'])).out;
    expect(table).toMatch(new RegExp(`guest3 +running +127\\.0\\.0\\.1:${g3!.sshPort} \\(forward\\)`));
    // The user-mode guest's own address, as its agent reports it for QEMU's default MAC.
    const [o3] = await new QuickemuProvider(lab().paths.quickemu).observe([{ project: record.project, machineName: 'guest3', vmName: g3!.vmName, vmId: g3!.vmId }], new Date().toISOString());
    expect(o3!.detail).toMatchObject({ network: 'user', guestIpv4: '10.0.2.15', agent: { state: 'answered', why: null } });
  }, 60_000);

  it("reconcile writes each bridged guest's real /etc/hosts as root without sudo, skips the user-mode one with the reason, and the guests resolve each other", async () => {
    const r = await cli(['reconcile', '--json', '--wait', '0']);
    expect(r.code).toBe(0);
    const [g1, g2] = lab().record.guests;
    for (const machine of ['guest1', 'guest2']) {
      const hosts = (await guestSsh(machine, 'cat /etc/hosts')).stdout;
      expect(hosts).toContain(`# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n${g1!.ip} guest1\n${g2!.ip} guest2\n# END RAGNATRAMP\n`);
      expect(hosts).toContain(`127.0.1.1 ${machine}\n`); // the guest's own lines kept
    }
    expect(await guestSsh('guest1', 'ping -c 1 -W 5 guest2')).toMatchObject({ code: 0 });
    expect((await guestSsh('guest3', 'cat /etc/hosts')).stdout).not.toContain('RAGNATRAMP');
    const results = (JSON.parse(r.out) as { hostsSyncResults: Array<{ machineName: string; skipped: boolean; skipReason?: string }> }).hostsSyncResults;
    expect(results.map((x) => [x.machineName, x.skipped])).toEqual([['guest1', false], ['guest2', false], ['guest3', true]]);
    expect(results[2]!.skipReason).toMatch(/is on QEMU's user-mode network, where VMs cannot reach each other, so it gets no hosts block; set network="<bridge>" in \S+\.conf/);
  }, 120_000);

  it('`ssh guest3` reaches the user-mode VM through its forward once diagnose has pinned its key', async () => {
    const userConfig = path.join(home, 'dot-ssh', 'config');
    const before = await cli(['ssh-config', '--write', '--user-config', userConfig]);
    expect(before.err).toMatch(/Not pinned yet, so ssh refuses them: guest3\. Run 'ragnatramp-tray diagnose/);
    const d = await cli(['diagnose', '--json']);
    expect(d.code).toBe(0);
    // Root needs no sudo; a quickemu guest is not asked for Hyper-V's KVP daemon; a user-mode one expects no block.
    const guests = (JSON.parse(d.out) as { vms: Array<{ machineName: string; guest: object }> }).vms.map((v) => [v.machineName, v.guest]);
    expect(guests).toEqual([
      ['guest1', expect.objectContaining({ kernel: expect.stringMatching(/-amd64$/), sudo: true, kvpDaemon: null, hostsBlock: 'current', warnings: [] })],
      ['guest2', expect.objectContaining({ sudo: true, kvpDaemon: null, hostsBlock: 'current', warnings: [] })],
      ['guest3', expect.objectContaining({ sudo: true, kvpDaemon: null, hostsBlock: 'unmanaged', warnings: [] })],
    ]);
    const after = await cli(['ssh-config', '--write', '--user-config', userConfig]);
    expect(after.err).not.toMatch(/Not pinned/);
    const run = await ssh(['-F', userConfig, '-o', 'BatchMode=yes', 'guest3', 'hostname']);
    expect(run).toMatchObject({ code: 0, stdout: 'guest3\n' });
  }, 120_000);

  it('with its guest agent stopped, the ARP tier finds the bridged VM by its MAC', async () => {
    const g1 = lab().guest('guest1');
    expect(await guestSsh('guest1', 'killall qemu-ga')).toMatchObject({ code: 0 });
    await sshProbe()(g1.ip, 22); // traffic keeps its neighbour entry fresh
    const vm = (await statusOf()).find((v) => v.machineName === 'guest1')!;
    expect([vm.ipv4, vm.tier]).toEqual([g1.ip, 'arp']);
  }, 60_000);

  it("seed 002's states: a VM killed with its pid file left behind is stopped; a bridged one started again is booting until SSH answers, then running", async () => {
    const record = lab().record;
    const g2 = lab().guest('guest2');
    const q = quickemuPaths(record, g2);
    const pidText = readFileSync(q.pid, 'utf8');
    await killQemu(record, g2);
    // kill -9 (an OOM kill, a crash) leaves QEMU no time to remove its pid file.
    writeFileSync(q.pid, pidText);
    expect((await statusOf()).find((v) => v.machineName === 'guest2')!.status).toBe('stopped');
    await startQemu(record, g2);
    // Under emulation the kernel takes seconds to boot: the pid lives long before SSH answers.
    expect((await statusOf()).find((v) => v.machineName === 'guest2')!.status).toMatch(/^(initializing|booting)$/);
    await waitForPort(g2.ip, 22, 120_000);
    expect((await statusOf()).find((v) => v.machineName === 'guest2')!).toMatchObject({ status: 'running', ipv4: g2.ip });
  }, 180_000);

  it("a user-mode VM's forward accepts TCP before its guest has booted: it is booting, not running, until sshd's banner arrives", async () => {
    const record = lab().record;
    const g3 = lab().guest('guest3');
    await killQemu(record, g3);
    expect((await statusOf()).find((v) => v.machineName === 'guest3')!.status).toBe('stopped');
    await startQemu(record, g3);
    // QEMU's slirp accepts on the forward itself (quickemu:1435), with no sshd behind it yet.
    expect(await acceptsTcp('127.0.0.1', g3.sshPort!)).toBe(true);
    expect(await sshProbe()('127.0.0.1', g3.sshPort!)).toBe(false);
    expect((await statusOf()).find((v) => v.machineName === 'guest3')!.status).toMatch(/^(initializing|booting)$/);
    await waitForPort('127.0.0.1', g3.sshPort!, 120_000);
    expect((await statusOf()).find((v) => v.machineName === 'guest3')!.status).toBe('running');
  }, 180_000);
});
