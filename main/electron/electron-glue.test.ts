// The main-process glue against a fake electron module: tray icon and menu, IPC registration
// and validation, notifications (once per change, click opens the VM), the window's security.
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => await import('../test-support/fake-electron.js'));

const fake = await import('../test-support/fake-electron.js');
const { TrayUi } = await import('./tray.js');
const { registerIpc, broadcast } = await import('./ipc.js');
const { Notifier } = await import('./notifications.js');
const { WindowUi } = await import('./window.js');
const { trayMenuTemplate } = await import('./tray-menu.js');
import type { AppState, IpChange } from '../contract/api.js';
import { CHANNELS } from '../contract/api.js';
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
    host: { kind: 'electron', filePicker: true, launchAtLogin: true },
    ...over,
  };
}

beforeEach(() => fake.resetFakeElectron());

describe('tray', () => {
  const actions = { reconcileNow: vi.fn(), show: vi.fn(), setPaused: vi.fn(), quit: vi.fn() };

  it('shows the health as its icon and the summary as its tooltip, updating only what changed', () => {
    const onClick = vi.fn();
    const ui = new TrayUi('/assets', actions, onClick);
    const tray = fake.Tray.instances[0]!;
    ui.update(state());
    expect(tray.image.path).toBe('/assets/tray-good.png');
    expect(tray.tooltip).toBe('Ragnatramp Tray\n3 VMs · 3 running · hosts in sync · just now');
    for (const [health, file] of [['attention', 'tray-attention.png'], ['error', 'tray-error.png'], ['working', 'tray-working.png']] as const) {
      ui.update(state({ health }));
      expect(tray.image.path).toBe(`/assets/${file}`);
    }
    const changes = tray.imageChanges;
    ui.update(state({ health: 'working' }));
    expect(tray.imageChanges).toBe(changes);
    tray.emit('click', {}, { x: 1, y: 2, width: 3, height: 4 });
    expect(onClick).toHaveBeenCalledWith({ x: 1, y: 2, width: 3, height: 4 });
  });

  it('menu: Reconcile now, Open, Diagnostics, Pause watching, Settings, Quit', () => {
    const ui = new TrayUi('/assets', actions, vi.fn());
    ui.update(state());
    const menu = fake.Tray.instances[0]!.menu!.template;
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['Reconcile now', 'Open', 'Diagnostics', 'Pause watching', 'Settings', 'separator', 'Quit Ragnatramp Tray']);
    (menu[0]!.click as () => void)();
    (menu[2]!.click as () => void)();
    (menu[3]!.click as () => void)();
    (menu[6]!.click as () => void)();
    expect(actions.reconcileNow).toHaveBeenCalled();
    expect(actions.show).toHaveBeenCalledWith('diagnostics');
    expect(actions.setPaused).toHaveBeenCalledWith(true);
    expect(actions.quit).toHaveBeenCalled();
  });

  it('the menu follows pause and busy states', () => {
    expect(trayMenuTemplate(state({ paused: true }), actions)[3]).toMatchObject({ label: 'Pause watching', checked: true });
    expect(trayMenuTemplate(state({ busy: 'reconciling' }), actions)[0]).toMatchObject({ label: 'Reconciling…', enabled: false });
    expect(trayMenuTemplate(state({ projects: [] }), actions)[0]).toMatchObject({ enabled: false });
  });
});

describe('IPC', () => {
  const handlers = { getState: vi.fn(async () => state()), addProject: vi.fn(async (p: string) => ({ projects: [p] })) } as unknown as CallHandlers;
  const trusted = (url: string) => url === 'file:///app/dist/renderer/index.html';
  const invoke = (method: unknown, args: unknown, url = 'file:///app/dist/renderer/index.html') => fake.ipcMain.handlers.get(CHANNELS.invoke)!({ senderFrame: { url } }, method, args);

  it('registers one invoke channel that validates every call', async () => {
    registerIpc(fake.ipcMain as never, handlers, trusted);
    expect([...fake.ipcMain.handlers.keys()]).toEqual([CHANNELS.invoke]);
    expect(await invoke('getState', [])).toMatchObject({ ok: true, value: { health: 'good' } });
    expect(await invoke('addProject', ['/x/ragnatramp.yaml'])).toEqual({ ok: true, value: { projects: ['/x/ragnatramp.yaml'] } });
    expect(await invoke('addProject', [42])).toEqual({ ok: false, message: 'Invalid arguments for addProject: /0 must be string.' });
    expect(await invoke('addProject', [])).toMatchObject({ ok: false, message: expect.stringMatching(/^Invalid arguments for addProject/) });
    expect(await invoke('deleteEverything', [])).toEqual({ ok: false, message: 'Unknown call "deleteEverything".' });
    expect(await invoke('__proto__', [])).toMatchObject({ ok: false });
    expect(await invoke('getState', [], 'https://evil.example/')).toEqual({ ok: false, message: "Calls are accepted from the app's own page only (not https://evil.example/)." });
    expect(handlers.addProject).toHaveBeenCalledTimes(1);
  });

  it('errors cross as their message', async () => {
    registerIpc(fake.ipcMain as never, { ...handlers, reconcileNow: async () => { throw new Error('Hyper-V could not be queried'); } } as unknown as CallHandlers, trusted);
    expect(await invoke('reconcileNow', [null])).toEqual({ ok: false, message: 'Hyper-V could not be queried' });
  });

  it('broadcasts events to every window', () => {
    const w = new fake.BrowserWindow({ webPreferences: {} });
    broadcast([w as never], { type: 'show', view: 'vms', vmKey: null });
    expect(w.webContents.sent).toEqual([[CHANNELS.event, { type: 'show', view: 'vms', vmKey: null }]]);
  });
});

describe('notifications', () => {
  const change: IpChange = { kind: 'changed', key: '/p#web', project: 'p', machineName: 'web', from: '172.18.0.2', to: '172.18.0.9' };

  it('one notification per change, none when switched off, a click opens the VM', () => {
    let enabled = true;
    const show = vi.fn();
    const n = new Notifier(() => enabled, show);
    expect(n.notify(change)).toBe(true);
    expect(n.notify(change)).toBe(false);
    expect(fake.Notification.shown.map((x) => x.options)).toEqual([{ title: 'web: new IP address', body: '172.18.0.2 → 172.18.0.9 (p)', silent: false }]);
    fake.Notification.shown[0]!.emit('click');
    expect(show).toHaveBeenCalledWith('vms', '/p#web');
    expect(n.notify({ ...change, from: '172.18.0.9', to: '172.18.0.3' })).toBe(true);
    enabled = false;
    expect(n.notify({ ...change, from: '172.18.0.3', to: '172.18.0.4' })).toBe(false);
  });

  it('a duplicate opens the list, not one VM', () => {
    const show = vi.fn();
    new Notifier(() => true, show).notify({ kind: 'duplicate', key: 'sig', ip: '172.18.0.9', machines: ['web', 'db'] });
    fake.Notification.shown[0]!.emit('click');
    expect(show).toHaveBeenCalledWith('vms', null);
  });
});

describe('window', () => {
  it('is sandboxed and isolated, hides instead of closing, opens next to the tray', () => {
    const ui = new WindowUi('/app/dist/renderer/index.html', '/app/dist/preload/preload.cjs');
    ui.toggle({ x: 1700, y: 1045, width: 24, height: 30 });
    const w = fake.BrowserWindow.instances[0]!;
    expect(w.options.webPreferences).toEqual({ preload: '/app/dist/preload/preload.cjs', contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false });
    expect(w.loaded).toBe('/app/dist/renderer/index.html');
    expect(w.visible).toBe(true);
    expect(w.position).toEqual([1472, 392]); // centred on the icon, clamped to the screen edge
    expect(w.fire('close').defaultPrevented).toBe(true);
    expect(w.visible).toBe(false);
    ui.toggle({ x: 1700, y: 1045, width: 24, height: 30 });
    ui.toggle({ x: 1700, y: 1045, width: 24, height: 30 });
    expect(w.visible).toBe(false);
    ui.prepareToQuit();
    expect(w.fire('close').defaultPrevented).toBe(false);
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
