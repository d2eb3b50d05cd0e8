// A small real Linux guest for the lab's QEMU VMs, built from Debian packages on this machine:
// Debian's kernel (apt-get download, dpkg -x) and an initramfs of busybox-static, dropbear and
// qemu-guest-agent with the libraries ldd names, and the virtio network and console modules
// (loaded in dependency order). Its /init brings the NIC up, leases an address with udhcpc
// (sending its hostname, for the DNS tier) or sets a static one, prints cloud-init's ci-info
// network table on the serial console (the console-log tier), runs dropbear, and runs the guest
// agent where the VM has its channel. Built once per kernel and image content into a cache
// folder; each VM adds a small archive of its own (root's authorized key, machine-id,
// /etc/hosts) that the kernel unpacks over it.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './run-command.js';
import { LabError } from './lab-record.js';
import { cpioArchive, type CpioEntry } from './cpio-newc.js';

export const IMAGE_CACHE = process.env.RAGNATRAMP_LAB_CACHE ?? '/var/cache/ragnatramp-lab';

// virtio_net and what it needs, in the order each one's dependencies are met.
const MODULES = [
  'drivers/virtio/virtio_ring',
  'drivers/virtio/virtio',
  'drivers/virtio/virtio_pci_modern_dev',
  'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci',
  'net/core/failover',
  'drivers/net/net_failover',
  'drivers/net/virtio_net',
  'drivers/char/virtio_console',
];

/** Programs copied into the image with the libraries `ldd` names. */
const PROGRAMS: Array<[string, string]> = [
  ['/usr/sbin/dropbear', 'sbin/dropbear'],
  ['/usr/sbin/qemu-ga', 'sbin/qemu-ga'],
];

/** What the QEMU lab needs beyond the namespace lab's tools (checked by lab-lifecycle.ts). */
export const GUEST_PACKAGES: Array<[string, string]> = [
  ['qemu-system-x86_64', 'qemu-system-x86'],
  ['qemu-img', 'qemu-utils'],
  ['/bin/busybox', 'busybox-static'],
  ['/usr/sbin/dropbear', 'dropbear-bin'],
  ['/usr/sbin/qemu-ga', 'qemu-guest-agent'],
];

// Kernel parameters: rt.hostname=<name> (sent with the DHCP request), rt.ciinfo=0 (print no
// network table), rt.ip=<address>/<prefix> (a static address: no DHCP lease, so that only the
// guest agent or the ARP tier can find the guest).
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mkdir -p /dev/pts; mount -t devpts devpts /dev/pts
for m in ${MODULES.map((m) => path.basename(m)).join(' ')}; do insmod /lib/modules/$m.ko; done
host=guest; ciinfo=1; static=
for a in $(cat /proc/cmdline); do case "$a" in rt.hostname=*) host=\${a#rt.hostname=};; rt.ciinfo=*) ciinfo=\${a#rt.ciinfo=};; rt.ip=*) static=\${a#rt.ip=};; esac; done
hostname "$host"; echo "$ciinfo" > /etc/ciinfo
ip link set lo up; ip link set eth0 up
if [ -n "$static" ]; then ip addr add "$static" dev eth0
else udhcpc -i eth0 -s /etc/udhcpc.script -x hostname:"$host" -b -t 30 -T 1 -A 2 >/dev/console 2>&1; fi
dropbear -R -p 22 -s
# The agent's port shows up a moment after virtio_console loads: look for it for a few seconds.
( for i in $(seq 1 50); do
    for p in /sys/class/virtio-ports/*; do
      [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] && [ -e "/dev/\${p##*/}" ] && exec qemu-ga -m virtio-serial -p "/dev/\${p##*/}" -f /run/qemu-ga.pid
    done
    sleep 0.2
  done ) &
echo "ragnatramp-lab: guest $host ready" > /dev/console
exec sh -c 'while true; do sleep 3600; done'
`;

// cloud-init's table, as the console-log tier's fixtures have it (discovery/console-log.ts).
const DHCP_SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface" ;;
  bound|renew)
    ip -4 addr flush dev "$interface"; ip addr add "$ip/\${mask:-24}" dev "$interface"
    [ -n "$router" ] && ip route replace default via "\${router%% *}" dev "$interface"
    if [ "$(cat /etc/ciinfo)" = 1 ]; then
      mac=$(cat /sys/class/net/"$interface"/address)
      {
        echo 'ci-info: ++++++++++++++++++++++++++++++++++++++Net device info+++++++++++++++++++++++++++++++++++++++'
        echo 'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+'
        echo 'ci-info: | Device |  Up  |           Address            |      Mask     | Scope  |     Hw-Address    |'
        echo 'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+'
        printf 'ci-info: | %6s | True | %28s | %13s | global | %17s |\\n' "$interface" "$ip" "$subnet" "$mac"
        echo 'ci-info: +--------+------+------------------------------+---------------+--------+-------------------+'
      } > /dev/console
    fi ;;
esac
`;

export interface GuestImage {
  kernel: string;
  initrd: string;
}

/** The cached image for this machine's Debian kernel, built first if it is not there yet. */
export async function guestImage(): Promise<GuestImage> {
  const kernelPackage = /Depends: (linux-image-\S+)/.exec(await run('apt-cache', ['depends', 'linux-image-amd64']))?.[1];
  if (!kernelPackage) throw new LabError("apt-cache knows no linux-image-amd64: run 'apt-get update'.");
  // The image's content is part of its name: a changed /init builds a new image.
  const content = createHash('sha256').update(JSON.stringify([INIT, DHCP_SCRIPT, MODULES, PROGRAMS, baseEntries.toString()])).digest('hex').slice(0, 8);
  const dir = path.join(IMAGE_CACHE, `${kernelPackage}-${content}`);
  const image = { kernel: path.join(dir, 'vmlinuz'), initrd: path.join(dir, 'base.cpio.gz') };
  if (existsSync(image.initrd)) return image;
  // The initramfs has no libraries for busybox: Debian's plain busybox package is dynamic.
  if (await run('ldd', ['/bin/busybox']).then(() => true, () => false)) throw new LabError('/bin/busybox is linked dynamically and cannot run in the guest image: apt-get install -y busybox-static.');
  await mkdir(IMAGE_CACHE, { recursive: true });
  // Built aside and renamed into place: test files running side by side never see half an image.
  const work = await mkdtemp(path.join(IMAGE_CACHE, '.build-'));
  try {
    await run('apt-get', ['download', '-q', '-o', 'APT::Sandbox::User=root', kernelPackage], { cwd: work, timeoutMs: 600_000 });
    const deb = (await readdir(work)).find((f) => f.endsWith('.deb'))!;
    await run('dpkg', ['-x', path.join(work, deb), path.join(work, 'pkg')]);
    const boot = path.join(work, 'pkg', 'boot');
    const vmlinuz = (await readdir(boot)).find((f) => f.startsWith('vmlinuz-'))!;
    const modules = path.join(work, 'pkg', 'lib', 'modules', vmlinuz.slice('vmlinuz-'.length), 'kernel');
    const out = path.join(work, 'image');
    await mkdir(out);
    await rename(path.join(boot, vmlinuz), path.join(out, 'vmlinuz'));
    // The kernel reads the next archive (a VM's own) only at a 4-byte boundary, skipping zeros
    // (init/initramfs.c): pad the compressed one, or the VM boots without its key.
    const gz = gzipSync(cpioArchive(await baseEntries(modules)));
    await writeFile(path.join(out, 'base.cpio.gz'), Buffer.concat([gz, Buffer.alloc((4 - (gz.length % 4)) % 4)]));
    await rm(dir, { recursive: true, force: true });
    await rename(out, dir).catch(async (err) => {
      if (!existsSync(image.initrd)) throw err; // another run finished first: use its image
    });
    return image;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function baseEntries(modules: string): Promise<CpioEntry[]> {
  const dirs = ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'run', 'var', 'var/log', 'lib', 'lib/modules', 'lib64', 'lib/x86_64-linux-gnu', 'usr', 'usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib/x86_64-linux-gnu', 'etc/dropbear'];
  const entries: CpioEntry[] = dirs.map((d) => ({ path: d, type: 'dir' }));
  // qemu-ga keeps its state in /var/run (as Debian has it, a link to /run).
  entries.push({ path: 'root', type: 'dir', mode: 0o700 }, { path: 'tmp', type: 'dir', mode: 0o1777 }, { path: 'var/run', type: 'symlink', target: '/run' });
  entries.push({ path: 'bin/busybox', type: 'file', data: await readFile('/bin/busybox'), mode: 0o755 });
  const libs = new Set<string>();
  for (const [from, to] of PROGRAMS) {
    entries.push({ path: to, type: 'file', data: await readFile(from), mode: 0o755 });
    for (const l of (await run('ldd', [from])).split('\n')) {
      const lib = /(?:=> )?(\/\S+) \(0x/.exec(l)?.[1];
      if (lib) libs.add(lib);
    }
  }
  for (const lib of libs) entries.push({ path: lib, type: 'file', data: await readFile(lib), mode: 0o755 });
  for (const m of MODULES) entries.push({ path: `lib/modules/${path.basename(m)}.ko`, type: 'file', data: await readFile(path.join(modules, `${m}.ko`)) });
  entries.push({ path: 'init', type: 'file', data: INIT, mode: 0o755 });
  entries.push({ path: 'etc/udhcpc.script', type: 'file', data: DHCP_SCRIPT, mode: 0o755 });
  entries.push({ path: 'etc/passwd', type: 'file', data: 'root:x:0:0:root:/root:/bin/sh\n' });
  entries.push({ path: 'etc/group', type: 'file', data: 'root:x:0:\n' });
  entries.push({ path: 'etc/shells', type: 'file', data: '/bin/sh\n' });
  return entries;
}

/** One VM's own files, unpacked over the base image. */
export function guestOverlay(files: { authorizedKey: string; machineId: string; hosts: string }): Buffer {
  return cpioArchive([
    { path: 'root', type: 'dir', mode: 0o700 },
    { path: 'root/.ssh', type: 'dir', mode: 0o700 },
    { path: 'root/.ssh/authorized_keys', type: 'file', data: files.authorizedKey, mode: 0o600 },
    { path: 'etc/machine-id', type: 'file', data: `${files.machineId}\n`, mode: 0o444 },
    { path: 'etc/hosts', type: 'file', data: files.hosts },
  ]);
}
