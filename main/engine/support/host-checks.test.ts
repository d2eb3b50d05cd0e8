// Each provider's checks of this computer, against the real things where they run here: the
// real virsh on libvirt's test driver (no daemon needed), a real folder of quickemu .conf files
// with a PATH of our own, the fake pveproxy read from Proxmox VE's sources, and the Hyper-V
// cmdlets in the real PowerShell. Every check a provider registers is reached through the registry.
// On a Mac (the platform passed in): tools found where Homebrew puts them from launchd's PATH, and
// bootpd's checks for the providers that read its leases, and for them only.
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProxmox, type FakeProxmox, type FakeProxmoxOptions } from '../../../dev/test-support/fake-proxmox.js';
import { HyperVHost, pwsh } from '../../../dev/test-support/real-powershell.js';
import { fakeMacRunner, SOCKETFILTERFW } from '../../../dev/test-support/macos-fixtures.js';
import { execRunner } from '../discovery/host-neighbors.js';
import type { VmRef } from '../discovery/observation.js';
import { hypervHostChecks } from '../providers/hyperv/hyperv-host-checks.js';
import { NodePowerShellRunner } from '../providers/hyperv/powershell-runner.js';
import { quickemuHostChecks } from '../providers/quickemu/quickemu-host-checks.js';
import type { ProviderOptions } from '../providers/provider-entry.js';
import { PROVIDERS } from '../providers/registry.js';
import { FileHostKeyStore } from '../ssh/known-hosts.js';
import { runHostChecks } from './doctor.js';

const ref = (machineName: string, vmName: string): VmRef => ({ project: 'demo', machineName, vmName, vmId: null });
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

async function checks(provider: string, options: ProviderOptions, refs: VmRef[] = [], extra: { env?: NodeJS.ProcessEnv; home?: string } = {}) {
  const home = extra.home ?? tmp('rt-home-');
  const project = { vms: refs } as Parameters<typeof runHostChecks>[1][number];
  return runHostChecks({ hostKeys: new FileHostKeyStore(path.join(home, 'known_hosts.json')) }, refs.length > 0 ? [project] : [], { provider, options, simulated: false, run: execRunner, env: extra.env ?? process.env });
}

const brief = (steps: Array<{ step: string; ok: boolean | null }>) => steps.map((s) => [s.step, s.ok]);

it('every provider registers its host checks', () => {
  for (const p of PROVIDERS) expect(typeof p.hostChecks, p.name).toBe('function');
});

describe('libvirt, with the real virsh on the test driver', () => {
  // A node file of the test driver: the default network, and two domains, one on a network libvirt lacks.
  const dir = tmp('rt-virsh-');
  const node = path.join(dir, 'node.xml');
  writeFileSync(
    node,
    `<node>
  <network><name>default</name><bridge name='virbr0'/><ip address='192.168.122.1' netmask='255.255.255.0'/></network>
  <domain type='test'><name>demo-web-1f3a9c2e</name><memory>65536</memory><os><type>hvm</type></os><devices><interface type='network'><mac address='52:54:00:aa:bb:01'/><source network='default'/></interface></devices></domain>
  <domain type='test'><name>demo-db-2b4c6d8e</name><memory>65536</memory><os><type>hvm</type></os><devices><interface type='network'><mac address='52:54:00:aa:bb:02'/><source network='lab-net'/></interface></devices></domain>
</node>
`,
  );

  it('virsh, the URI and the networks the VMs use: a missing network fails with its fix', async () => {
    const steps = await checks('libvirt', { libvirt: `test://${node}` }, [ref('web', 'demo-web-1f3a9c2e'), ref('db', 'demo-db-2b4c6d8e')]);
    expect(brief(steps)).toEqual([
      ['virsh installed', true],
      [`libvirt at test://${node} answers`, true],
      ['Network default', true],
      ['Network lab-net', false],
    ]);
    expect(steps[1]!.detail).toBe(`test://${node}; runs TEST 0.0.2`);
    expect(steps[2]!.detail).toBe('active, used by web');
    expect(steps[3]).toMatchObject({ detail: `used by db, but libvirt at test://${node} has no such network`, fix: expect.stringMatching(/^Define the network again \(virsh -c test:\/\/.* net-define <its XML file>\), or attach the VM to a network that exists\.$/) });
  });

  it('without project VMs, the networks there are; test:///default answers', async () => {
    const steps = await checks('libvirt', { libvirt: 'test:///default' });
    expect(brief(steps)).toEqual([
      ['virsh installed', true],
      ['libvirt at test:///default answers', true],
      ['libvirt networks', true],
    ]);
    expect(steps[2]!.detail).toBe('default (active)');
  });

  it('a URI that does not answer says virsh\'s reason and what to check', async () => {
    const steps = await checks('libvirt', { libvirt: `test://${dir}/missing.xml` });
    expect(steps[1]).toMatchObject({ ok: false, detail: `XML error: failed to parse xml document '${dir}/missing.xml'`, fix: expect.stringMatching(/libvirtd runs .*libvirt group/) });
  });

  it('no virsh on PATH: install libvirt-clients', async () => {
    const steps = await runHostChecks({ hostKeys: new FileHostKeyStore(path.join(tmp('rt-home-'), 'k.json')) }, [], { provider: 'libvirt', options: {}, simulated: false, run: (cmd, args) => execRunner(path.join(dir, 'no-such-bin', cmd), args) });
    expect(steps).toEqual([{ step: 'virsh installed', ok: false, detail: 'not found on PATH', fix: 'Install libvirt-clients (Debian, Ubuntu) or libvirt-client (Fedora), then check again.' }]);
  });
});

describe('quickemu, on a real folder', () => {
  // A PATH of our own, with stand-ins for the programs that must be found there.
  const bin = tmp('rt-bin-');
  const onPath = (...names: string[]) => {
    for (const n of names) {
      writeFileSync(path.join(bin, n), '#!/bin/sh\n');
      chmodSync(path.join(bin, n), 0o755);
    }
  };

  it('the folder, its .conf files for the project VMs, quickemu and the qemu each .conf asks for', async () => {
    const folder = tmp('rt-quickemu-');
    writeFileSync(path.join(folder, 'web.conf'), 'guest_os="linux"\ndisk_img="web/disk.qcow2"\n');
    writeFileSync(path.join(folder, 'arm.conf'), 'guest_os="linux"\narch="aarch64"\n');
    onPath('quickemu', 'qemu-system-x86_64', 'qemu-img');
    const steps = await checks('quickemu', { quickemu: folder }, [ref('web', 'demo-web-1f3a9c2e'), ref('db', 'demo-db-2b4c6d8e')], { env: { PATH: bin } });
    expect(brief(steps)).toEqual([
      ["quickemu's folder", true],
      ['VM .conf files', false],
      ['quickemu on PATH', true],
      ['qemu-system-aarch64 on PATH', false],
      ['qemu-system-x86_64 on PATH', true],
      ['qemu-img on PATH', true],
    ]);
    expect(steps[1]).toMatchObject({ detail: 'arm.conf, web.conf; none for db', fix: "Create it with quickget (or 'ragnatramp up'), or choose the folder that holds db.conf." });
    expect(steps[3]!.fix).toMatch(/^Install QEMU/);
  });

  it('a folder that does not exist stops there, with where to choose it', async () => {
    const steps = await checks('quickemu', { quickemu: '/nonexistent/vms' });
    expect(steps).toEqual([{ step: "quickemu's folder", ok: false, detail: '/nonexistent/vms cannot be read (ENOENT)', fix: expect.stringMatching(/Settings/) }]);
  });

  it('an empty folder holds no VM', async () => {
    const steps = await checks('quickemu', { quickemu: tmp('rt-quickemu-') }, [], { env: { PATH: bin } });
    expect(steps[1]).toMatchObject({ step: 'VM .conf files', ok: false, detail: expect.stringMatching(/^no \.conf file in /) });
  });
});

describe('on a Mac', () => {
  const LAUNCHD = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };
  const run = fakeMacRunner({ '--getglobalstate': SOCKETFILTERFW.disabled });
  const BOOTPD = ['bootpd not blocked by the application firewall', "bootpd's leases readable"];

  it("finds quickemu's tools in Homebrew's folders from launchd's PATH, names Homebrew's package for a missing one, then checks bootpd", async () => {
    const folder = tmp('rt-quickemu-');
    writeFileSync(path.join(folder, 'web.conf'), 'guest_os="linux"\narch="aarch64"\n');
    const files = new Set(['/opt/homebrew/bin/quickemu', '/usr/local/bin/qemu-img']);
    const steps = await quickemuHostChecks({ options: { quickemu: folder }, refs: [], env: LAUNCHD, platform: 'darwin', run }, (f) => files.has(f));
    expect(steps.map((s) => [s.step, s.ok, s.detail])).toEqual([
      ["quickemu's folder", true, folder],
      ['VM .conf files', true, 'web.conf'],
      ['quickemu on PATH', true, '/opt/homebrew/bin/quickemu'],
      ['qemu-system-aarch64 on PATH', false, 'not found: quickemu cannot start a VM without it'],
      ['qemu-img on PATH', true, '/usr/local/bin/qemu-img'],
      [BOOTPD[0], true, 'the firewall is off'],
      [BOOTPD[1], null, expect.stringMatching(/dhcpd_leases/)],
    ]);
    expect(steps[3]!.fix).toMatch(/^Install it with Homebrew: brew install qemu/);
  });

  it("bootpd's checks come with the providers that read its leases (quickemu, the manifest), on a Mac only; libvirt names Homebrew's package", async () => {
    const home = tmp('rt-home-');
    const on = async (provider: string, platform: NodeJS.Platform, options: ProviderOptions, r = run) => (await runHostChecks({ hostKeys: new FileHostKeyStore(path.join(home, 'known_hosts.json')) }, [], { provider, options, simulated: false, platform, run: r, env: LAUNCHD })).map((s) => s.step);
    expect(await on('linux', 'darwin', {})).toEqual(['Manifest', 'Neighbour (ARP) table readable', ...BOOTPD]);
    expect((await on('quickemu', 'darwin', { quickemu: tmp('rt-quickemu-') })).slice(-2)).toEqual(BOOTPD);
    expect(await on('quickemu', 'linux', { quickemu: tmp('rt-quickemu-') })).not.toContain(BOOTPD[0]);
    expect((await on('linux', 'linux', {}, async (cmd) => (cmd === 'ip' ? '[]' : Promise.reject(new Error(cmd)))))).toEqual(['Manifest', 'Neighbour (ARP) table readable']);
    const missing = async () => Promise.reject(Object.assign(new Error('spawn virsh ENOENT'), { code: 'ENOENT' }));
    const [virsh] = await runHostChecks({ hostKeys: new FileHostKeyStore(path.join(home, 'known_hosts.json')) }, [], { provider: 'libvirt', options: {}, simulated: false, platform: 'darwin', run: missing, env: LAUNCHD });
    expect(virsh).toMatchObject({ step: 'virsh installed', ok: false, fix: expect.stringMatching(/^Install it with Homebrew: brew install libvirt/) });
  });
});

describe('Proxmox VE, against the fake pveproxy', () => {
  const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
  const servers: FakeProxmox[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.close())));
  async function cluster(o: Partial<FakeProxmoxOptions> = {}) {
    const pve = await startFakeProxmox({ token: TOKEN, guests: [{ type: 'qemu', vmid: 101, name: 'demo-web-1f3a9c2e', node: 'pve1', status: 'running' }], ...o });
    servers.push(pve);
    return pve;
  }

  it('API, certificate, token and privileges pass; the certificate pinned on first use is said', async () => {
    const pve = await cluster();
    const home = tmp('rt-home-');
    const steps = await checks('proxmox', { proxmox: pve.url, proxmoxTokenValue: TOKEN }, [], { home });
    expect(brief(steps)).toEqual([
      ['API token', true],
      [`${pve.url} answers with its pinned certificate`, true],
      ['API token accepted', true],
      ['Privilege to list guests (VM.Audit)', true],
      ['Privilege to ask guest agents (VM.GuestAgent.Audit)', true],
      ['Certificate', true],
    ]);
    expect(steps[1]!.detail).toBe('Proxmox VE 9.0.2');
    expect(steps[5]!.detail).toContain(`its TLS certificate ${pve.fingerprint('pve1')} was pinned on first use`);
    // Checked again: the pin holds, nothing is pinned anew.
    expect(brief(await checks('proxmox', { proxmox: pve.url, proxmoxTokenValue: TOKEN }, [], { home })).map((s) => s[0])).not.toContain('Certificate');
  });

  it('a token without the agent privilege fails with the grant, in the words of its release', async () => {
    const pve9 = await cluster({ vmsPrivileges: ['VM.Audit'] });
    const steps = await checks('proxmox', { proxmox: pve9.url, proxmoxTokenValue: TOKEN });
    expect(steps.find((s) => s.step.startsWith('Privilege to ask'))).toEqual({ step: 'Privilege to ask guest agents (VM.GuestAgent.Audit)', ok: false, detail: 'missing', fix: expect.stringContaining('VM.Audit,VM.GuestAgent.Audit on /vms') });
    const pve8 = await cluster({ release: '8.4', vmsPrivileges: ['VM.Audit'] });
    const old = await checks('proxmox', { proxmox: pve8.url, proxmoxTokenValue: TOKEN });
    expect(old.find((s) => s.step.startsWith('Privilege to ask'))).toMatchObject({ step: 'Privilege to ask guest agents (VM.Monitor)', ok: false, fix: expect.stringContaining('VM.Audit,VM.Monitor on /vms') });
    // Granted on one guest only: the tray sees only that one.
    const narrow = await cluster({ vmsPrivileges: [], privileges: { 101: ['VM.Audit', 'VM.GuestAgent.Audit'] } });
    const some = await checks('proxmox', { proxmox: narrow.url, proxmoxTokenValue: TOKEN });
    expect(some.find((s) => s.step === 'Privilege to list guests (VM.Audit)')).toMatchObject({ ok: null, detail: 'only on /vms/101: the tray sees only those guests' });
  });

  it('a refused token: the cluster answered (its certificate checked first), the token did not pass', async () => {
    const pve = await cluster();
    const steps = await checks('proxmox', { proxmox: pve.url, proxmoxTokenValue: 'tray@pve!ragnatramp=00000000-1f2d-4c5b-9a8e-7d6c5b4a3f21' });
    expect(brief(steps)).toEqual([
      ['API token', true],
      [`${pve.url} answers with its pinned certificate`, true],
      ['API token accepted', false],
      ['Certificate', true],
    ]);
    expect(steps[2]!.detail).toBe('refused (401 Authentication failed!)');
  }, 15_000);

  it('a certificate that changed stops before the token is sent', async () => {
    const pve = await cluster();
    const home = tmp('rt-home-');
    await checks('proxmox', { proxmox: pve.url, proxmoxTokenValue: TOKEN }, [], { home });
    pve.serveForeign();
    const before = pve.requests.length;
    const steps = await checks('proxmox', { proxmox: pve.url, proxmoxTokenValue: TOKEN }, [], { home });
    expect(steps[1]).toMatchObject({ step: `${pve.url} answers with its pinned certificate`, ok: false, detail: expect.stringMatching(/^The TLS certificate of .* changed/), fix: expect.stringMatching(/pvenode cert info/) });
    expect(pve.requests.length).toBe(before);
  });

  it('no token file: where to put one', async () => {
    const pve = await cluster();
    const home = tmp('rt-home-');
    mkdirSync(path.join(home, 'proxmox'));
    const steps = await checks('proxmox', { proxmox: pve.url }, [], { home });
    expect(steps).toEqual([{ step: 'API token', ok: false, detail: `${path.join(home, 'proxmox', `127.0.0.1_${pve.port}.token`)}: cannot be read (ENOENT)`, fix: expect.stringMatching(/^Create an API token in the cluster/) }]);
  });
});

describe.skipIf(!pwsh)('Hyper-V, its cmdlets in the real PowerShell', () => {
  let host: HyperVHost;
  const runners: NodePowerShellRunner[] = [];
  beforeAll(() => void (host = HyperVHost.build()), 120_000);
  afterAll(async () => Promise.all(runners.map((r) => r.dispose())));
  const run = async (scenario: Parameters<HyperVHost['powershellFor']>[0]) => {
    const powershell = new NodePowerShellRunner({ timeoutMs: 30_000, executable: host.powershellFor(scenario, 'ConstrainedLanguage').exe });
    runners.push(powershell);
    return hypervHostChecks({ powershell, simulated: false, platform: 'win32' }, () => true);
  };

  it('PowerShell, module, vmms, membership, Get-VM, Default Switch and the neighbour table, each with its fix', async () => {
    const healthy = await run({ vms: [], vmms: 'Running', member: true });
    expect(brief(healthy).every(([, ok]) => ok === true)).toBe(true);
    expect(healthy.map((s) => s.step)).toEqual(['PowerShell found', 'PowerShell version and language mode', 'Hyper-V module', 'Virtual Machine Management service (vmms)', "Member of 'Hyper-V Administrators'", 'Get-VM answers', 'Default Switch present', 'Neighbour (ARP) table readable']);
    const down = await run({ vms: [], vmms: 'Stopped', member: false });
    expect(down.find((s) => s.step.startsWith('Virtual Machine'))).toMatchObject({ ok: false, detail: 'Stopped', fix: expect.stringMatching(/^Start it from Services/) });
    expect(down.find((s) => s.step.startsWith('Member'))).toMatchObject({ ok: false, fix: expect.stringMatching(/S-1-5-32-578/) });
  }, 120_000);
});
