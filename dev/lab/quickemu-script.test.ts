// The quickemu provider against a VM started by the real, unmodified quickemu 4.9.9 script
// (`quickemu --vm real.conf --display none --viewer none`), as a user starts one, and stopped by
// its own `--kill`. The script is not in Debian's archive: the tests run the copy kept byte for byte
// in dev/vendor/quickemu-4.9.9 (or the one RAGNATRAMP_QUICKEMU names). One VM boots once.
//
// Two things stand in for what this machine lacks. It has no VT-x/SVM flags and exposes no DMI
// table, and quickemu refuses to run then unless DMI's sys_vendor names a hypervisor (quickemu:
// 504-575): the script runs in a mount namespace where a tmpfs over /sys/class says "QEMU". The
// guest is the lab's (Debian's kernel, busybox, dropbear, qemu-guest-agent), passed as the
// .conf's extra_args (:1776-1779), with an empty disk that `preallocation` keeps quickemu from
// calling unused (:1179-1191).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshProbe } from '../../main/engine/discovery/port-probe.js';
import { QuickemuProvider } from '../../main/engine/providers/quickemu/quickemu-provider.js';
import { isRoot, traversableTempDir } from '../test-support/lab-fixture.js';
import { realQuickemuScript } from '../test-support/real-quickemu.js';
import { guestImage, guestOverlay } from './guest-image.js';
import { acceptsTcp, waitForPort } from './lab-bridge.js';

const script = realQuickemuScript();

const run = (args: string[], cwd: string) =>
  new Promise<{ code: number; out: string }>((resolve) => execFile(args[0]!, args.slice(1), { cwd, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr })));

describe.skipIf(!isRoot)('a VM started by the real quickemu 4.9.9', () => {
  const dir = traversableTempDir();
  const folder = path.join(dir, 'vms');
  const vmDir = path.join(folder, 'real');
  const ref = { project: 'p', machineName: 'real', vmName: 'real', vmId: null };
  const observe = async () => (await new QuickemuProvider(folder).observe([ref], new Date().toISOString()))[0]!;
  const quickemu = (args: string[]) =>
    run(['unshare', '-m', 'sh', '-c', 'mount --make-rprivate / && mount -t tmpfs none /sys/class && mkdir -p /sys/class/dmi/id && echo QEMU > /sys/class/dmi/id/sys_vendor && exec bash "$0" "$@"', script, ...args], folder);
  let started = { code: -1, out: '' };

  beforeAll(async () => {
    const image = await guestImage();
    mkdirSync(vmDir, { recursive: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'key')]);
    const overlay = guestOverlay({ authorizedKey: readFileSync(path.join(dir, 'key.pub'), 'utf8'), machineId: 'a'.repeat(32), hosts: '127.0.0.1 localhost\n' });
    writeFileSync(path.join(vmDir, 'initrd.img'), Buffer.concat([readFileSync(image.initrd), overlay]));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(vmDir, 'disk.qcow2'), '64M']);
    // extra_args is split on spaces (quickemu:1779): one kernel parameter, no spaces.
    const conf = ['guest_os="linux"', 'disk_img="real/disk.qcow2"', 'boot="legacy"', 'ram="192M"', 'preallocation="metadata"', 'public_dir="none"', `extra_args="-kernel ${image.kernel} -initrd real/initrd.img -append rt.hostname=real"`];
    writeFileSync(path.join(folder, 'real.conf'), `${conf.join('\n')}\n`);
    started = await quickemu(['--vm', 'real.conf', '--display', 'none', '--viewer', 'none']);
    // quickemu exits once QEMU has lived 0.25 s (:2158-2161), which on a busy machine is before
    // QEMU has written its pid file.
    for (let i = 0; i < 300 && started.code === 0 && !existsSync(path.join(vmDir, 'real.pid')); i++) await new Promise((r) => setTimeout(r, 100));
  }, 240_000);
  afterAll(async () => {
    await quickemu(['--vm', 'real.conf', '--kill']);
  }, 60_000);

  it("is running though QEMU is named after the VM; its forward is the port the script picked, and accepts TCP before sshd's banner", async () => {
    expect(started).toMatchObject({ code: 0, out: expect.stringContaining(' - Process:  Started real.conf as real') });
    const pid = readFileSync(path.join(vmDir, 'real.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('real');
    const port = Number(/^ssh,(\d+)$/m.exec(readFileSync(path.join(vmDir, 'real.ports'), 'utf8'))![1]);
    expect(port).toBeGreaterThanOrEqual(22220);
    expect(port).toBeLessThanOrEqual(22229);
    const o = await observe();
    expect([o.power, o.vmState, o.forward?.port]).toEqual(['running', 'running', port]);
    // QEMU's user-mode network answers the connection itself while the guest still boots.
    expect(await acceptsTcp('127.0.0.1', port)).toBe(true);
    expect(await sshProbe()('127.0.0.1', port)).toBe(false);
    await waitForPort('127.0.0.1', port, 180_000);
    expect(await sshProbe()('127.0.0.1', port)).toBe(true);
  }, 240_000);

  it("its guest agent answers over real-agent.sock with the guest's own address for QEMU's default MAC", async () => {
    const o = await observe();
    expect(o.detail).toMatchObject({ network: 'user', guestIpv4: '10.0.2.15', agent: { state: 'answered', why: null } });
  }, 60_000);

  it("`quickemu --kill` stops it: stopped, started again with quickemu's own words, and .ports left behind", async () => {
    const killed = await quickemu(['--vm', 'real.conf', '--kill']);
    expect(killed.out).toMatch(/real \(\d+\) killed\./);
    const o = await observe();
    expect([o.power, o.vmState, o.startWith]).toEqual(['off', 'stopped', `quickemu --vm ${path.join(folder, 'real.conf')}`]);
    expect(existsSync(path.join(vmDir, 'real.ports'))).toBe(true);
  }, 60_000);
});
