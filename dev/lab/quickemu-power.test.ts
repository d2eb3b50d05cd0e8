// Start, stop and restart of a quickemu VM the tray's way, against the real, unmodified
// quickemu 4.9.9 script and the real QEMU it starts with its own arguments: the tray runs
// `quickemu --vm real.conf` (found on PATH) from the .conf's folder, and stops the VM through
// its monitor socket (<vm>/<vm>-monitor.socket): `system_powerdown`, which the lab's busybox guest
// ignores (nothing in it listens for ACPI), then `quit` after the deadline. As in
// quickemu-script.test.ts, the script is the upstream copy in dev/vendor/quickemu-4.9.9 (or the one
// RAGNATRAMP_QUICKEMU names), run in a mount namespace whose DMI says "QEMU" (this machine has no
// VT-x and no DMI table; quickemu:504-575). Without quickemu on PATH the tray says so.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powerVm } from '../../main/engine/power-vm.js';
import { QuickemuProvider } from '../../main/engine/providers/quickemu/quickemu-provider.js';
import { isRoot, traversableTempDir } from '../test-support/lab-fixture.js';
import { realQuickemuScript } from '../test-support/real-quickemu.js';
import { guestImage, guestOverlay } from './guest-image.js';

const script = realQuickemuScript();

describe('quickemu power without quickemu on PATH', () => {
  it('says quickemu is missing and how to start the VM by hand', async () => {
    const folder = traversableTempDir();
    writeFileSync(path.join(folder, 'web.conf'), 'guest_os="linux"\ndisk_img="web/disk.qcow2"\n');
    const provider = new QuickemuProvider(folder, undefined, undefined, undefined, { power: { quickemu: path.join(folder, 'no-such-quickemu') } });
    const project = { name: 'p', configPath: path.join(folder, 'ragnatramp.yaml'), vms: [{ project: 'p', machineName: 'web', vmName: 'web', vmId: null }] };
    await expect(powerVm(provider, project, 'web', 'start')).rejects.toThrow(`quickemu is not on PATH, so 'web' cannot be started from here.\nInstall quickemu (see github.com/quickemu-project/quickemu). Or start it yourself: cd ${folder} && quickemu --vm web.conf`);
  });
});

describe.skipIf(!isRoot)('power of a VM the real quickemu 4.9.9 starts', () => {
  const dir = traversableTempDir();
  const folder = path.join(dir, 'vms');
  const vmDir = path.join(folder, 'real');
  // `quickemu` as the user has it on PATH, run in the namespace where DMI says "QEMU".
  const wrapper = path.join(dir, 'bin', 'quickemu');
  const project = { name: 'p', configPath: path.join(dir, 'ragnatramp.yaml'), vms: [{ project: 'p', machineName: 'real', vmName: 'real', vmId: null }] };
  const provider = new QuickemuProvider(folder, undefined, undefined, undefined, { power: { quickemu: wrapper, shutdownMs: 5_000 } });
  const pid = () => (existsSync(path.join(vmDir, 'real.pid')) ? readFileSync(path.join(vmDir, 'real.pid'), 'utf8').trim() : null);
  // Gone, or a zombie: QEMU outlives quickemu's shell, and what it is reparented to here may never reap it.
  const gone = (p: string) => !existsSync(`/proc/${p}/stat`) || / Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\)/, ')'));

  beforeAll(async () => {
    const image = await guestImage();
    mkdirSync(vmDir, { recursive: true });
    mkdirSync(path.dirname(wrapper));
    writeFileSync(wrapper, `#!/bin/sh\nexec unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs none /sys/class && mkdir -p /sys/class/dmi/id && echo QEMU > /sys/class/dmi/id/sys_vendor && exec bash "$0" "$@"' '${script}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'key')]);
    const overlay = guestOverlay({ authorizedKey: readFileSync(path.join(dir, 'key.pub'), 'utf8'), machineId: 'b'.repeat(32), hosts: '127.0.0.1 localhost\n' });
    writeFileSync(path.join(vmDir, 'initrd.img'), Buffer.concat([readFileSync(image.initrd), overlay]));
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(vmDir, 'disk.qcow2'), '64M']);
    // As quickemu-script.test.ts's .conf, with display and viewer "none" in it: the tray passes no flags of its own.
    // Its own ssh_port (quickemu:1428-1430 picks the first free one from 22220 otherwise): that test's
    // VM may boot at the same moment, and two scripts that both find 22220 free leave one QEMU unable
    // to bind its forward.
    const conf = ['guest_os="linux"', 'ssh_port="22290"', 'disk_img="real/disk.qcow2"', 'boot="legacy"', 'ram="192M"', 'preallocation="metadata"', 'public_dir="none"', 'display="none"', 'viewer="none"', `extra_args="-kernel ${image.kernel} -initrd real/initrd.img -append rt.hostname=real"`];
    writeFileSync(path.join(folder, 'real.conf'), `${conf.join('\n')}\n`);
  }, 240_000);
  afterAll(async () => {
    const p = pid();
    if (p) execFileSync('kill', ['-KILL', p]);
  });

  it('starts the VM with `quickemu --vm real.conf`: its QEMU runs with quickemu\'s own -pidfile and monitor socket', async () => {
    expect(await powerVm(provider, project, 'real', 'start')).toMatchObject({ changed: true, message: "'real' started (quickemu --vm real.conf)." });
    const argv = readFileSync(`/proc/${pid()}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain('real/real.pid');
    expect(argv).toContain('unix:real/real-monitor.socket,server,nowait');
    expect((await provider.observe(project.vms, new Date().toISOString()))[0]!.power).toBe('running');
  }, 240_000);

  it('restarts it: system_powerdown is ignored by the guest, so after the deadline QEMU is told to quit, then quickemu starts it again', async () => {
    const before = pid()!;
    const restarted = await powerVm(provider, project, 'real', 'restart');
    expect(restarted.message).toBe("'real' did not power off within 5 s of system_powerdown (its OS ignored it), so QEMU was told to quit. 'real' started (quickemu --vm real.conf).");
    expect(gone(before)).toBe(true);
    expect(pid()).not.toBeNull();
    expect((await provider.observe(project.vms, new Date().toISOString()))[0]!.power).toBe('running');
  }, 240_000);

  it('stops it: QEMU gone, its pid file removed', async () => {
    const before = pid()!;
    expect((await powerVm(provider, project, 'real', 'stop')).message).toContain('so QEMU was told to quit.');
    expect(pid()).toBeNull();
    expect(gone(before)).toBe(true);
    expect((await provider.observe(project.vms, new Date().toISOString()))[0]).toMatchObject({ power: 'off', vmState: 'stopped' });
    expect(await powerVm(provider, project, 'real', 'stop')).toMatchObject({ changed: false });
  }, 120_000);
});
