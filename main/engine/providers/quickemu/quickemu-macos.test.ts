// quickemu on a Mac (the platform passed in, so it runs here): quickemu turns any `network=`
// other than none/restrict into `-nic bridge,br=…` (quickemu:1903-1914), which needs QEMU's
// bridge helper, built for Linux only, so a bridge is said to be impossible and the Mac way is
// named instead; the NIC that works is a vmnet one added through extra_args (quickemu appends
// it to QEMU's arguments, :2141-2143): QEMU's vmnet-shared/-host/-bridged, or socket_vmnet's
// `-netdev socket,fd=3` (lima-vm/socket_vmnet README.md:294-301). Such a guest is found by
// bootpd's lease for its MAC (fixture: minikube's), then its guest agent, then `arp -an`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARP_AN, MINIKUBE_LEASES } from '../../../../dev/test-support/macos-fixtures.js';
import { parseBootpdLeases } from '../../discovery/bootpd-leases.js';
import { parseArpAn } from '../../discovery/arp-an.js';
import type { VmRef } from '../../discovery/observation.js';
import { observeQuickemu, type QuickemuVm } from './observe-quickemu.js';
import { parseConf, vmnetNic, vmPaths } from './quickemu-files.js';
import { QuickemuProvider } from './quickemu-provider.js';

const NOW = new Date((0x597e1268 - 3600) * 1000).toISOString();
const ref = (machineName: string): VmRef => ({ project: 'p', machineName, vmName: machineName, vmId: null });
const SHARED = 'extra_args="-netdev vmnet-shared,id=vmnet0 -device virtio-net-pci,netdev=vmnet0,mac=8e:01:99:9c:54:b1"';

function vm(name: string, conf: string, over: Partial<QuickemuVm> = {}): QuickemuVm {
  const c = parseConf(conf);
  return { confFile: `/Users/ada/VMs/${name}.conf`, conf: c, paths: vmPaths(`/Users/ada/VMs/${name}.conf`, c), created: true, running: true, sshPort: 22220, ...over };
}
const observe = (vms: QuickemuVm[], over: { neighbors?: ReturnType<typeof parseArpAn>; platform?: NodeJS.Platform } = {}) =>
  observeQuickemu(vms.map((v) => ref(v.paths.name)), { folder: '/Users/ada/VMs', vms, neighbors: over.neighbors ?? [], platform: over.platform ?? 'darwin', leases: parseBootpdLeases(MINIKUBE_LEASES) }, NOW);

describe("a vmnet NIC in quickemu's extra_args", () => {
  it('is recognised with its MAC: QEMU vmnet netdevs (with their -device or as one -nic) and socket_vmnet', () => {
    expect(vmnetNic(parseConf(SHARED))).toEqual({ mode: 'vmnet-shared', mac: '8e:01:99:9c:54:b1' });
    expect(vmnetNic(parseConf('extra_args="-nic vmnet-bridged,ifname=en0,model=virtio-net-pci,mac=52:54:00:aa:00:02"'))).toEqual({ mode: 'vmnet-bridged', mac: '52:54:00:aa:00:02' });
    expect(vmnetNic(parseConf('extra_args="-device virtio-net-pci,netdev=net0,mac=de:ad:be:ef:00:01 -netdev socket,id=net0,fd=3"'))).toEqual({ mode: 'socket_vmnet', mac: 'de:ad:be:ef:00:01' });
    expect(vmnetNic(parseConf('extra_args="-netdev vmnet-host,id=h"'))).toEqual({ mode: 'vmnet-host', mac: null });
    expect(vmnetNic(parseConf('extra_args="-smp 4 -netdev user,id=u"'))).toBeNull();
  });
});

describe('quickemu on macOS', () => {
  it("a vmnet guest: bootpd's lease for its MAC first, then its guest agent, then arp -an; reached on its own address (no forward)", () => {
    const [leased] = observe([vm('web', SHARED)]);
    expect([leased!.tier, leased!.network?.ipv4, leased!.network?.adapterName, leased!.forward]).toEqual(['lease', '192.168.105.2', 'vmnet-shared', undefined]);
    expect(leased!.detail).toMatchObject({ network: 'vmnet', vmnet: 'vmnet-shared' });
    const noLease = 'extra_args="-netdev vmnet-shared,id=v -device virtio-net-pci,netdev=v,mac=52:54:00:aa:00:02"';
    const agent = { interfaces: [{ name: 'docker0', mac: '0242AC110001', ipv4: ['172.17.0.1'] }, { name: 'enp0s2', mac: '525400AA0002', ipv4: ['192.168.105.8'] }] };
    expect(observe([vm('db', noLease, { agent })])[0]).toMatchObject({ tier: 'agent', network: { ipv4: '192.168.105.8' } });
    expect(observe([vm('db', noLease)], { neighbors: parseArpAn(ARP_AN) })[0]).toMatchObject({ tier: 'arp', network: { ipv4: '192.168.105.7' } });
    const none = observe([vm('db', noLease)])[0]!;
    expect(none.network?.ipv4).toBeNull();
    expect(none.warnings[0]!.text).toMatch(/no bootpd lease, guest agent answer or neighbour entry for MAC 52:54:00:AA:00:02 on its vmnet-shared NIC\. .*socketfilterfw --add \/usr\/libexec\/bootpd/);
  });

  it('a vmnet NIC without mac= says to give it one', () => {
    expect(observe([vm('web', 'extra_args="-netdev vmnet-shared,id=v -device virtio-net-pci,netdev=v"')])[0]!.warnings[0]!.text).toMatch(/has no mac= in extra_args .*give that -device a MAC of its own/);
  });

  it('network="br0" is said to be impossible on a Mac, with the vmnet way out; never "set network=br0"', () => {
    const [o] = observe([vm('web', 'network="br0"\nmacaddr="52:54:00:aa:00:02"')], { neighbors: parseArpAn(ARP_AN) });
    expect(o!.network).toBeNull();
    expect(o!.warnings.map((w) => w.code)).toEqual(['quickemu/bridge-on-macos']);
    expect(o!.warnings[0]!.text).toMatch(/cannot work on macOS: .*bridge helper, which is built for Linux only\. Remove that line \(user-mode: SSH through its forward\) and add a vmnet NIC .*extra_args="-netdev vmnet-shared/);
  });

  it('a user-mode VM: SSH through its forward works, peers cannot reach it, and the way out is a vmnet NIC, not a bridge', () => {
    const [o] = observe([vm('web', '')]);
    expect(o!.forward).toMatchObject({ host: '127.0.0.1', port: 22220 });
    expect(o!.forward!.isolated).toMatch(/user-mode network, where VMs cannot reach each other, so it gets no hosts block; add a vmnet NIC/);
    expect(o!.forward!.isolated).not.toMatch(/network="/);
    // On Linux the bridge stays the advice.
    expect(observe([vm('web', '')], { platform: 'linux' })[0]!.forward!.isolated).toMatch(/set network="<bridge>"/);
  });

  it("the provider reads bootpd's leases and arp -an on a Mac (never ip), only when a running VM has a vmnet NIC", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-qe-mac-'));
    mkdirSync(path.join(dir, 'web'));
    writeFileSync(path.join(dir, 'web.conf'), `disk_img="web/disk.qcow2"\n${SHARED}\n`);
    writeFileSync(path.join(dir, 'web', 'disk.qcow2'), '');
    writeFileSync(path.join(dir, 'web', 'web.pid'), '4242\n');
    const calls: string[] = [];
    let leaseReads = 0;
    const provider = new QuickemuProvider(
      dir,
      async (cmd, args) => (calls.push([cmd, ...args].join(' ')), cmd === 'arp' ? ARP_AN : Promise.reject(Object.assign(new Error(`spawn ${cmd} ENOENT`), { code: 'ENOENT' }))),
      // macOS's ps: one line, QEMU given this VM's pid file (quickemu:1728-1752).
      async () => ({ argv: null, command: `/opt/homebrew/bin/qemu-system-aarch64 -name web -pidfile web/web.pid ${SHARED.slice(12, -1)}`, cwd: null, startedMs: null }),
      async () => ({ error: 'no agent' }),
      { platform: 'darwin', bootpdLeases: async () => (leaseReads++, parseBootpdLeases(MINIKUBE_LEASES)) },
    );
    const [o] = await provider.observe([ref('web')], NOW);
    expect([o!.tier, o!.network?.ipv4]).toEqual(['lease', '192.168.105.2']);
    expect(calls).toEqual(['arp -an']);
    expect(leaseReads).toBe(1);
  });
});
