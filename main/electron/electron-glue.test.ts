// The main-process glue against a fake electron module that fails where Electron fails: tray
// icon and menu, IPC registration, validation and sender identity, notifications (once per
// change, a click opens that toast's VM once, from the Action Center too, a failed toast is not
// kept as shown), the window as a tray popover (the user's size kept, a crashed page reloaded).
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => await import('../../dev/test-support/fake-electron.js'));

const fake = await import('../../dev/test-support/fake-electron.js');
const { TrayUi } = await import('./tray.js');
const { registerIpc, isAppFrame } = await import('./ipc.js');
const { Notifier } = await import('./notifications.js');
const { WindowUi, BACKGROUND } = await import('./window.js');
const { powerConfirmation, trayMenuTemplate, trayTooltip } = await import('./tray-menu.js');
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppState, IpChange, VmView } from '../../contract/api.js';
import { CHANNELS } from '../../contract/api.js';
import type { CallHandlers } from '../app/dispatch-call.js';

function state(over: Partial<AppState> = {}): AppState {
  return {
    health: 'good',
    summary: '3 VMs · 3 running · hosts in sync · just now',
    busy: 'idle',
    paused: false,
    lastPassAt: null,
    hypervisorError: null,
    notices: [],
    projects: [{ configPath: '/p/ragnatramp.yaml', name: 'p', error: null, vms: [], hostsBlock: '', warnings: [] }],
    duplicates: [],
    lastReconcile: null,
    progress: {},
    simulated: false,
    host: { kind: 'electron', filePicker: true, launchAtLogin: true, platform: 'win32' },
    ...over,
  };
}

beforeEach(() => fake.resetFakeElectron());

const ASSETS = fileURLToPath(new URL('../../assets/', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('tray', () => {
  const actions = { reconcileNow: vi.fn(), show: vi.fn(), setPaused: vi.fn(), collectDiagnostics: vi.fn(), copyIp: vi.fn(), openSsh: vi.fn(), reconcileVm: vi.fn(), power: vi.fn() };

  it('shows the health as its icon and the summary as its tooltip, updating only what changed', () => {
    const onClick = vi.fn();
    const ui = new TrayUi(ASSETS, actions, onClick, 'linux');
    const tray = fake.Tray.instances[0]!;
    ui.update(state());
    expect(tray.image.path).toBe(path.join(ASSETS, 'tray-good.png'));
    expect(tray.tooltip).toBe('Ragnatramp Tray\n3 VMs · 3 running · hosts in sync · just now');
    for (const [health, file] of [['attention', 'tray-attention.png'], ['error', 'tray-error.png'], ['working', 'tray-working.png']] as const) {
      ui.update(state({ health }));
      expect(tray.image.path).toBe(path.join(ASSETS, file));
    }
    const changes = tray.imageChanges;
    ui.update(state({ health: 'working' }));
    expect(tray.imageChanges).toBe(changes);
    tray.emit('click', {}, { x: 1, y: 2, width: 3, height: 4 });
    expect(onClick).toHaveBeenCalledWith({ x: 1, y: 2, width: 3, height: 4 }, 'click');
    tray.emit('double-click', {}, { x: 1, y: 2, width: 3, height: 4 });
    expect(onClick).toHaveBeenLastCalledWith({ x: 1, y: 2, width: 3, height: 4 }, 'double-click');
  });

  it('a background watch pass rebuilds neither the menu nor the icon', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    const tray = fake.Tray.instances[0]!;
    ui.update(state());
    const before = { menu: tray.menuChanges, image: tray.imageChanges };
    ui.update(state({ busy: 'discovering' }));
    ui.update(state({ busy: 'idle' }));
    expect({ menu: tray.menuChanges, image: tray.imageChanges }).toEqual(before);
    ui.update(state({ busy: 'reconciling', health: 'working' }));
    expect(tray.menuChanges).toBe(before.menu + 1);
  });

  it('on Windows uses multi-size .ico files holding 16 to 48 px, one per scaling', () => {
    new TrayUi(ASSETS, actions, vi.fn(), 'win32');
    expect(fake.Tray.instances[0]!.image.path).toBe(path.join(ASSETS, 'tray-good.ico'));
    for (const health of ['good', 'attention', 'error', 'working']) {
      const ico = readFileSync(path.join(ASSETS, `tray-${health}.ico`));
      expect(ico.readUInt16LE(2)).toBe(1); // an icon
      const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt8(6 + 16 * i));
      expect(sizes).toEqual([16, 20, 24, 32, 40, 48]);
    }
  });

  it('a missing icon file is an error naming it, not an invisible tray icon', () => {
    expect(() => new TrayUi('/nonexistent/assets', actions, vi.fn(), 'win32')).toThrow('The tray icon /nonexistent/assets/tray-good.ico is missing or unreadable; reinstall Ragnatramp Tray.');
  });

  it('cannot be created before the app is ready, and is left alone once destroyed', () => {
    fake.resetFakeElectron({ ready: false });
    expect(() => new TrayUi(ASSETS, actions, vi.fn(), 'linux')).toThrow(/before the app is ready/);
    fake.resetFakeElectron();
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    ui.destroy();
    expect(() => ui.update(state({ health: 'error' }))).not.toThrow();
    expect(ui.bounds()).toEqual({ x: 0, y: 0, width: 0, height: 0 });
    ui.destroy();
  });

  it('menu: Sync now, Open, Diagnostics, Pause watching, Settings, Collect diagnostics, Quit (by its role)', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    ui.update(state());
    const menu = fake.Tray.instances[0]!.menu!;
    expect(menu.template.map((i) => i.label ?? i.type)).toEqual(['Sync now', 'Open', 'Diagnostics', 'Pause watching', 'Settings', 'Collect diagnostics…', 'separator', 'Quit Ragnatramp Tray']);
    menu.pick(0);
    menu.pick(2);
    menu.pick(3);
    menu.pick(5);
    expect(actions.reconcileNow).toHaveBeenCalled();
    expect(actions.show).toHaveBeenCalledWith('diagnostics');
    expect(actions.setPaused).toHaveBeenCalledWith(true);
    expect(actions.collectDiagnostics).toHaveBeenCalled();
    menu.pick(7);
    expect(fake.app.quitCalls).toBe(1);
    expect(menu.template[7]).not.toHaveProperty('click');
  });

  const vmView = (machineName: string, ipv4: string | null, status: VmView['status'], problems: string[] = []): VmView => ({ key: `/p/ragnatramp.yaml#${machineName}`, machineName, vmName: machineName, status, vmState: status === 'stopped' ? 'Off' : 'Running', provider: 'Hyper-V', lookedIn: 'Hyper-V', ipv4, ipv6: [], tier: null, mac: null, discoveredAt: null, previousIpv4: null, lastKnownIpv4: null, hostsStale: false, hostsSkip: null, problems: problems.map((text) => ({ check: text === 'IP unknown' ? 'ip-unknown' : 'x', text })), muted: [], facts: [], sshOpen: null, sshAt: null, duplicateOf: [], warnings: [], sync: null, history: [] });
  const withVms = (vms: VmView[]) => state({ projects: [{ configPath: '/p/ragnatramp.yaml', name: 'p', error: null, vms, hostsBlock: '', warnings: [] }] });

  it('the menu is a glance: one line per VM in the window\'s words, a click copies its address; per VM Copy IP, Open SSH, Sync this VM', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    ui.update(withVms([vmView('web', '172.29.16.10', 'running'), vmView('db', null, 'initializing', ['IP unknown']), vmView('old', null, 'stopped')]));
    const menu = fake.Tray.instances[0]!.menu!;
    expect(menu.template.slice(0, 6).map((i) => i.label ?? i.type)).toEqual(['web  172.29.16.10  (click to copy)', 'db  IP unknown', 'old  stopped', 'separator', 'VMs', 'Sync now']);
    menu.pick(0);
    expect(actions.copyIp).toHaveBeenLastCalledWith('172.29.16.10');
    menu.pick(1); // no address to copy: the window opens on the VMs
    expect(actions.show).toHaveBeenLastCalledWith('vms');
    const vms = menu.template[4]!.submenu as Array<{ label: string; submenu: Array<{ label: string; enabled: boolean }> }>;
    expect(vms.map((v) => v.label)).toEqual(['web', 'db', 'old']);
    expect(vms[0]!.submenu.map((i) => [i.label, i.enabled])).toEqual([['Copy IP 172.29.16.10', true], ['Open SSH', true], ['Sync this VM', true], [undefined, undefined], ['Stop…', undefined], ['Restart…', undefined]]);
    expect(vms[1]!.submenu.slice(0, 3).map((i) => i.enabled)).toEqual([false, false, false]);
    menu.pick(4, 0, 1);
    expect(actions.openSsh).toHaveBeenCalledWith('/p/ragnatramp.yaml', 'web');
    menu.pick(4, 0, 2);
    expect(actions.reconcileVm).toHaveBeenCalledWith('/p/ragnatramp.yaml', 'web');
    actions.openSsh.mockClear();
    menu.pick(4, 1, 1); // greyed out: nothing happens
    expect(actions.openSsh).not.toHaveBeenCalled();
    expect(fake.Tray.instances[0]!.tooltip).toBe('Ragnatramp Tray\n3 VMs · 3 running · hosts in sync · just now\n1 problem: db: IP unknown');
  });

  it('per VM, a stopped one offers Start and a running one Stop… and Restart…; one being powered says so, greyed; a manifest VM offers none', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    const manifest = { ...vmView('bare', '172.29.16.12', 'running'), powerUnavailable: 'Linux (manifest) cannot start or stop VMs' };
    ui.update({ ...withVms([vmView('web', '172.29.16.10', 'running'), vmView('old', null, 'stopped'), vmView('db', '172.29.16.11', 'running'), manifest]), powering: { '/p/ragnatramp.yaml#db': 'restart' } });
    const menu = fake.Tray.instances[0]!.menu!;
    const vmsAt = menu.template.findIndex((i) => i.label === 'VMs');
    const vms = menu.template[vmsAt]!.submenu as Array<{ submenu: Array<{ label?: string; enabled?: boolean }> }>;
    expect(vms.map((v) => v.submenu.slice(3).map((i) => i.label ?? 'separator'))).toEqual([['separator', 'Stop…', 'Restart…'], ['separator', 'Start'], ['separator', 'Restarting…'], []]);
    expect(vms[2]!.submenu[4]!.enabled).toBe(false);
    menu.pick(vmsAt, 1, 4);
    expect(actions.power).toHaveBeenLastCalledWith('/p/ragnatramp.yaml', 'old', 'start');
    menu.pick(vmsAt, 0, 5);
    expect(actions.power).toHaveBeenLastCalledWith('/p/ragnatramp.yaml', 'web', 'restart');
    // Stop and Restart ask first; Cancel is the default and what Escape answers.
    expect(powerConfirmation('web', 'stop')).toMatchObject({ type: 'question', message: 'Stop web?', buttons: ['Stop', 'Cancel'], defaultId: 1, cancelId: 1 });
  });

  it('a glance item says how to copy on Windows, where a toolTip or sublabel is never shown', () => {
    const menu = trayMenuTemplate(withVms([vmView('web', '172.29.16.10', 'running')]), actions);
    for (const platform of ['win32', 'linux', 'darwin'] as const) expect(fake.shownText(menu[0]!, platform)).toMatch(/^web  172\.29\.16\.10\b.*\bcopy\b/i);
  });

  it('the menu is rebuilt only when what it shows changed; simulated VMs offer no Open SSH; "&" stays literal', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'linux');
    const tray = fake.Tray.instances[0]!;
    ui.update(withVms([vmView('web', '172.29.16.10', 'running')]));
    const built = tray.menuChanges;
    ui.update({ ...withVms([vmView('web', '172.29.16.10', 'running')]), summary: 'other words' });
    expect(tray.menuChanges).toBe(built);
    ui.update(withVms([vmView('web', '172.29.16.11', 'running')]));
    expect(tray.menuChanges).toBe(built + 1);
    // Two projects with a web each: the lines name their project.
    const sim = trayMenuTemplate({ ...withVms([vmView('web', '172.29.16.10', 'running')]), simulated: true, projects: [{ configPath: '/p', name: 'R&D', error: null, vms: [vmView('web', '1.2.3.4', 'running')], hostsBlock: '', warnings: [] }, { configPath: '/q', name: 'q', error: null, vms: [vmView('web', '1.2.3.5', 'running')], hostsBlock: '', warnings: [] }] }, actions);
    expect(sim[0]!.label).toBe('R&&D/web  1.2.3.4  (click to copy)');
    expect(sim[1]!.label).toBe('q/web  1.2.3.5  (click to copy)');
    expect(((sim[3]!.submenu as Array<{ submenu: Array<{ enabled: boolean }> }>)[0]!.submenu[1]!).enabled).toBe(false);
  });

  it('one duplicate is one problem in the tooltip, not one per VM sharing the address', () => {
    const dup = (name: string) => ({ ...vmView(name, '172.18.0.9', 'running'), problems: [{ check: 'duplicate-ip', text: 'duplicate IP' }] });
    const s = { ...withVms([dup('web'), dup('db'), vmView('cache', '172.18.0.3', 'running', ['SSH closed'])]), duplicates: [{ ip: '172.18.0.9', vms: [{ project: 'p', machineName: 'web' }, { project: 'p', machineName: 'db' }] }] };
    expect(trayTooltip(s).split('\n')[2]).toBe('2 problems: duplicate IP 172.18.0.9 (web, db), …');
  });

  it('while the hypervisor cannot be asked the tooltip starts with the cause, within 127 characters', () => {
    const cause = 'The Hyper-V Virtual Machine Management service (vmms) is Stopped.';
    const s = { ...withVms([vmView('web', '172.18.0.2', 'running', ['SSH closed'])]), hypervisorError: `${cause}\nStart it from Services.`, summary: `${cause} · 1 VM as last seen 3 min ago` };
    const stale = { ...s, projects: s.projects.map((p) => ({ ...p, stale: 'Showing what was last seen' })) };
    expect(trayTooltip(stale)).toBe(`${cause} · 1 VM as last seen 3 min ago`);
  });

  it('the tooltip fits in the 127 characters Windows shows', () => {
    const many = withVms(Array.from({ length: 9 }, (_, i) => vmView(`machine-number-${i}`, null, 'missing', ['VM missing'])));
    expect(trayTooltip({ ...many, summary: 'x'.repeat(100) }).length).toBe(127);
  });

  it('the menu follows pause and busy states', () => {
    expect(trayMenuTemplate(state({ paused: true }), actions)[3]).toMatchObject({ label: 'Pause watching', checked: true }); // no VMs: no glance items above
    expect(trayMenuTemplate(state({ busy: 'reconciling' }), actions)[0]).toMatchObject({ label: 'Syncing…', enabled: false });
    expect(trayMenuTemplate(state({ projects: [] }), actions)[0]).toMatchObject({ enabled: false });
  });

  it('with nothing watched yet the icon is grey and there is nothing to pause (issue 23, point 10)', () => {
    const ui = new TrayUi(ASSETS, actions, vi.fn(), 'win32');
    ui.update(state({ projects: [], health: 'idle', summary: 'Nothing watched yet: add a project' }));
    const tray = fake.Tray.instances[0]!;
    expect(tray.image.path).toBe(path.join(ASSETS, 'tray-idle.ico'));
    expect(tray.tooltip).toBe('Ragnatramp Tray\nNothing watched yet: add a project');
    expect(tray.menu!.template.find((i) => i.label === 'Pause watching')).toMatchObject({ enabled: false });
    expect(trayMenuTemplate(state(), actions).find((i) => i.label === 'Pause watching')).toMatchObject({ enabled: true });
  });
});

describe('IPC', () => {
  const handlers = { getState: vi.fn(async () => state()), addProject: vi.fn(async (p: string) => ({ projects: [p] })) } as unknown as CallHandlers;
  let app: InstanceType<typeof fake.WebContents>;
  const trusted = (event: unknown) => isAppFrame(event as never, app as never);
  const invoke = (method: unknown, args: unknown, event: Record<string, unknown> = { sender: app, senderFrame: app.mainFrame }) => fake.ipcMain.handlers.get(CHANNELS.invoke)!(event, method, args);
  beforeEach(() => {
    app = new fake.WebContents();
  });

  it('registers one invoke channel that validates every call', async () => {
    registerIpc(fake.ipcMain as never, handlers, trusted);
    expect([...fake.ipcMain.handlers.keys()]).toEqual([CHANNELS.invoke]);
    expect(await invoke('getState', [])).toMatchObject({ ok: true, value: { health: 'good' } });
    expect(await invoke('addProject', ['/x/ragnatramp.yaml'])).toEqual({ ok: true, value: { projects: ['/x/ragnatramp.yaml'] } });
    expect(await invoke('addProject', [42])).toEqual({ ok: false, message: 'Invalid arguments for addProject: /0 must be string.' });
    expect(await invoke('addProject', [])).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid arguments for addProject/) });
    // "This PC" takes nothing: the providers to check are main's to know.
    expect(await invoke('hostChecks', ['/etc'])).toEqual({ ok: false, message: 'Invalid arguments for hostChecks: arguments must NOT have more than 0 items.' });
    expect(await invoke('updateSettings', [{ autoSyncAsked: 'yes' }])).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid arguments for updateSettings/) });
    expect(await invoke('deleteEverything', [])).toEqual({ ok: false, message: 'Unknown call "deleteEverything".' });
    expect(await invoke('__proto__', [])).toMatchObject({ ok: false });
    expect(handlers.addProject).toHaveBeenCalledTimes(1);
  });

  it("trusts the app window's main frame by identity, whatever case its file URL has", async () => {
    registerIpc(fake.ipcMain as never, handlers, trusted);
    // Chromium upper-cases the drive letter; the app started from `c:\…` would compute `file:///c:/…`.
    const frame = { ...app.mainFrame, url: 'file:///C:/Users/dev/ragnatramp-tray/dist/renderer/index.html' };
    app.mainFrame = frame;
    expect(await invoke('getState', [], { sender: app, senderFrame: frame })).toMatchObject({ ok: true });
    const other = new fake.WebContents();
    expect(await invoke('getState', [], { sender: other, senderFrame: other.mainFrame })).toMatchObject({ ok: false, message: expect.stringMatching(/app's own window only/) });
    const subframe = { processId: frame.processId, routingId: frame.routingId + 100, url: 'https://evil.example/', parent: frame };
    expect(await invoke('getState', [], { sender: app, senderFrame: subframe })).toEqual({ ok: false, message: "Calls are accepted from the app's own window only (not https://evil.example/)." });
    expect(await invoke('getState', [], { sender: app, senderFrame: null })).toMatchObject({ ok: false });
  });

  it('errors cross as their message', async () => {
    registerIpc(fake.ipcMain as never, { ...handlers, reconcileNow: async () => { throw new Error('Hyper-V could not be queried'); } } as unknown as CallHandlers, trusted);
    expect(await invoke('reconcileNow', [null])).toEqual({ ok: false, message: 'Hyper-V could not be queried' });
  });
});

describe('notifications', () => {
  const change: IpChange = { kind: 'changed', key: '/p#web', configPath: '/p', project: 'p', machineName: 'web', from: '172.18.0.2', to: '172.18.0.9' };

  it('one notification per change, none when switched off, a click opens the VM', () => {
    let enabled = true;
    const show = vi.fn();
    const n = new Notifier(() => enabled, show, 'linux');
    expect(n.notify(change)).toBe(true);
    expect(n.notify(change)).toBe(false);
    expect(fake.Notification.shown.map((x) => x.options)).toEqual([{ title: 'web: new IP address', body: '172.18.0.2 → 172.18.0.9 (p) · hosts being synced', silent: false }]);
    fake.Notification.shown[0]!.emit('click');
    expect(show).toHaveBeenCalledWith('vms', '/p#web');
    expect(n.notify({ ...change, from: '172.18.0.9', to: '172.18.0.3' })).toBe(true);
    enabled = false;
    expect(n.notify({ ...change, from: '172.18.0.3', to: '172.18.0.4' })).toBe(false);
  });

  it('a duplicate opens the list, not one VM', () => {
    const show = vi.fn();
    new Notifier(() => true, show, 'linux').notify({ kind: 'duplicate', key: 'sig', ip: '172.18.0.9', machines: ['web', 'db'] });
    fake.Notification.shown[0]!.emit('click');
    expect(show).toHaveBeenCalledWith('vms', null);
  });

  const other: IpChange = { ...change, key: '/p#db', machineName: 'db', from: '172.18.0.3', to: '172.18.0.7' };

  it("on Windows a click from the Action Center, after the toasts' objects are gone, opens that toast's VM, not the newest's", () => {
    const show = vi.fn();
    const n = new Notifier(() => true, show, 'win32');
    n.notify(change);
    n.notify(other);
    const [older, newer] = fake.Notification.shown;
    older!.gone = newer!.gone = true; // only the activation arrives
    fake.Notification.activate(older!);
    expect(show.mock.calls).toEqual([['vms', '/p#web']]);
    fake.Notification.activate(newer!);
    expect(show.mock.calls).toEqual([['vms', '/p#web'], ['vms', '/p#db']]);
    // A toast of an earlier run (unknown here) opens the list.
    fake.Notification.activate('');
    expect(show).toHaveBeenLastCalledWith('vms', null);
  });

  it('on Windows one click on a living toast opens its VM once, whichever path (global callback, then its own click) delivers it', () => {
    const show = vi.fn();
    const n = new Notifier(() => true, show, 'win32');
    n.notify(change);
    n.notify(other);
    const [older] = fake.Notification.shown;
    fake.Notification.activate(older!); // COM activation: global callback, then the toast's 'click'
    expect(show.mock.calls).toEqual([['vms', '/p#web']]);
    fake.Notification.shown[1]!.click(); // in-process activation: only the toast's 'click'
    expect(show.mock.calls).toEqual([['vms', '/p#web'], ['vms', '/p#db']]);
  });

  it('on Windows a toast says what any project name says ("R&D <lab>"): its XML is escaped, so Windows shows it', async () => {
    const n = new Notifier(() => true, vi.fn(), 'win32');
    const failed: string[] = [];
    n.notify({ ...change, project: 'R&D <lab> "x"' });
    fake.Notification.shown[0]!.on('failed', (_e: unknown, why: string) => failed.push(why));
    await sleep(5);
    expect(failed).toEqual([]);
    expect(fake.Notification.shown[0]!.options.toastXml).toContain('<text>172.18.0.2 → 172.18.0.9 (R&amp;D &lt;lab&gt; &quot;x&quot;) · hosts being synced</text>');
  });

  it('a host reboot that renumbers 3 VMs is one toast with one "Sync now", which syncs once, also from the Action Center', async () => {
    const syncNow = vi.fn();
    const n = new Notifier(() => true, vi.fn(), 'win32', () => Date.now(), syncNow);
    const third: IpChange = { ...change, key: '/p#cache', machineName: 'cache', from: '172.18.0.4', to: '172.18.0.8' };
    expect(n.notifyPass([change, other, third], false)).toEqual([true]);
    expect(fake.Notification.shown).toHaveLength(1);
    const toast = fake.Notification.shown[0]!;
    expect(toast.options.title).toBe('3 VMs renumbered · hosts out of date');
    expect(toast.options.toastXml!.match(/<action\b/g)).toHaveLength(1);
    expect(toast.options.toastXml).toContain('content="Sync now"');
    const failed: string[] = [];
    toast.on('failed', (_e: unknown, why: string) => failed.push(why));
    await sleep(5);
    expect(failed).toEqual([]); // Windows parses it
    fake.Notification.activateAction(toast, 0); // global callback, then the living toast's 'action'
    expect(syncNow.mock.calls).toEqual([[['/p']]]);
    toast.gone = true;
    fake.Notification.activateAction(toast, 0); // pressed again from the Action Center
    expect(syncNow).toHaveBeenCalledTimes(1);
  });

  it('a change that made a duplicate gets no Sync now (the sync would skip it); on Linux no button at all, on macOS the object\'s action', () => {
    const syncNow = vi.fn();
    new Notifier(() => true, vi.fn(), 'win32', () => Date.now(), syncNow).notifyPass([{ ...change, hostsSkip: 'duplicate IPv4 172.18.0.9 (shared with db)' }], false);
    expect(fake.Notification.shown[0]!.options.toastXml).not.toContain('<action');
    expect(() => fake.Notification.activateAction(fake.Notification.shown[0]!, 0)).toThrow(/no button/);
    new Notifier(() => true, vi.fn(), 'linux', () => Date.now(), syncNow).notifyPass([other], false);
    expect(fake.Notification.shown[1]!.options.actions).toBeUndefined();
    new Notifier(() => true, vi.fn(), 'darwin', () => Date.now(), syncNow).notifyPass([{ ...other, key: '/p#x', machineName: 'x' }], false);
    expect(fake.Notification.shown[2]!.options.actions).toEqual([{ type: 'button', text: 'Sync now' }]);
    fake.Notification.shown[2]!.emit('action', {}, 0, -1);
    expect(syncNow.mock.calls).toEqual([[['/p']]]);
  });

  it('a toast that failed is not kept as shown: the same change can be told again', async () => {
    const n = new Notifier(() => true, vi.fn(), 'win32');
    fake.Notification.failure = 'Notification failed - Settings prevent the notification from being delivered. (HRESULT: -2143420143)';
    expect(n.notify(change)).toBe(true);
    await sleep(5);
    fake.Notification.failure = null;
    expect(n.notify(change)).toBe(true);
    await sleep(5);
    expect(n.notify(change)).toBe(false);
    expect(fake.Notification.shown).toHaveLength(2);
  });
});

describe('window', () => {
  const tray = { x: 1700, y: 1045, width: 24, height: 30 };

  it('is sandboxed and isolated, cannot be maximized, shows on ready-to-show over the theme colour', async () => {
    fake.nativeTheme.shouldUseDarkColors = true;
    const ui = new WindowUi('/app/dist/renderer/index.html', '/app/dist/preload/preload.cjs');
    ui.toggle(tray);
    const w = fake.BrowserWindow.instances[0]!;
    expect(w.options.webPreferences).toEqual({ preload: '/app/dist/preload/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false });
    expect(w.options).toMatchObject({ maximizable: false, show: false, backgroundColor: BACKGROUND.dark });
    expect(w.loaded).toBe('/app/dist/renderer/index.html');
    expect(w.visible).toBe(false); // not before the page has painted
    await sleep(20);
    expect(w.visible).toBe(true);
    expect(w.position).toEqual([1472, 392]); // centred on the icon, clamped to the screen edge
    expect(w.fire('close').defaultPrevented).toBe(true);
    expect(w.visible).toBe(false);
    ui.prepareToQuit();
    expect(w.fire('close').defaultPrevented).toBe(false);
  });

  it('hides when it loses focus; the tray click that caused the blur does not reopen it', async () => {
    let now = 1000;
    const ui = new WindowUi('/i.html', '/p.cjs', () => now);
    ui.toggle(tray);
    await sleep(20);
    const w = fake.BrowserWindow.instances[0]!;
    expect(w.visible).toBe(true);
    // Another window covers it: Electron still calls it visible; the blur hides it.
    w.emit('blur');
    expect(w.visible).toBe(false);
    now += 100;
    ui.toggle(tray); // the click on the tray icon that took the focus away
    expect(w.visible).toBe(false);
    now += 400;
    ui.toggle(tray);
    expect(w.visible).toBe(true);
    ui.toggle(tray);
    expect(w.visible).toBe(false);
  });

  it('queues what is sent before the page has loaded, then delivers it in order', async () => {
    const ui = new WindowUi('/i.html', '/p.cjs');
    ui.send('ch', { type: 'show', view: 'diagnostics', vmKey: null });
    ui.send('ch', { n: 2 });
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    expect(contents.sent).toEqual([]);
    await sleep(20);
    expect(contents.dropped).toEqual([]);
    expect(contents.sent).toEqual([['ch', { type: 'show', view: 'diagnostics', vmKey: null }], ['ch', { n: 2 }]]);
    ui.send('ch', { n: 3 });
    expect(contents.sent).toHaveLength(3);
  });

  it("keeps the user's size, and fits a small work area with the title bar on screen", async () => {
    const ui = new WindowUi('/i.html', '/p.cjs');
    ui.showAt(tray);
    await sleep(20);
    const w = fake.BrowserWindow.instances[0]!;
    w.userResize(600, 700);
    ui.showAt(tray);
    expect(w.bounds).toMatchObject({ width: 600, height: 700 });
    fake.screen.display = { bounds: { x: 0, y: 0, width: 1024, height: 600 }, workArea: { x: 0, y: 0, width: 1024, height: 560 } };
    ui.showAt({ x: 900, y: 565, width: 24, height: 30 });
    expect(w.bounds).toEqual({ x: 1024 - 600 - 8, y: 8, width: 600, height: 560 - 16 });
  });

  it('a size Electron set to fit a small screen is not kept as the user\'s', async () => {
    const ui = new WindowUi('/i.html', '/p.cjs');
    ui.showAt(tray);
    await sleep(20);
    const w = fake.BrowserWindow.instances[0]!;
    w.userResize(600, 700);
    fake.screen.display = { bounds: { x: 0, y: 0, width: 1024, height: 600 }, workArea: { x: 0, y: 0, width: 1024, height: 560 } };
    ui.showAt({ x: 900, y: 565, width: 24, height: 30 });
    expect(w.bounds).toMatchObject({ width: 600, height: 544 });
    fake.screen.display = { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
    ui.showAt(tray);
    expect(w.bounds).toMatchObject({ width: 600, height: 700 });
  });

  it("a size the user drags back to, the one Electron last set included, is the user's", async () => {
    const ui = new WindowUi('/i.html', '/p.cjs');
    ui.showAt(tray);
    await sleep(20);
    const w = fake.BrowserWindow.instances[0]!;
    w.userResize(600, 700);
    w.userResize(440, 640); // back to the default size showAt gave it
    w.hide();
    ui.showAt(tray);
    expect(w.bounds).toMatchObject({ width: 440, height: 640 });
  });

  it('a crashed page is reloaded (a few times, then the user is told), and what is sent meanwhile waits for it', async () => {
    const told: string[] = [];
    const ui = new WindowUi('/i.html', '/p.cjs', undefined, (m) => told.push(m));
    ui.showAt(tray);
    await sleep(20);
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    contents.crash('crashed');
    ui.send('ch', { n: 1 });
    await sleep(20);
    expect(contents.reloads).toBe(1);
    expect(contents.crashed).toBe(false);
    expect(contents.dropped).toEqual([]);
    expect(contents.sent).toContainEqual(['ch', { n: 1 }]);
    for (let i = 0; i < 3; i++) {
      contents.crash('oom');
      await sleep(20);
    }
    expect(contents.reloads).toBe(3);
    expect(contents.crashed).toBe(true);
    expect(told).toEqual([expect.stringMatching(/^The window stopped working \(oom\) 4 times/)]);
    // While it stays blank, what is sent waits, the latest 50 of it.
    for (let n = 0; n < 60; n++) ui.send('ch', { late: n });
    ui.showAt(tray); // Open from the tray tries again
    await sleep(20);
    expect(contents.reloads).toBe(4);
    expect(contents.crashed).toBe(false);
    expect(contents.sent.filter(([, p]) => 'late' in (p as object)).map(([, p]) => (p as { late: number }).late)).toEqual(Array.from({ length: 50 }, (_, i) => i + 10));
  });

  it('a page that cannot load, and a link the OS refuses to open, are told, not silent', async () => {
    const told: string[] = [];
    fake.loadFailures.set('/missing.html', [-6, 'ERR_FILE_NOT_FOUND']);
    const ui = new WindowUi('/missing.html', '/p.cjs', undefined, (m) => told.push(m));
    void ui.window;
    await sleep(20);
    expect(told).toEqual([expect.stringMatching(/ERR_FILE_NOT_FOUND.*reinstall Ragnatramp Tray/)]);
    fake.shell.openFailure = 'Application not found';
    fake.BrowserWindow.instances[0]!.webContents.openHandler!({ url: 'https://github.com/x' });
    await sleep(5);
    expect(told[1]).toMatch(/https:\/\/github\.com\/x could not be opened: Failed to open: Application not found/);
  });

  it('refuses navigation and new windows; https links go to the OS browser', () => {
    const ui = new WindowUi('/i.html', '/p.cjs');
    void ui.window;
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    const nav = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    contents.emit('will-navigate', nav, 'https://evil.example/');
    expect(nav.defaultPrevented).toBe(true);
    expect(contents.openHandler!({ url: 'https://github.com/x' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.shell.opened).toEqual(['https://github.com/x']);
  });
});
