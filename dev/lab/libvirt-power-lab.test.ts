// Start, stop and restart through the libvirt provider on a real libvirtd (the lab's, started
// without systemd) and a real QEMU domain of type 'qemu': `virsh shutdown` of a guest whose OS
// ignores it (the lab's busybox guest has no /sbin/shutdown for its qemu-guest-agent to run, and
// nothing listens for ACPI) is said as such after the deadline; once the guest has a shutdown
// command, as any distribution's has, the agent powers it off and the tray sees it shut off;
// `virsh start` brings it back to its lease, and `virsh reboot` restarts it.
import { describe, expect, it } from 'vitest';
import { execRunner } from '../../main/engine/discovery/host-neighbors.js';
import { powerVm } from '../../main/engine/power-vm.js';
import { LibvirtProvider } from '../../main/engine/providers/libvirt/libvirt-provider.js';
import { isRoot, useLab } from '../test-support/lab-fixture.js';
import { inLabNetns, virsh, waitForPortInNetns } from './lab-libvirt.js';

describe.skipIf(!isRoot)('libvirt power on a real libvirtd', () => {
  const lab = useLab(1, { kind: 'libvirt' });
  const guest = () => lab().guest('guest1');
  const project = () => ({ name: lab().record.project, configPath: lab().paths.config, vms: [{ project: lab().record.project, machineName: 'guest1', vmName: guest().vmName, vmId: guest().vmId }] });
  const provider = new LibvirtProvider('qemu:///system', execRunner, Date.now, { shutdownMs: 15_000 });
  const state = async () => (await virsh(['domstate', '--domain', guest().vmId])).trim();
  const guestSsh = (command: string) => inLabNetns(lab().record, 'ssh', ['-i', lab().paths.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `root@${guest().ip}`, command]);

  it('a guest that ignores the shutdown request is said to, after the deadline, and keeps running', async () => {
    await waitForPortInNetns(lab().record, guest().ip, 180_000);
    await expect(powerVm(provider, project(), 'guest1', 'stop')).rejects.toThrow(/'guest1' was asked to shut down \(virsh shutdown\) but still runs after 15 s: its OS ignored the request\.\n.*virsh -c qemu:\/\/\/system destroy/);
    expect(await state()).toBe('running');
  }, 300_000);

  it('a guest with a shutdown command is shut down through its agent; started again it comes back; a reboot restarts it', async () => {
    // What qemu-ga runs for guest-shutdown (its powerdown and reboot modes): /sbin/shutdown.
    await guestSsh(`printf '#!/bin/sh\\ncase "$*" in *-r*) exec reboot -f;; *) exec poweroff -f;; esac\\n' > /sbin/shutdown && chmod +x /sbin/shutdown`);
    expect(await powerVm(provider, project(), 'guest1', 'stop')).toMatchObject({ changed: true, message: "'guest1' shut down (virsh shutdown)." });
    expect(await state()).toBe('shut off');
    expect((await provider.observe(project().vms, new Date().toISOString()))[0]).toMatchObject({ power: 'off', network: null });
    expect(await powerVm(provider, project(), 'guest1', 'start')).toMatchObject({ changed: true, message: "'guest1' started (virsh start)." });
    expect(await state()).toBe('running');
    await waitForPortInNetns(lab().record, guest().ip, 180_000);
    expect(await powerVm(provider, project(), 'guest1', 'start')).toMatchObject({ changed: false, message: "'guest1' is already running." });
    expect(await powerVm(provider, project(), 'guest1', 'restart')).toMatchObject({ changed: true, message: "'guest1' was asked to reboot (virsh reboot)." });
  }, 480_000);
});
