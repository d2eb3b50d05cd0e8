// The libvirt provider on virsh's real output (captured from virsh 9.0 against a real libvirtd in
// the lab), through the command runner seam: what it asks, in how many calls, and what it makes
// of the answers. The real daemon is dev/lab/libvirt-lab.test.ts's.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../../discovery/host-neighbors.js';
import type { VmRef } from '../../discovery/observation.js';
import { LibvirtProvider } from './libvirt-provider.js';
import { isLocalUri } from './libvirt-uri.js';
import { observeLibvirt, type DomainFacts } from './observe-libvirt.js';
import { parseDomainInterfaces } from './domain-xml.js';
import { libvirtPower, parseBatch, parseDomainList, parseDomifaddr } from './virsh-output.js';

const NOW = '2026-11-23T10:00:00.000Z';
const U1 = 'ff5b0e0e-3f12-4765-963b-9952bb9cd2f7';
const U2 = '0a8e2c51-9d1b-4f3e-8c7a-5b6d4e3f2a10';
const ref = (machineName: string, vmName: string, vmId: string | null = null): VmRef => ({ project: 'p', machineName, vmName, vmId });

const AGENT = ' lo         00:00:00:00:00:00    ipv4         127.0.0.1/8\n lo         00:00:00:00:00:00    ipv6         ::1/128\n eth0       52:54:00:98:02:03    ipv4         10.202.2.203/24\n eth0       52:54:00:98:02:03    ipv6         fe80::5054:ff:fe98:203/64\n';

describe("virsh's output", () => {
  it('list --uuid --name keeps names with spaces whole; junk is skipped', () => {
    expect(parseDomainList(`${U1} lab-guest1-92955489\n${U2} my web server\nerror: nope\n`)).toEqual([
      { uuid: U1, name: 'lab-guest1-92955489' },
      { uuid: U2, name: 'my web server' },
    ]);
  });
  it("the domain's XML (interfaces in order, a tap's device, a user-mode backend; junk reads as none) and domifaddr --full", () => {
    const ifaces = (body: string) => parseDomainInterfaces(`<domain type='qemu'><name>x</name><devices>${body}</devices></domain>`);
    expect(ifaces(`<interface type='network'><mac address='52:54:00:77:00:01'/><source network='Büro &amp; Lab'/><target dev='vnet0'/></interface><interface type='bridge'><mac address='52:54:00:77:00:02'/><source bridge='br0'/></interface>`)).toEqual([
      { type: 'network', source: 'Büro & Lab', mac: '525400770001', network: 'Büro & Lab' },
      { type: 'bridge', source: 'br0', mac: '525400770002' },
    ]);
    // A running domain's live XML names the network's bridge too: the source is the bridge, the network still its own.
    expect(ifaces(`<interface type='network'><mac address='52:54:00:77:00:03'/><source network='rtl8ee6br lab net' portid='0c1f' bridge='rtl8ee6br'/><target dev='vnet3'/></interface>`)).toEqual([{ type: 'network', source: 'rtl8ee6br', mac: '525400770003', network: 'rtl8ee6br lab net' }]);
    expect(ifaces(`<interface type='ethernet'><mac address='52:54:00:9f:1a:01'/><target dev='rtl9f1at1' managed='no'/></interface>`)).toEqual([{ type: 'ethernet', source: 'ethernet rtl9f1at1', mac: '5254009F1A01' }]);
    expect(ifaces(`<interface type='user'><mac address='52:54:00:9f:1a:02'/><backend type='passt'/></interface><interface type='user'><mac address='52:54:00:9f:1a:03'/></interface>`).map((i) => i.source)).toEqual(['user-mode (passt)', 'user-mode (SLIRP)']);
    // passt's forwards to the guest's port 22 (the rest of the interface elided).
    const forward = (pf: string) => ifaces(`<interface type='user'><mac address='52:54:00:9f:1a:02'/><backend type='passt'/>${pf}</interface>`)[0]!.sshForward ?? null;
    expect([
      forward(`<portForward proto='tcp'/>`),
      forward(`<portForward proto='tcp' address='192.0.2.7'><range start='2222' to='22'/></portForward>`),
      forward(`<portForward proto='tcp'><range start='2200' end='2299' to='20'/></portForward>`),
      forward(`<portForward proto='tcp'><range start='1' end='1000'/><range start='22' exclude='yes'/></portForward>`),
      forward(`<portForward proto='udp'><range start='2222' to='22'/></portForward><portForward proto='tcp'><range start='80'/></portForward>`),
    ]).toEqual([{ address: null, port: 22 }, { address: '192.0.2.7', port: 2222 }, { address: null, port: 2202 }, null, null]);
    expect([parseDomainInterfaces(''), parseDomainInterfaces('<domain><devices><interface'), parseDomainInterfaces('error: failed to get domain')]).toEqual([[], [], []]);
    expect(parseDomifaddr(' vnet0      52:54:00:77:00:01    ipv4         10.231.7.72/24\n')).toEqual([{ mac: '525400770001', ipv4: ['10.231.7.72'] }]);
    expect(parseDomifaddr(AGENT)).toEqual([{ mac: '525400980203', ipv4: ['10.202.2.203'] }]);
    // A Windows guest's agent names interfaces by their friendly names, spaces and all (virsh
    // prints them as given, tools/virsh-domain-monitor.c cmdDomIfAddr); a MAC-less one still lends nothing.
    const windows = ' Ethernet 2 52:54:00:98:02:04    ipv6         fe80::1c2d:3e4f:5a6b:7c8d/64\n Ethernet 2 52:54:00:98:02:04    ipv4         10.202.2.204/24\n Loopback Pseudo-Interface 1 00:00:00:00:00:00    ipv4         127.0.0.1/8\n OpenVPN Data Channel Offload                     ipv4         10.8.0.6/24\n';
    expect(parseDomifaddr(windows)).toEqual([{ mac: '525400980204', ipv4: ['10.202.2.204'] }]);
  });
  it('a batch splits at its markers, whatever the commands printed or failed to', () => {
    const out = parseBatch(`@@n0nce:${U1}:state@@running\n@@n0nce:${U1}:xml@@<domain><description>@@${U2}:state@@ @@other:${U2}:state@@</description></domain>\n@@n0nce:${U2}:state@@@@n0nce:${U2}:xml@@`, 'n0nce');
    expect([...out]).toEqual([[`${U1}:state`, 'running\n'], [`${U1}:xml`, `<domain><description>@@${U2}:state@@ @@other:${U2}:state@@</description></domain>\n`], [`${U2}:state`, ''], [`${U2}:xml`, '']]);
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
    const [fresh] = observeLibvirt([ref('new', 'p-new-1')], { uri: 'qemu:///system', domains, details: new Map(), neighbors: null }, NOW);
    expect(fresh!.warnings).toEqual([{ code: 'not-created', text: "Machine 'new' has no libvirt domain at qemu:///system yet (looked for 'p-new-1' and 'new'): create a domain with one of those names (virt-install --name, or virsh define), or point the tray at the libvirt URI that has it." }]);
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
      // The batch's markers carry the pass's nonce: `@@N:` in an answer stands for it.
      const nonce = /^echo @@([0-9a-f]{12}):/.exec(args.at(-1)!)?.[1] ?? 'none';
      return answers.batch.replaceAll('@@N:', `@@${nonce}:`);
    };
    return { runner, calls };
  }

  it('one list, one batch for the domains asked about (never a name in it), the agent only where no lease knew', async () => {
    const hostile = `${U2} x; shutdown --domain victim; echo`;
    const { runner, calls } = fake({
      list: `${U1} p-web-1\n${hostile}\n`,
      batch: `@@N:${U1}:state@@running\n@@N:${U1}:xml@@<domain><devices><interface type='network'><mac address='52:54:00:98:02:03'/><source network='default'/></interface></devices></domain>\n@@N:${U1}:lease@@`,
      agent: AGENT,
    });
    const provider = new LibvirtProvider('qemu:///system', runner);
    const [o] = await provider.observe([ref('web', 'p-web-1')], NOW);
    expect(o).toMatchObject({ tier: 'agent', network: { ipv4: '10.202.2.203' } });
    expect(calls).toEqual([
      ['virsh', '-c', 'qemu:///system', '-q', 'list', '--all', '--uuid', '--name'],
      ['virsh', '-c', 'qemu:///system', '-q', expect.stringMatching(new RegExp(`^echo @@(\\w{12}):${U1}:state@@ ; domstate --domain ${U1} ; echo @@\\1:${U1}:xml@@ ; dumpxml --domain ${U1} ; echo @@\\1:${U1}:lease@@ ; domifaddr --domain ${U1} --full --source lease$`))],
      ['virsh', '-c', 'qemu:///system', '-q', 'domifaddr', '--domain', U1, '--full', '--source', 'agent'],
      ['ip', '-j', '-4', 'neigh', 'show'],
    ]);
  });

  it("a remote URI never reads this host's neighbour table", async () => {
    const { runner, calls } = fake({ list: `${U1} p-web-1\n`, batch: `@@N:${U1}:state@@shut off\n@@N:${U1}:xml@@@@N:${U1}:lease@@` });
    await new LibvirtProvider('qemu+ssh://admin@vmhost/system', runner).observe([ref('web', 'p-web-1')], NOW);
    expect(calls.some(([cmd]) => cmd === 'ip')).toBe(false);
    expect([isLocalUri('qemu:///system'), isLocalUri('qemu:///session'), isLocalUri('qemu+ssh://admin@vmhost/system'), isLocalUri('not a uri')]).toEqual([true, true, false, false]);
  });

  it('says what to do when virsh is missing or libvirtd does not answer', async () => {
    const missing: CommandRunner = async () => {
      throw Object.assign(new Error('spawn virsh ENOENT'), { code: 'ENOENT' });
    };
    await expect(new LibvirtProvider('qemu:///system', missing).observe([ref('web', 'w')], NOW)).rejects.toThrow(/virsh is not installed/);
    // On a Mac, Homebrew's package, never Debian's.
    await expect(new LibvirtProvider('qemu:///system', missing, Date.now, { platform: 'darwin' }).observe([ref('web', 'w')], NOW)).rejects.toThrow(/virsh is not installed, so libvirt cannot be asked\.\nInstall it with Homebrew: brew install libvirt/);
    const down: CommandRunner = async () => {
      throw Object.assign(new Error('Command failed'), { code: 1, stderr: "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n" });
    };
    await expect(new LibvirtProvider('qemu:///system', down).observe([ref('web', 'w')], NOW)).rejects.toMatchObject({ message: "libvirt at qemu:///system could not be asked (Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory).\nCheck that libvirtd runs there and that you may use it (the libvirt group, or the URI's user)." });
  });
});

// The real virsh (its built-in test driver, test:///default: one running domain 'test' on network
// 'default') under a German locale with libvirt-l10n: virsh translates its state words
// (virshDomainStateToString returns _(str), libvirt 9.0.0 tools/virsh-domain-monitor.c:143-147),
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

interface FakeIface {
  type: string;
  mac: string;
  /** <source network|bridge=…>, <target dev=…>, <backend type=…> */
  network?: string;
  bridge?: string;
  target?: string;
  backend?: string;
  /** passt's <portForward> elements, as written */
  portForward?: string;
}
interface FakeAddrs {
  name: string;
  /** null: the agent reported no hardware-address (a tun) */
  mac: string | null;
  addrs: Array<[proto: 'ipv4' | 'ipv6', cidr: string]>;
}

/**
 * virsh 9.0.0 as the provider meets it, for one running domain, modelled on its source
 * (tools/virsh-domain-monitor.c): `domiflist` is a vshTable of padded columns, the source taken
 * from source/@bridge|@dev|@network|@name|@path (:687-745, :722-726); `domifaddr` prints ` %-10s %-17s    %s`
 * rows, the name and MAC only on an interface's first address unless --full, `-` for both on
 * the others, and an empty MAC when the agent gave none (:2343-2388); `dumpxml` the domain's XML;
 * `echo` its words. A batch is the same commands joined by ` ; `.
 */
function fakeVirsh(dom: { uuid: string; name: string; ifaces: FakeIface[]; lease: FakeAddrs[]; agent: FakeAddrs[]; id?: number }): CommandRunner {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;');
  const xml = () =>
    `<domain type='qemu' id='${dom.id ?? 1}'>\n  <name>${esc(dom.name)}</name>\n  <uuid>${dom.uuid}</uuid>\n  <description>@@${dom.uuid}:state@@ shut off</description>\n  <devices>\n${dom.ifaces
      .map((i) => `    <interface type='${i.type}'>\n      <mac address='${i.mac}'/>\n${i.network ? `      <source network='${esc(i.network)}'/>\n` : ''}${i.bridge ? `      <source bridge='${esc(i.bridge)}'/>\n` : ''}${i.backend ? `      <backend type='${i.backend}'/>\n` : ''}${i.target ? `      <target dev='${i.target}'/>\n` : ''}${i.portForward ?? ''}      <model type='virtio'/>\n    </interface>\n`)
      .join('')}  </devices>\n</domain>\n`;
  const iflist = () => {
    const rows = dom.ifaces.map((i) => [i.target ?? '-', i.type, i.network ?? i.bridge ?? '-', 'virtio', i.mac]);
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    return rows.map((r) => ` ${r.map((cell, c) => cell.padEnd(widths[c]!)).join('   ')}\n`).join('');
  };
  const ifaddr = (list: FakeAddrs[], full: boolean) =>
    list
      .flatMap((i) =>
        i.addrs.length === 0
          ? [` ${i.name.padEnd(10)} ${(i.mac ?? 'N/A').padEnd(17)}    ${'N/A'.padEnd(12)} N/A`]
          : i.addrs.map(([proto, cidr], j) => (full || j === 0 ? ` ${i.name.padEnd(10)} ${(i.mac ?? '').padEnd(17)}    ${proto.padEnd(12)} ${cidr}` : ` ${'-'.padEnd(10)} ${'-'.padEnd(17)}    ${proto.padEnd(12)} ${cidr}`)),
      )
      .map((l) => `${l}\n`)
      .join('');
  const one = (words: string[]): string => {
    switch (words[0]) {
      case 'echo':
        return `${words.slice(1).join(' ')}\n`;
      case 'list':
        return `${dom.uuid} ${dom.name}\n`;
      case 'domstate':
        return 'running\n\n';
      case 'domiflist':
        return iflist();
      case 'dumpxml':
        return xml();
      case 'domifaddr':
        return ifaddr(words.includes('agent') ? dom.agent : dom.lease, words.includes('--full'));
      default:
        throw new Error(`the fake virsh has no ${words[0]}`);
    }
  };
  return async (cmd, args) => {
    if (cmd === 'ip') return '[]';
    const rest = args.slice(3); // -c URI -q
    return rest.length === 1 ? rest[0]!.split(' ; ').map((c) => one(c.split(' '))).join('') : one(rest);
  };
}

describe('libvirt as it really is (virsh 9.0.0 modelled on its source)', () => {
  const MAC = '52:54:00:4a:00:01';
  const observeOne = async (d: Partial<Parameters<typeof fakeVirsh>[0]>) => (await new LibvirtProvider('qemu:///system', fakeVirsh({ uuid: U1, name: 'p-web-1', ifaces: [], lease: [], agent: [], ...d })).observe([ref('web', 'p-web-1', U1)], NOW))[0]!;

  it('a network whose name holds spaces still yields the interface and its lease (read from the XML)', async () => {
    const o = await observeOne({ ifaces: [{ type: 'network', network: 'my lab net', target: 'vnet0', mac: MAC }], lease: [{ name: 'vnet0', mac: MAC, addrs: [['ipv4', '10.231.7.72/24']] }] });
    expect([o.tier, o.network?.ipv4, o.network?.adapterName, o.warnings]).toEqual(['lease', '10.231.7.72', 'my lab net', []]);
  });

  it("addresses after an interface's first stay that interface's: a MAC-less tun never lends one to the VM's NIC", async () => {
    const o = await observeOne({
      ifaces: [{ type: 'network', network: 'default', target: 'vnet0', mac: MAC }],
      agent: [
        { name: 'lo', mac: '00:00:00:00:00:00', addrs: [['ipv4', '127.0.0.1/8'], ['ipv6', '::1/128']] },
        { name: 'eth0', mac: MAC, addrs: [['ipv6', 'fe80::5054:ff:fe4a:1/64']] },
        { name: 'tun0', mac: null, addrs: [['ipv4', '10.8.0.2/24'], ['ipv4', '10.8.0.3/24']] },
        { name: 'tun1', mac: '00:00:00:00:00:00', addrs: [['ipv4', '10.9.0.2/24'], ['ipv4', '10.9.0.3/24']] },
      ],
    });
    expect([o.network?.ipv4, o.tier, o.warnings.map((w) => w.code)]).toEqual([null, null, ['no-ipv4']]);
    const second = await observeOne({
      ifaces: [{ type: 'network', network: 'default', target: 'vnet0', mac: MAC }],
      agent: [{ name: 'eth0', mac: MAC, addrs: [['ipv6', 'fe80::1/64'], ['ipv4', '10.231.7.80/24']] }],
    });
    expect([second.network?.ipv4, second.tier]).toEqual(['10.231.7.80', 'agent']);
  });

  it("a user-mode interface's address (SLIRP's 10.0.2.15, passt's copy of the host's) is never the VM's, and the row says why", async () => {
    for (const backend of [undefined, 'passt']) {
      const o = await observeOne({ ifaces: [{ type: 'user', mac: MAC, ...(backend ? { backend } : {}) }], agent: [{ name: 'eth0', mac: MAC, addrs: [['ipv4', backend ? '192.168.1.20/24' : '10.0.2.15/24']] }] });
      expect([o.power, o.network, o.tier]).toEqual(['running', null, null]);
      expect(o.warnings).toEqual([expect.objectContaining({ code: 'libvirt/user-mode', brief: 'user-mode network' })]);
      expect(o.warnings[0]!.text).toContain(`user-mode network (<interface type='user'>, ${backend ? 'passt' : 'SLIRP'})`);
      expect(o.detail).toMatchObject({ network: `user-mode (${backend ? 'passt' : 'SLIRP'})` });
    }
    // passt forwarding a host port to its SSH: reached there, as a quickemu user-mode VM is.
    const forwarded = await observeOne({ ifaces: [{ type: 'user', mac: MAC, backend: 'passt', portForward: "<portForward proto='tcp'><range start='2222' to='22'/></portForward>" }] });
    expect([forwarded.network, forwarded.warnings, forwarded.forward?.host, forwarded.forward?.port]).toEqual([null, [], '127.0.0.1', 2222]);
    expect(forwarded.forward?.isolated).toMatch(/user-mode network \(<interface type='user'>, passt\), where VMs cannot reach each other, so it gets no hosts block/);
    // Beside a NIC on a libvirt network, the user-mode one is passed over.
    const both = await observeOne({ ifaces: [{ type: 'user', mac: '52:54:00:4a:00:09' }, { type: 'network', network: 'default', target: 'vnet1', mac: MAC }], lease: [{ name: 'vnet1', mac: MAC, addrs: [['ipv4', '10.231.7.73/24']] }] });
    expect([both.network?.ipv4, both.network?.mac, both.tier]).toEqual(['10.231.7.73', '5254004A0001', 'lease']);
  });
});

describe("a domain's guest-agent answer is remembered while it is the same boot", () => {
  const MAC = '52:54:00:4a:00:01';
  /** A domain without a lease (a bridge, qemu:///session): its address comes from its agent; calls are counted. */
  function domain() {
    const dom = { uuid: U1, name: 'p-web-1', id: 3, ifaces: [{ type: 'bridge' as const, bridge: 'br0', target: 'vnet0', mac: MAC }], lease: [] as FakeAddrs[], agent: [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.80/24']] }] as FakeAddrs[] };
    const virsh = fakeVirsh(dom);
    let agentCalls = 0;
    let clock = Date.parse(NOW);
    const run: CommandRunner = (cmd, args) => {
      if (args.includes('agent') && !args.some((a) => a.includes(' ; '))) agentCalls++;
      return virsh(cmd, args);
    };
    const provider = new LibvirtProvider('qemu:///session', run, () => clock);
    const pass = async () => (await provider.observe([ref('web', 'p-web-1', U1)], NOW))[0]!.network?.ipv4;
    return { dom, provider, run, pass, agentCalls: () => agentCalls, advance: (ms: number) => (clock += ms) };
  }

  it('asked once, then again when the domain started again (a new domain id)', async () => {
    const d = domain();
    expect(await d.pass()).toBe('10.231.7.80');
    d.dom.agent = [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.81/24']] }];
    expect(await d.pass()).toBe('10.231.7.80'); // the same boot: the remembered answer
    expect(d.agentCalls()).toBe(1);
    d.dom.id = 4;
    expect(await d.pass()).toBe('10.231.7.81');
    expect(d.agentCalls()).toBe(2);
  });

  it('asked again when the address it gave stopped answering SSH, and after the slow refresh', async () => {
    const d = domain();
    await d.pass();
    d.provider.sshAnswers([{ hypervisorId: U1, ipv4: '10.231.7.80', open: true }]);
    d.dom.agent = [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.82/24']] }];
    d.provider.sshAnswers([{ hypervisorId: U1, ipv4: '10.231.7.80', open: false }]);
    expect(await d.pass()).toBe('10.231.7.82');
    expect(d.agentCalls()).toBe(2);
    d.dom.agent = [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.83/24']] }];
    d.advance(11 * 60_000);
    expect(await d.pass()).toBe('10.231.7.83');
    expect(d.agentCalls()).toBe(3);
  });

  it('asked again after libvirt could not be listed (a host rebooting hands the same ids out again)', async () => {
    const d = domain();
    let down = false;
    const provider = new LibvirtProvider('qemu:///session', (cmd, args) => (down ? Promise.reject(Object.assign(new Error('virsh failed'), { stderr: 'error: failed to connect to the hypervisor' })) : d.run(cmd, args)));
    const pass = async () => (await provider.observe([ref('web', 'p-web-1', U1)], NOW))[0]!.network?.ipv4;
    expect(await pass()).toBe('10.231.7.80');
    down = true;
    await expect(pass()).rejects.toThrow(/could not be asked/);
    down = false;
    d.dom.agent = [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.85/24']] }]; // the same id, 3, after the reboot
    expect(await pass()).toBe('10.231.7.85');
    expect(d.agentCalls()).toBe(2);
  });

  it("asked again when this machine's clock was set back (the refresh is not put off by as long)", async () => {
    const d = domain();
    await d.pass();
    d.dom.agent = [{ name: 'eth0', mac: MAC, addrs: [['ipv4', '10.231.7.84/24']] }];
    d.advance(-3_600_000);
    expect(await d.pass()).toBe('10.231.7.84');
    expect(d.agentCalls()).toBe(2);
  });
});
