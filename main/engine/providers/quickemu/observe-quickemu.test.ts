// Seed 002's states and the ways a quickemu VM is reached (its forward, its guest agent, the
// neighbour table), from the files and the agent's answer alone.
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
    expect([notCreated!.found, notCreated!.vmState, notCreated!.warnings[0]!.text]).toEqual([false, 'not created', "'new' has a .conf but quickemu has not started it yet (no /vms/disk.qcow2): start it once with 'quickemu --vm /vms/new.conf'."]);
    expect([stopped!.found, stopped!.power, stopped!.vmState, stopped!.startWith]).toEqual([true, 'off', 'stopped', 'quickemu --vm /vms/old.conf']);
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
    expect(o!.detail).toEqual({ provider: 'quickemu', conf: '/vms/web.conf', network: 'user', sshPort: 22221, agent: { state: 'not asked', why: null }, guestIpv4: null });
  });

  it('a user-mode VM without a forward says how to get one', () => {
    const [o] = observe([ref('web')], [vm('web', '', { sshPort: null })]);
    expect(o!.forward).toBeUndefined();
    expect(o!.warnings.map((w) => w.code)).toEqual(['quickemu/no-ssh-forward']);
  });

  it("a bridged VM: its guest agent's address for its MAC first (never docker0's), then the ARP table", () => {
    const bridged = 'network="br0"\nmacaddr="52:54:00:AB:CD:01"';
    const agent = { interfaces: [{ name: 'lo', mac: '000000000000', ipv4: ['127.0.0.1'] }, { name: 'docker0', mac: '0242AC110001', ipv4: ['172.17.0.1'] }, { name: 'eth0', mac: '525400ABCD01', ipv4: ['10.9.0.23'] }] };
    const [asked] = observe([ref('web')], [vm('web', bridged, { agent })], [{ ip: '10.9.0.99', mac: '52:54:00:ab:cd:01', state: 'REACHABLE' }]);
    expect([asked!.network?.ipv4, asked!.tier, asked!.network?.source, asked!.network?.adapterName]).toEqual(['10.9.0.23', 'agent', 'guest-cmd', 'br0']);
    expect(asked!.detail).toMatchObject({ agent: { state: 'answered', why: null } });
    const [arp] = observe([ref('web')], [vm('web', bridged, { agent: { error: 'the guest agent did not answer within 2 s' } })], [{ ip: '10.9.0.99', mac: '52:54:00:ab:cd:01', state: 'REACHABLE' }]);
    expect([arp!.network?.ipv4, arp!.tier]).toEqual(['10.9.0.99', 'arp']);
    expect(arp!.detail).toMatchObject({ agent: { state: 'no answer', why: 'the guest agent did not answer within 2 s' } });
    expect(arp!.forward).toBeUndefined();
  });

  it("a bridge the guest built on its NIC carries the NIC's MAC and the address: the agent tier finds it there, not only on the first interface with the MAC", () => {
    const agent = { interfaces: [{ name: 'eth0', mac: '525400123456', ipv4: [] }, { name: 'br0', mac: '525400123456', ipv4: ['10.9.0.25'] }] };
    const [o] = observe([ref('web')], [vm('web', 'network="br0"', { agent })]);
    expect([o!.network?.ipv4, o!.tier, o!.detail]).toEqual(['10.9.0.25', 'agent', expect.objectContaining({ agent: { state: 'answered', why: null } })]);
  });

  it("without macaddr a bridged VM's agent is matched by QEMU's default MAC; the neighbour table is not asked for it", () => {
    const agent = { interfaces: [{ name: 'eth0', mac: '525400123456', ipv4: ['10.9.0.24'] }] };
    const [o] = observe([ref('web')], [vm('web', 'network="br0"', { agent })], [{ ip: '10.9.0.98', mac: '52:54:00:12:34:56', state: 'REACHABLE' }]);
    expect([o!.network?.ipv4, o!.tier]).toEqual(['10.9.0.24', 'agent']);
  });

  it("a user-mode VM's own address from its agent is shown in its detail, never used as its address", () => {
    const agent = { interfaces: [{ name: 'eth0', mac: '525400123456', ipv4: ['10.0.2.15'] }] };
    const [o] = observe([ref('web')], [vm('web', '', { agent })]);
    expect(o!.network).toBeNull();
    expect(o!.forward?.port).toBe(22220);
    expect(o!.detail).toMatchObject({ network: 'user', guestIpv4: '10.0.2.15', agent: { state: 'answered' } });
  });

  it('an agent that knows no interface with the VM\'s MAC lends no address, and says so', () => {
    const agent = { interfaces: [{ name: 'tun0', mac: '000000000000', ipv4: ['10.8.0.2'] }] };
    const [o] = observe([ref('web')], [vm('web', 'network="br0"\nmacaddr="52:54:00:ab:cd:01"', { agent })]);
    expect(o!.network?.ipv4).toBeNull();
    expect(o!.warnings[0]!.text).toContain('the guest agent reports no interface with MAC 52:54:00:AB:CD:01');
  });

  it('a stopped VM whose .conf path has a space is started with the path quoted for the shell', () => {
    const c = parseConf('');
    const [o] = observe([ref('web')], [{ ...vm('web', ''), confFile: "/my vms/web's.conf", paths: vmPaths('/my vms/web.conf', c), running: false }]);
    expect(o!.startWith).toBe("quickemu --vm '/my vms/web'\\''s.conf'");
  });

  it('a bridged VM with no macaddr and no agent says to set one', () => {
    const [o] = observe([ref('web')], [vm('web', 'network="br0"')], [{ ip: '10.9.0.98', mac: '52:54:00:12:34:56', state: 'REACHABLE' }]);
    expect(o!.network?.ipv4).toBeNull();
    expect(o!.warnings[0]!.text).toMatch(/sets no macaddr, .*it has no guest agent socket .*: set macaddr="52:54:00:…" in it, or run qemu-guest-agent in the guest/);
  });

  it('network="none" is a problem of its own, with its fix', () => {
    const [o] = observe([ref('web')], [vm('web', 'network="none"')]);
    expect(o!.warnings.map((w) => [w.code, w.brief])).toEqual([['quickemu/no-network', 'no network']]);
  });
});
