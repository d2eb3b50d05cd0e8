// Seed 002's states and the two ways a quickemu VM is reached, from the files alone.
import { describe, expect, it } from 'vitest';
import type { VmRef } from '../../discovery/observation.js';
import { observeQuickemu, type QuickemuVm } from './observe-quickemu.js';
import { parseConf, vmPaths } from './quickemu-files.js';

const NOW = '2026-11-23T10:00:00.000Z';
const ref = (machineName: string, vmName = machineName, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

function vm(name: string, conf: string, over: Partial<QuickemuVm> = {}): QuickemuVm {
  const c = parseConf(conf);
  return { confFile: `/vms/${name}.conf`, conf: c, paths: vmPaths(`/vms/${name}.conf`, c), created: true, running: true, sshPort: 22220, ...over };
}

const observe = (refs: VmRef[], vms: QuickemuVm[], neighbors = [] as Array<{ ip: string; mac: string; state: string }>) => observeQuickemu(refs, { folder: '/vms', vms, neighbors }, NOW);

describe('observeQuickemu', () => {
  it("maps seed 002's states: not_created → missing, stopped → off, running → running", () => {
    const [none, notCreated, stopped, running] = observe([ref('gone', 'gone', 'x'), ref('new'), ref('old'), ref('web')], [vm('new', '', { created: false, running: false }), vm('old', '', { running: false }), vm('web', '')]);
    expect([none!.found, none!.power, none!.warnings[0]!.code]).toEqual([false, 'missing', 'vm-missing']);
    expect([notCreated!.found, notCreated!.vmState, notCreated!.warnings[0]!.text]).toEqual([false, 'not created', "'new' has a .conf but nothing in /vms/new yet: start it once with 'quickemu --vm /vms/new.conf'."]);
    expect([stopped!.found, stopped!.power, stopped!.vmState]).toEqual([true, 'off', 'stopped']);
    expect([running!.found, running!.power, running!.hypervisorId]).toEqual([true, 'running', 'quickemu:/vms/web.conf']);
  });

  it('matches a .conf by the VM name state.json records, else by the machine name', () => {
    const [a, b] = observe([ref('web', 'p-web-1234abcd'), ref('db', 'p-db-1234abcd')], [vm('p-web-1234abcd', ''), vm('db', '')]);
    expect(a!.detail).toMatchObject({ conf: '/vms/p-web-1234abcd.conf' });
    expect(b!.detail).toMatchObject({ conf: '/vms/db.conf' });
  });

  it('a user-mode VM is reached through its SSH forward on this host and is told apart from its peers', () => {
    const [o] = observe([ref('web')], [vm('web', '', { sshPort: 22221 })]);
    expect(o!.network).toBeNull();
    expect(o!.forward).toEqual({ host: '127.0.0.1', port: 22221, isolated: expect.stringContaining("QEMU's user-mode network, where VMs cannot reach each other") });
    expect(o!.detail).toEqual({ provider: 'quickemu', conf: '/vms/web.conf', network: 'user', sshPort: 22221 });
  });

  it('a user-mode VM without a forward says how to get one', () => {
    const [o] = observe([ref('web')], [vm('web', '', { sshPort: null })]);
    expect(o!.forward).toBeUndefined();
    expect(o!.warnings.map((w) => w.code)).toEqual(['quickemu/no-ssh-forward']);
  });

  it('a bridged VM: the console log first, then the ARP table by its macaddr', () => {
    const table = 'ci-info: | Device |  Up  |           Address            |      Mask     | Scope  |     Hw-Address    |\nci-info: |  eth0  | True |         10.9.0.23           | 255.255.255.0 | global | 52:54:00:ab:cd:01 |\n';
    const bridged = 'network="br0"\nmacaddr="52:54:00:AB:CD:01"';
    const [logged] = observe([ref('web')], [vm('web', bridged, { consoleLog: table })], [{ ip: '10.9.0.99', mac: '52:54:00:ab:cd:01', state: 'REACHABLE' }]);
    expect([logged!.network?.ipv4, logged!.tier, logged!.network?.source, logged!.network?.adapterName]).toEqual(['10.9.0.23', 'console', 'guest-file', 'br0']);
    const [arp] = observe([ref('web')], [vm('web', bridged)], [{ ip: '10.9.0.99', mac: '52:54:00:ab:cd:01', state: 'REACHABLE' }]);
    expect([arp!.network?.ipv4, arp!.tier]).toEqual(['10.9.0.99', 'arp']);
    expect(arp!.forward).toBeUndefined();
  });

  it('a bridged VM with no macaddr and nothing logged says to set one', () => {
    const [o] = observe([ref('web')], [vm('web', 'network="br0"')]);
    expect(o!.network?.ipv4).toBeNull();
    expect(o!.warnings[0]!.text).toMatch(/sets no macaddr .* set macaddr="52:54:00:…" in it/);
  });

  it('network="none" is a problem of its own, with its fix', () => {
    const [o] = observe([ref('web')], [vm('web', 'network="none"')]);
    expect(o!.warnings.map((w) => [w.code, w.brief])).toEqual([['quickemu/no-network', 'no network']]);
  });
});
