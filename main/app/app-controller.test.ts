// The controller over a real engine worker thread and the simulator: the watch loop, change
// events, auto-sync, the API calls (Reconcile this VM syncs one guest; powerVm checked in main,
// its progress published, a pass after it; one file added under two spellings is one project),
// and a crashed worker restarted.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_SETTINGS, type AppEvent, type Settings } from '../../contract/api.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { WorkerClient } from '../worker/worker-client.js';
import { AppController, type HostHooks } from './app-controller.js';
import { dispatchCall } from './dispatch-call.js';
import { FileCredentialStore } from './credential-store.js';
import { startFakeProxmox } from '../../dev/test-support/fake-proxmox.js';
import type { SettingsStore } from './settings.js';

const scenario: Scenario = {
  vms: [
    { name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] },
    { name: 'myproject-db-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000002', kvp: 'No Contact', adapters: [{ mac: '00155DDE330A' }] },
  ],
  neighbors: [{ ip: '172.18.185.164', mac: '00-15-5D-DE-33-0A' }],
};

function memorySettings(initial: Partial<Settings> = {}): SettingsStore {
  let value: Settings = { ...DEFAULT_SETTINGS, ...initial };
  return { get: () => value, set: (v) => (value = v), warning: null };
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups) await c();
  cleanups = [];
});

function setup(settings: Partial<Settings> = {}, host: Partial<HostHooks> = {}) {
  const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
  const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
  const store = memorySettings({ projects: [f.configPath], ...settings });
  const controller = new AppController(store, worker, { kind: 'browser', ...host }, { simulated: true });
  const events: AppEvent[] = [];
  controller.on('event', (e) => events.push(e));
  cleanups.push(async () => {
    controller.stop();
    await worker.dispose();
  });
  return { f, worker, store, controller, events };
}

const waitFor = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('AppController over the engine worker', () => {
  it('a first pass shows every VM with its IP and tier, and records them in state.json', async () => {
    const { f, controller } = setup();
    controller.start();
    await waitFor(() => controller.snapshot().lastPassAt !== null);
    const s = controller.snapshot();
    expect(s.projects[0]!.vms.map((v) => [v.machineName, v.status, v.ipv4, v.tier?.label])).toEqual([
      ['db', 'running', '172.18.185.164', 'ARP'],
      ['web', 'running', '172.18.185.163', 'KVP'],
    ]);
    expect(s.health).toBe('attention'); // db's KVP has no contact
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web.network.ipv4).toBe('172.18.185.163');
  });

  it('Reconcile now syncs every guest and reports a summary with live progress', async () => {
    const { controller, events } = setup();
    const summary = await controller.api.reconcileNow(null);
    expect(summary).toMatchObject({ projects: 1, synced: 2, updated: 2, skipped: 0, failed: 0, hypervisorError: null });
    const phases = events.flatMap((e) => (e.type === 'state' ? Object.values(e.state.progress) : []));
    expect(phases).toEqual(expect.arrayContaining(['connecting', 'reading', 'writing']));
    expect(controller.snapshot().projects[0]!.vms.every((v) => v.sync?.success && v.sync.changed)).toBe(true);
    expect(controller.snapshot().summary).toMatch(/^2 VMs · 2 running · hosts in sync · just now$/);
  });

  it('Reconcile this VM syncs that guest only, through the worker', async () => {
    const { f, controller, events } = setup();
    const summary = await controller.api.reconcileVm(f.configPath, 'web');
    expect(summary).toMatchObject({ projects: 1, synced: 1, updated: 1, failed: 0, hypervisorError: null });
    const touched = new Set(events.flatMap((e) => (e.type === 'state' ? Object.keys(e.state.progress) : [])));
    expect([...touched]).toEqual([`${f.configPath}#web`]);
    const vms = controller.snapshot().projects[0]!.vms;
    expect(vms.find((v) => v.machineName === 'web')!.sync).toMatchObject({ success: true, changed: true });
    expect(vms.find((v) => v.machineName === 'db')!.sync).toBeNull();
  });

  it('an IP change raises one change event, and auto-sync updates the guests', async () => {
    const { f, controller, events } = setup({ autoSync: true, pollSeconds: 2 });
    await controller.api.reconcileNow(null);
    const moved = { ...scenario, vms: [{ ...scenario.vms![0]!, adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.200'] }] }, scenario.vms![1]!] };
    writeFileSync(f.scenarioPath, stringify(moved));
    controller.start();
    await waitFor(() => events.some((e) => e.type === 'change'));
    await waitFor(() => controller.snapshot().projects[0]!.vms.find((v) => v.machineName === 'db')!.sync?.changed === true && controller.snapshot().busy === 'idle');
    const changes = events.filter((e) => e.type === 'change');
    expect(changes).toEqual([{ type: 'change', change: { kind: 'changed', key: `${f.configPath}#web`, configPath: f.configPath, project: 'myproject', machineName: 'web', from: '172.18.185.163', to: '172.18.185.200', hostsSkip: null } }]);
    // Later passes see nothing new: no repeated notification.
    const passes = () => events.filter((e) => e.type === 'state' && e.state.busy === 'discovering').length;
    const before = passes();
    await waitFor(() => passes() > before, 6000);
    expect(events.filter((e) => e.type === 'change')).toHaveLength(1);
  });

  it('a broken project shows its error and the others still work', async () => {
    const { f, controller, store } = setup();
    const broken = makeFixture({ machines: ['x'], configText: 'project: [unclosed' });
    store.set({ ...store.get(), projects: [f.configPath, broken.configPath] });
    await controller.api.reconcileNow(null);
    const s = controller.snapshot();
    expect(s.projects[1]!.error).toMatch(/ragnatramp\.yaml:1:\d+: .*\nFix ragnatramp\.yaml/);
    expect(s.projects[0]!.vms).toHaveLength(2);
  });

  it('addProject refuses a broken file with its message, and accepts a good one', async () => {
    const { controller, store } = setup();
    store.set({ ...store.get(), projects: [] });
    const broken = makeFixture({ machines: ['x'], configText: 'project:\n  name: 9bad\nmachines: []\n' });
    await expect(controller.api.addProject(broken.configPath)).rejects.toThrow(/project\.name: "9bad" does not match/);
    const good = makeFixture({ machines: ['web'] });
    expect((await controller.api.addProject(good.configPath)).projects).toEqual([good.configPath]);
    expect((await controller.api.removeProject(good.configPath)).projects).toEqual([]);
  });

  it('addProject keeps one entry for one file added under another spelling (a link; another case on APFS)', async () => {
    const { controller, store } = setup();
    const good = makeFixture({ machines: ['web'] });
    store.set({ ...store.get(), projects: [good.configPath] });
    const link = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-link-')), 'same');
    symlinkSync(path.dirname(good.configPath), link);
    expect((await controller.api.addProject(path.join(link, path.basename(good.configPath)))).projects).toEqual([good.configPath]);
  });

  it('addProject takes what users paste, decided in main: a quoted path, a folder, ~; a relative path is refused with why (issue 23, point 13)', async () => {
    const { controller, store } = setup();
    store.set({ ...store.get(), projects: [] });
    const a = makeFixture({ machines: ['web'] });
    expect((await controller.api.addProject(`"${a.configPath}"`)).projects).toEqual([a.configPath]);
    const b = makeFixture({ machines: ['web'] });
    expect((await controller.api.addProject(`  ${path.dirname(b.configPath)}  `)).projects).toEqual([a.configPath, b.configPath]);
    const c = makeFixture({ machines: ['web'] });
    const home = process.env.HOME;
    process.env.HOME = path.dirname(path.dirname(c.configPath));
    try {
      expect((await controller.api.addProject(`~/${path.basename(path.dirname(c.configPath))}/ragnatramp.yaml`)).projects).toEqual([a.configPath, b.configPath, c.configPath]);
    } finally {
      process.env.HOME = home;
    }
    await expect(controller.api.addProject('demo/ragnatramp.yaml')).rejects.toThrow(/^The project's path "demo\/ragnatramp\.yaml" is relative, and the tray has no working folder it could be relative to/);
    expect(store.get().projects).toHaveLength(3);
  });

  it('a hypervisor failure is shown as an error, not a crash', async () => {
    const { f, controller } = setup();
    writeFileSync(f.scenarioPath, stringify({ ...scenario, vmms: 'Stopped' }));
    await controller.api.reconcileNow(null);
    expect(controller.snapshot().health).toBe('error');
    expect(controller.snapshot().hypervisorError).toMatch(/Virtual Machine Management service \(vmms\) is Stopped/);
  });

  it("with 'ssh <machine>' switched on, each pass keeps the OpenSSH config current and included", async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const userConfig = path.join(home, 'dot-ssh', 'config');
    const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const store = memorySettings({ projects: [f.configPath], sshConfig: true });
    // The worker simulates; to the controller this is a real network, so the config is written.
    const controller = new AppController(store, worker, { kind: 'browser' }, { simulated: false, home, userSshConfig: userConfig });
    cleanups.push(async () => {
      controller.stop();
      await worker.dispose();
    });
    await controller.api.reconcileNow(null);
    const config = readFileSync(path.join(home, 'ssh', 'config'), 'utf8');
    expect(config).toContain('Host web web.myproject\n  HostName 172.18.185.163\n');
    expect(config).toContain('Host db db.myproject\n  HostName 172.18.185.164\n');
    expect(readFileSync(userConfig, 'utf8')).toBe(`# BEGIN RAGNATRAMP TRAY\nInclude "${path.join(home, 'ssh', 'config')}"\n# END RAGNATRAMP TRAY\n`);
    // An address change reaches the config at the next pass.
    writeFileSync(f.scenarioPath, stringify({ ...scenario, vms: [{ ...scenario.vms![0]!, adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.200'] }] }, scenario.vms![1]!] }));
    await controller.api.reconcileNow(null);
    expect(readFileSync(path.join(home, 'ssh', 'config'), 'utf8')).toContain('Host web web.myproject\n  HostName 172.18.185.200\n');
    // Switched off (or simulated), nothing is written.
    store.set({ ...store.get(), sshConfig: false });
    writeFileSync(userConfig, '');
    await controller.api.reconcileNow(null);
    expect(readFileSync(userConfig, 'utf8')).toBe('');
  });

  it("a short name another project's machine holds stays that project's while its hypervisor cannot be asked", async () => {
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    // A quickemu project with a machine named web too.
    const other = makeFixture({ project: 'qemuproj', machines: ['web'] });
    const vms = mkdtempSync(path.join(os.tmpdir(), 'rt-qemu-vms-'));
    writeFileSync(path.join(vms, 'web.conf'), 'guest_os="linux"\ndisk_img="web/disk.qcow2"\n');
    mkdirSync(path.join(vms, 'web'));
    writeFileSync(path.join(vms, 'web', 'web.log'), '');
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const worker = new WorkerClient({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const store = memorySettings({ projects: [f.configPath, other.configPath], providers: { [other.configPath]: { provider: 'quickemu', option: vms } }, sshConfig: true });
    const controller = new AppController(store, worker, { kind: 'browser' }, { simulated: false, home, userSshConfig: path.join(home, 'dot-ssh', 'config') });
    cleanups.push(async () => {
      controller.stop();
      await worker.dispose();
    });
    await controller.api.reconcileNow(null);
    expect(readFileSync(path.join(home, 'ssh', 'config'), 'utf8')).toContain('Host web.myproject\n');
    // quickemu's folder gone: that project cannot be asked, but its machine web is still there.
    rmSync(vms, { recursive: true, force: true });
    await controller.api.reconcileNow(null);
    expect(controller.snapshot().hypervisorError).toMatch(/^quickemu: /);
    expect(readFileSync(path.join(home, 'ssh', 'config'), 'utf8')).toContain('Host web.myproject\n');
  });

  it('a crashed worker is restarted; the user is told; the next call works', async () => {
    const { controller, worker } = setup();
    await controller.api.reconcileNow(null);
    await (worker as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await waitFor(() => !!controller.snapshot().engineLost);
    expect(controller.snapshot().engineLost).toBe('The engine stopped unexpectedly (exit code 1); it is being restarted.');
    expect((await controller.api.reconcileNow(null)).synced).toBe(2);
    // Its successor answered: said no more.
    expect(controller.snapshot().engineLost).toBeNull();
  });

  it('diagnose and fix kvp go through the worker', async () => {
    const { f, controller } = setup();
    const diags = await controller.api.diagnose(f.configPath);
    expect(diags.find((d) => d.machineName === 'db')).toMatchObject({ facts: [{ label: 'KVP', value: 'No Contact', ok: false }], guest: { kvpDaemon: { installed: false } } });
    const dry = await controller.api.fixKvp(f.configPath, 'db', true);
    expect(dry.commands.at(-1)).toBe('sudo -n systemctl restart hv-kvp-daemon.service');
    expect((await controller.api.fixKvp(f.configPath, 'db', false)).success).toBe(true);
  });

  it('pause stops the watch; settings changes apply', async () => {
    const { controller } = setup();
    expect((await controller.api.setPaused(true)).paused).toBe(true);
    expect((await controller.api.updateSettings({ pollSeconds: 60, notifications: false })).pollSeconds).toBe(60);
    expect(controller.snapshot().summary).toMatch(/paused$/);
  });

  it('Resume looks at once, not a poll interval later', async () => {
    const { controller } = setup({ pollSeconds: 3600 });
    controller.start();
    await waitFor(() => controller.snapshot().lastPassAt !== null);
    await controller.api.setPaused(true);
    const before = controller.snapshot().lastPassAt;
    await new Promise((r) => setTimeout(r, 5)); // a pass a moment later carries a later time
    await controller.api.setPaused(false);
    await waitFor(() => controller.snapshot().lastPassAt !== before, 5000);
  });

  it("a project's provider, chosen in Settings: checked before it is kept, and its VMs asked of it while the others keep theirs", async () => {
    const { f, controller, store } = setup();
    // A second project, whose VMs are quickemu's: one stopped VM in a folder of .conf files.
    const other = makeFixture({ project: 'qemuproj', machines: ['box'] });
    const vms = mkdtempSync(path.join(os.tmpdir(), 'rt-qemu-vms-'));
    writeFileSync(path.join(vms, 'box.conf'), 'guest_os="linux"\ndisk_img="box/disk.qcow2"\n');
    mkdirSync(path.join(vms, 'box'));
    writeFileSync(path.join(vms, 'box', 'box.log'), '');
    store.set({ ...store.get(), projects: [f.configPath, other.configPath] });

    await expect(controller.api.setProjectProvider(other.configPath, { provider: 'libvirt', option: 'not a uri' })).rejects.toThrow(/--libvirt needs a libvirt URI/);
    await expect(controller.api.setProjectProvider(other.configPath, { provider: 'quickemu' })).rejects.toThrow('quickemu needs the folder of your <vm>.conf files');
    await expect(controller.api.setProjectProvider('/elsewhere/ragnatramp.yaml', { provider: 'hyperv' })).rejects.toThrow(/is not one of your projects/);
    expect(store.get().providers).toEqual({});

    const relative = path.relative(process.cwd(), vms);
    const saved = await controller.api.setProjectProvider(other.configPath, { provider: 'quickemu', option: relative });
    expect(saved.providers).toEqual({ [other.configPath]: { provider: 'quickemu', option: vms } }); // made absolute
    await controller.api.reconcileNow(null);
    const snap = controller.snapshot();
    expect(snap.projects.find((p) => p.configPath === other.configPath)!.vms.map((v) => [v.machineName, v.provider, v.status, v.vmState])).toEqual([['box', 'quickemu', 'stopped', 'stopped']]);
    expect(snap.projects.find((p) => p.configPath === f.configPath)!.vms.map((v) => [v.machineName, v.provider, v.ipv4])).toEqual([['db', 'Hyper-V', '172.18.185.164'], ['web', 'Hyper-V', '172.18.185.163']]);

    // Its provider failing (the folder gone) makes only that project stale; the other is current.
    rmSync(vms, { recursive: true, force: true });
    await controller.api.reconcileNow(null);
    const after = controller.snapshot();
    expect(after.projects.find((p) => p.configPath === other.configPath)!.stale).toBe('Showing what was last seen: quickemu could not be asked (the cause is above).');
    expect(after.projects.find((p) => p.configPath === f.configPath)!.stale ?? null).toBeNull();
    expect(after.hypervisorError).toMatch(/^quickemu: /);

    // Back to automatic; removing the project forgets its choice too.
    expect((await controller.api.setProjectProvider(other.configPath, { provider: 'auto' })).providers).toEqual({});
    await controller.api.setProjectProvider(other.configPath, { provider: 'hyperv' });
    expect((await controller.api.removeProject(other.configPath)).providers).toEqual({});
  });

  it("a Proxmox VE project: the app keeps its API token (never shown) and asks the cluster with it", async () => {
    const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-app-'));
    const { f, controller, store } = setup({}, { credentials: new FileCredentialStore(home) });
    const pve = await startFakeProxmox({ token: TOKEN, guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'stopped' }] });
    cleanups.push(() => pve.close());
    const other = makeFixture({ project: 'pveproj', machines: ['web'] });
    store.set({ ...store.get(), projects: [f.configPath, other.configPath] });

    await expect(controller.api.setProxmoxToken(other.configPath, TOKEN)).rejects.toThrow(/Choose Proxmox VE .* as this project's provider first/);
    await controller.api.setProjectProvider(other.configPath, { provider: 'proxmox', option: pve.url });
    await expect(controller.api.setProxmoxToken(other.configPath, 'root@pam:hunter2')).rejects.toThrow(/That is not an API token/);
    expect(await controller.api.setProxmoxToken(other.configPath, TOKEN)).toBe(path.join(home, 'proxmox', `127.0.0.1_${pve.port}.token`));

    await controller.api.reconcileNow(null);
    const vms = controller.snapshot().projects.find((p) => p.configPath === other.configPath)!.vms;
    expect(vms.map((v) => [v.machineName, v.provider, v.status, v.facts.map((x) => x.value)])).toEqual([['web', 'Proxmox VE', 'stopped', ['pve1/101', '—']]]);
    expect(pve.requests.length).toBeGreaterThan(0);
    expect(pve.requests.every((r) => r.authorized)).toBe(true);
    // The cluster's certificate was pinned on first use: the window says so, with its fingerprint (issue 19, break 11).
    expect(controller.snapshot().notices).toContainEqual(expect.stringContaining(`Proxmox VE ${pve.url}: its TLS certificate ${pve.fingerprint('pve1')} was pinned on first use`));
    expect(JSON.stringify(controller.snapshot())).not.toContain('0b3c7a4e');
    expect(JSON.stringify(store.get())).not.toContain('0b3c7a4e');
  });

  it('"This PC": the host checks of every provider in use, through the worker, with when they were taken (issue 23, point 11)', async () => {
    const TOKEN = 'tray@pve!ragnatramp=0b3c7a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-pve-app-'));
    const { f, controller, store } = setup({}, { credentials: new FileCredentialStore(home) });
    const pve = await startFakeProxmox({ token: TOKEN, vmsPrivileges: ['VM.Audit'], guests: [{ type: 'qemu', vmid: 101, name: 'web', node: 'pve1', status: 'stopped' }] });
    cleanups.push(() => pve.close());
    const onPve = makeFixture({ project: 'pveproj', machines: ['web'] });
    const onVirt = makeFixture({ project: 'virtproj', machines: ['db'] });
    store.set({ ...store.get(), projects: [f.configPath, onPve.configPath, onVirt.configPath] });
    await controller.api.setProjectProvider(onPve.configPath, { provider: 'proxmox', option: pve.url });
    await controller.api.setProxmoxToken(onPve.configPath, TOKEN);
    await controller.api.setProjectProvider(onVirt.configPath, { provider: 'libvirt', option: 'test:///default' });

    const view = await controller.api.hostChecks();
    expect(Date.now() - Date.parse(view.at)).toBeLessThan(60_000);
    const by = Object.fromEntries(view.providers.map((p) => [p.label, p.checks.map((c) => [c.step, c.ok])]));
    expect(Object.keys(by).sort()).toEqual(['Hyper-V', 'Proxmox VE', 'libvirt']);
    expect(by['Hyper-V']).toContainEqual(['Virtual Machine Management service (vmms)', true]);
    expect(by['libvirt']).toContainEqual(['libvirt at test:///default answers', true]);
    expect(by['Proxmox VE']).toContainEqual(['Privilege to ask guest agents (VM.GuestAgent.Audit)', false]);
    expect(JSON.stringify(view)).not.toContain('0b3c7a4e');
  }, 30_000);

  it('"This PC" with no project: the checks of the app\'s own provider', async () => {
    const { controller, store } = setup();
    store.set({ ...store.get(), projects: [] });
    const view = await controller.api.hostChecks();
    expect(view.providers.map((p) => p.label)).toEqual(['Hyper-V']);
    expect(view.providers[0]!.checks[0]).toEqual({ step: 'PowerShell found', ok: true, detail: 'simulated Hyper-V host (--simulate)', fix: null });
  });
});

describe('powerVm in the app core', () => {
  it('refuses an action the contract does not name, or a project the user did not add, before the worker is asked', async () => {
    const { f, controller } = setup();
    await expect(dispatchCall(controller.api, 'powerVm', [f.configPath, 'web', 'destroy'])).rejects.toThrow(/Invalid arguments for powerVm: \/2 must be equal to one of the allowed values/);
    await expect(dispatchCall(controller.api, 'powerVm', [f.configPath, 'web; rm -rf /', 'start'])).rejects.toThrow(/Invalid arguments for powerVm: \/1/);
    await expect(dispatchCall(controller.api, 'powerVm', ['/etc/other/ragnatramp.yaml', 'web', 'start'])).rejects.toThrow('is not one of your projects');
  });

  it("stops and starts a VM: the row says 'stopping' meanwhile, and the pass that follows each shows it", async () => {
    const { f, controller, events } = setup();
    controller.start();
    await waitFor(() => controller.snapshot().projects[0]?.vms.find((v) => v.machineName === 'web')?.ipv4 === '172.18.185.163');
    const web = () => controller.snapshot().projects[0]!.vms.find((v) => v.machineName === 'web')!;
    expect(await dispatchCall(controller.api, 'powerVm', [f.configPath, 'web', 'stop'])).toMatchObject({ changed: true, message: "'web' shut down (Hyper-V says Off)." });
    expect(events.flatMap((e) => (e.type === 'state' ? [e.state.powering?.[web().key]] : []))).toContain('stop');
    expect(controller.snapshot().powering).toEqual({});
    await waitFor(() => web().status === 'stopped');
    expect(await dispatchCall(controller.api, 'powerVm', [f.configPath, 'web', 'start'])).toMatchObject({ changed: true });
    await waitFor(() => web().ipv4 === '172.18.185.163');
  });

  it("a manifest project's rows say their provider cannot start or stop VMs", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-manifest-'));
    const manifest = path.join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ version: 1, vms: [{ name: 'myproject-web-a1b2c3d4', mac: '52:54:00:12:34:01' }] }));
    const { f, controller, store } = setup();
    store.set({ ...store.get(), providers: { [f.configPath]: { provider: 'linux', option: manifest } } });
    controller.start();
    await waitFor(() => (controller.snapshot().projects[0]?.vms.length ?? 0) > 0 && controller.snapshot().lastPassAt !== null);
    expect(controller.snapshot().projects[0]!.vms[0]!.powerUnavailable).toContain('Linux (manifest) cannot start or stop VMs');
  });
});
