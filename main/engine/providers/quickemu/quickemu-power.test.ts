// A quickemu stop returns only once the old QEMU has exited, not when its pid file is gone: QEMU
// removes the pid file first and unlinks its monitor socket later in its exit, which a restart's
// new QEMU would otherwise lose its socket to (seen with the real quickemu 4.9.9 under load).
// On a Mac, a missing quickemu is told with Homebrew's words.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VmObservation } from '../../discovery/observation.js';
import { powerQuickemu } from './quickemu-power.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('quickemu stop', () => {
  it('waits for the old QEMU process to exit after quit, not only for its pid file to go', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rt-qpower-'));
    mkdirSync(path.join(folder, 'vm'));
    writeFileSync(path.join(folder, 'vm.conf'), 'guest_os="linux"\ndisk_img="vm/disk.qcow2"\n');
    // The stand-in QEMU: a process named in the pid file, which takes a while to exit after quit.
    const qemu = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => qemu.kill('SIGKILL'), () => rmSync(folder, { recursive: true, force: true }));
    const pidFile = path.join(folder, 'vm', 'vm.pid');
    writeFileSync(pidFile, `${qemu.pid}\n`);
    let quit = false;
    const monitor = net.createServer((s) => {
      s.write('QEMU 9.2.0 monitor - type \'help\' for more information\r\n(qemu) ');
      s.on('data', (d: Buffer) => {
        if (!d.toString().includes('quit')) return;
        quit = true;
        unlinkSync(pidFile); // as QEMU does first
        setTimeout(() => qemu.kill('SIGKILL'), 600); // the rest of its exit comes later
      });
    });
    await new Promise<void>((r) => monitor.listen(path.join(folder, 'vm', 'vm-monitor.socket'), r));
    cleanups.push(() => monitor.close());
    const vm = { ref: { project: 'p', machineName: 'vm', vmName: 'vm', vmId: null }, detail: { provider: 'quickemu', conf: path.join(folder, 'vm.conf') } } as unknown as VmObservation;
    const message = await powerQuickemu({ running: async () => !quit, shutdownMs: 200, pollMs: 20 }, vm, 'stop');
    expect(message).toContain('so QEMU was told to quit');
    await new Promise((r) => setTimeout(r, 50)); // the child's exit reaches node
    expect(alive(qemu.pid!) && qemu.exitCode === null && qemu.signalCode === null).toBe(false);
  });

  it('on a Mac, a quickemu that cannot be found is told with Homebrew\'s package and folders', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'rt-qpower-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(path.join(folder, 'vm.conf'), 'guest_os="linux"\ndisk_img="vm/disk.qcow2"\n');
    const vm = { ref: { project: 'p', machineName: 'vm', vmName: 'vm', vmId: null }, detail: { provider: 'quickemu', conf: path.join(folder, 'vm.conf') } } as unknown as VmObservation;
    await expect(powerQuickemu({ running: async () => false, platform: 'darwin', quickemu: path.join(folder, 'no-quickemu') }, vm, 'start')).rejects.toMatchObject({ hint: expect.stringContaining('brew install quickemu') });
  });
});
