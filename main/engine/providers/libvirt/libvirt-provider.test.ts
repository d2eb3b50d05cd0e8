// The libvirt provider on virsh's real output (captured from virsh 9.0 against a real libvirtd in
// the lab), through the command runner seam: what it asks, in how many calls, and what it makes
// of the answers. The real daemon is dev/lab/libvirt-lab.test.ts's.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../discovery/host-neighbors.js';
import type { VmRef } from '../../discovery/observation.js';
import { isLocalUri, LibvirtProvider } from './libvirt-provider.js';
import { observeLibvirt, type DomainFacts } from './observe-libvirt.js';
import { libvirtPower, parseBatch, parseDomainList, parseDomiflist, parseDomifaddr } from './virsh-output.js';

const NOW = '2026-11-23T10:00:00.000Z';
const U1 = 'ff5b0e0e-3f12-4765-963b-9952bb9cd2f7';
const U2 = '0a8e2c51-9d1b-4f3e-8c7a-5b6d4e3f2a10';
const ref = (machineName: string, vmName: string, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

const AGENT = ' lo         00:00:00:00:00:00    ipv4         127.0.0.1/8\n -          -                    ipv6         ::1/128\n eth0       52:54:00:98:02:03    ipv4         10.202.2.203/24\n -          -                    ipv6         fe80::5054:ff:fe98:203/64\n';

describe("virsh's output", () => {
  it('list --uuid --name keeps names with spaces whole; junk is skipped', () => {
    expect(parseDomainList(`${U1} lab-guest1-92955489\n${U2} my web server\nerror: nope\n`)).toEqual([
      { uuid: U1, name: 'lab-guest1-92955489' },
      { uuid: U2, name: 'my web server' },
    ]);
  });
  it('domiflist and domifaddr (a lease; the agent with continuation rows)', () => {
    expect(parseDomiflist(' vnet0   network   rtltest   virtio   52:54:00:77:00:01\n')).toEqual([{ type: 'network', source: 'rtltest', mac: '525400770001' }]);
    expect(parseDomiflist(' rtl9f1at1   ethernet   -   virtio   52:54:00:9f:1a:01\n')).toEqual([{ type: 'ethernet', source: 'ethernet rtl9f1at1', mac: '5254009F1A01' }]);
    expect(parseDomifaddr(' vnet0      52:54:00:77:00:01    ipv4         10.231.7.72/24\n')).toEqual([{ mac: '525400770001', ipv4: ['10.231.7.72'] }]);
    expect(parseDomifaddr(AGENT)).toEqual([
      { mac: '000000000000', ipv4: ['127.0.0.1'] },
      { mac: '525400980203', ipv4: ['10.202.2.203'] },
    ]);
  });
  it('a batch splits at its markers, whatever the commands printed or failed to', () => {
    const out = parseBatch(`@@${U1}:state@@running\n@@${U1}:iflist@@ vnet0   network   n   virtio   52:54:00:77:00:01\n@@${U2}:state@@@@${U2}:iflist@@`);
    expect([...out]).toEqual([[`${U1}:state`, 'running\n'], [`${U1}:iflist`, ' vnet0   network   n   virtio   52:54:00:77:00:01\n'], [`${U2}:state`, ''], [`${U2}:iflist`, '']]);
    expect(['running', 'idle', 'paused', 'pmsuspended', 'in shutdown', 'shut off', 'crashed', 'blocked', 'nostate'].map(libvirtPower)).toEqual(['running', 'running', 'paused', 'paused', 'stopping', 'off', 'off', 'running', 'unknown']);
  });
});

describe('observeLibvirt', () => {
  const domains = [{ uuid: U1, name: 'p-web-1' }, { uuid: U2, name: 'db' }];
  const running = (over: Partial<DomainFacts> = {}): DomainFacts => ({ state: 'running', interfaces: [{ type: 'network', source: 'default', mac: '525400770001' }], leases: [], ...over });
  const observe = (d1: DomainFacts, neighbors: Array<{ ip: string; mac: string; state: string }> | null = []) => observeLibvirt([ref('web', 'p-web-1', U1.toUpperCase())], { uri: 'qemu:///system', domains, details: new Map([[U1, d1]]), neighbors }, NOW)[0]!;

  it('lease, then the agent, then ARP, each only when the ones before found nothing', () => {
    const lease = [{ mac: '525400770001', ipv4: ['10.0.0.5'] }];
    const agent = { interfaces: [{ mac: '525400770001', ipv4: ['10.0.0.6'] }] };
    const arp = [{ ip: '10.0.0.7', mac: '52:54:00:77:00:01', state: 'REACHABLE' }];
    expect(observe(running({ leases: lease, agent }), arp)).toMatchObject({ tier: 'lease', network: { ipv4: '10.0.0.5', source: 'lease', adapterName: 'default' }, hypervisorId: U1 });
    expect(observe(running({ agent }), arp)).toMatchObject({ tier: 'agent', network: { ipv4: '10.0.0.6', source: 'guest-cmd' }, detail: { agent: { state: 'answered' } } });
    expect(observe(running({ agent: { error: 'Guest agent is not responding: QEMU guest agent is not connected' } }), arp)).toMatchObject({ tier: 'arp', network: { ipv4: '10.0.0.7' }, detail: { agent: { state: 'no answer' } } });
  });

  it('a remote host: no neighbour table, and the warning says what was tried', () => {
    const o = observe(running({ agent: { error: 'QEMU guest agent is not connected' } }), null);
    expect(o.network?.ipv4).toBeNull();
    expect(o.warnings[0]!.text).toBe("VM is running but has no IPv4 yet: no DHCP lease in libvirt for MAC 525400770001; the guest agent did not answer (QEMU guest agent is not connected): install qemu-guest-agent in the guest and give the domain its channel; the neighbour table of qemu:///system's host cannot be read from here.");
  });

  it('matches by UUID before names, maps states, and says where it looked', () => {
    const [web, db, gone] = observeLibvirt([ref('web', 'renamed', U1), ref('db', 'p-db-1'), ref('gone', 'p-gone-1', 'x')], { uri: 'qemu+ssh://h/system', domains, details: new Map([[U1, running({ state: 'shut off' })], [U2, running({ state: 'paused' })]]), neighbors: null }, NOW);
    expect([web!.found, web!.power, web!.vmState, db!.power, db!.hypervisorId]).toEqual([true, 'off', 'shut off', 'paused', U2]);
    expect([gone!.found, gone!.lookedIn, gone!.warnings[0]!.code]).toEqual([false, 'libvirt at qemu+ssh://h/system', 'vm-missing']);
  });
});

describe('LibvirtProvider through the runner seam', () => {
  function fake(answers: { list: string; batch: string; agent?: string | Error; neigh?: string }) {
    const calls: string[][] = [];
    const runner: CommandRunner = async (cmd, args) => {
      calls.push([cmd, ...args]);
      if (cmd === 'ip') return answers.neigh ?? '[]';
      if (args.includes('list')) return answers.list;
      if (args.includes('agent')) {
        if (answers.agent instanceof Error) throw answers.agent;
        return answers.agent ?? '';
      }
      return answers.batch;
    };
    return { runner, calls };
  }

  it('one list, one batch for the domains asked about (never a name in it), the agent only where no lease knew', async () => {
    const hostile = `${U2} x; shutdown --domain victim; echo`;
    const { runner, calls } = fake({
      list: `${U1} p-web-1\n${hostile}\n`,
      batch: `@@${U1}:state@@running\n@@${U1}:iflist@@ vnet0   network   default   virtio   52:54:00:98:02:03\n@@${U1}:lease@@`,
      agent: AGENT,
    });
    const provider = new LibvirtProvider('qemu:///system', runner);
    const [o] = await provider.observe([ref('web', 'p-web-1')], NOW);
    expect(o).toMatchObject({ tier: 'agent', network: { ipv4: '10.202.2.203' } });
    expect(calls).toEqual([
      ['virsh', '-c', 'qemu:///system', '-q', 'list', '--all', '--uuid', '--name'],
      ['virsh', '-c', 'qemu:///system', '-q', `echo @@${U1}:state@@ ; domstate --domain ${U1} ; echo @@${U1}:iflist@@ ; domiflist --domain ${U1} ; echo @@${U1}:lease@@ ; domifaddr --domain ${U1} --source lease`],
      ['virsh', '-c', 'qemu:///system', '-q', 'domifaddr', '--domain', U1, '--source', 'agent'],
      ['ip', '-j', '-4', 'neigh', 'show'],
    ]);
  });

  it("a remote URI never reads this host's neighbour table", async () => {
    const { runner, calls } = fake({ list: `${U1} p-web-1\n`, batch: `@@${U1}:state@@shut off\n@@${U1}:iflist@@@@${U1}:lease@@` });
    await new LibvirtProvider('qemu+ssh://admin@vmhost/system', runner).observe([ref('web', 'p-web-1')], NOW);
    expect(calls.some(([cmd]) => cmd === 'ip')).toBe(false);
    expect([isLocalUri('qemu:///system'), isLocalUri('qemu:///session'), isLocalUri('qemu+ssh://admin@vmhost/system'), isLocalUri('not a uri')]).toEqual([true, true, false, false]);
  });

  it('says what to do when virsh is missing or libvirtd does not answer', async () => {
    const missing: CommandRunner = async () => {
      throw Object.assign(new Error('spawn virsh ENOENT'), { code: 'ENOENT' });
    };
    await expect(new LibvirtProvider('qemu:///system', missing).observe([ref('web', 'w')], NOW)).rejects.toThrow(/virsh is not installed/);
    const down: CommandRunner = async () => {
      throw Object.assign(new Error('Command failed'), { code: 1, stderr: "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n" });
    };
    await expect(new LibvirtProvider('qemu:///system', down).observe([ref('web', 'w')], NOW)).rejects.toMatchObject({ message: "libvirt at qemu:///system could not be asked (Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory).\nCheck that libvirtd runs there and that you may use it (the libvirt group, or the URI's user)." });
  });
});

// The real virsh (its built-in test driver, test:///default: one running domain 'test' on network
// 'default') under a German locale with libvirt-l10n: virsh translates its state words
// (virshDomainStateToString returns _(str), libvirt 9.0.0 tools/virsh-domain-monitor.c:137-141),
// so 'running' reads 'laufend' unless the tray runs it with LC_ALL=C.
const GERMAN = { LANG: 'de_DE.UTF-8', LANGUAGE: 'de', LC_MESSAGES: 'de_DE.UTF-8' };
const hasGermanVirsh = (() => {
  try {
    return execFileSync('virsh', ['-c', 'test:///default', 'domstate', 'test'], { env: { ...process.env, ...GERMAN, LC_ALL: '' }, encoding: 'utf8' }).trim() === 'laufend';
  } catch {
    return false;
  }
})();

describe.skipIf(!hasGermanVirsh && !process.env.CI)('the real virsh under a German locale', () => {
  it('a running domain reads running, with its lease, whatever the user\'s language', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, GERMAN);
    delete process.env.LC_ALL;
    try {
      const [o] = await new LibvirtProvider('test:///default').observe([ref('test', 'test')], NOW);
      expect([o!.vmState, o!.power, o!.network?.ipv4, o!.tier]).toEqual(['running', 'running', '192.168.122.3', 'lease']);
    } finally {
      for (const k of Object.keys(GERMAN)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
