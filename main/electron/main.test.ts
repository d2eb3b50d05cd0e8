// main.ts itself, started against the fake electron module (which refuses what Electron
// refuses): single instance, first launch, start hidden at login, the Windows identity of a
// development run, the portable and the installed app, launch at login pointed at the real
// program and following Task Manager, the CLI inside the app, --quit, refused permissions, a
// failure while starting, and quit; and the Windows behaviours the user meets first: the file
// picker is modal, a double-click on the icon, a click while starting, errors that do not freeze
// the app; and a VM started and stopped from the tray menu (Stop asks first, in a message box).
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { launchesAtLogin } from './login-item.js';
import { APP_ID, TOAST_ACTIVATOR_CLSID } from './windows-identity.js';

// One fake for the whole file: vi.resetModules() gives every test a fresh main.ts, and that
// main.ts must meet the same fake the test inspects.
const fake = await vi.hoisted(async () => await import('../../dev/test-support/fake-electron.js'));
vi.mock('electron', () => fake);
// electron-store is Conf with Electron's paths; main.ts always gives it its folder.
vi.mock('electron-store', async () => {
  const Conf = (await import('conf')).default;
  return { default: class extends Conf<Record<string, unknown>> { constructor(o: { name: string; cwd: string; schema: object }) { super({ configName: o.name, cwd: o.cwd, schema: o.schema as never, projectName: 'ragnatramp-tray' }); } } };
});

const saved = { argv: process.argv, env: { ...process.env }, platform: process.platform, resourcesPath: (process as { resourcesPath?: string }).resourcesPath };
let home: string;

beforeEach(() => {
  fake.resetFakeElectron({ ready: false });
  vi.resetModules();
  home = mkdtempSync(path.join(os.tmpdir(), 'rt-main-'));
  process.env.RAGNATRAMP_TRAY_HOME = home;
  delete process.env.PORTABLE_EXECUTABLE_FILE;
});

afterEach(async () => {
  if (fake.Tray.instances.length > 0 && !fake.Tray.instances[0]!.isDestroyed()) {
    // Quit completes once the worker has disposed of its environments (will-quit).
    const done = new Promise((r) => fake.app.once('will-quit', r));
    fake.app.quit();
    await done;
  }
  process.argv = saved.argv;
  process.env = { ...saved.env };
  Object.defineProperty(process, 'platform', { value: saved.platform });
  (process as { resourcesPath?: string }).resourcesPath = saved.resourcesPath;
  await new Promise((r) => setTimeout(r, 50));
});

async function launch(args: string[] = []): Promise<void> {
  process.argv = [process.execPath, '/app', ...args];
  await import('./main.js');
  await fake.becomeReady();
  await new Promise((r) => setTimeout(r, 30)); // the page loads, ready-to-show
}

describe('main.ts', () => {
  it("the tray menu starts a stopped VM at once, and stops a running one once its question is answered", async () => {
    const demo = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-main-demo-')), 'demo');
    cpSync(path.resolve('examples/demo'), demo, { recursive: true });
    mkdirSync(path.join(home, 'electron-dev'), { recursive: true });
    writeFileSync(path.join(home, 'electron-dev', 'settings.json'), JSON.stringify({ projects: [path.join(demo, 'ragnatramp.yaml')] }));
    await launch(['--hidden', '--simulate', path.join(demo, 'scenario.yaml')]);
    const tray = fake.Tray.instances[0]!;
    const vmItems = () => (tray.menu?.template.find((i) => i.label === 'VMs')?.submenu ?? []) as Array<{ label: string; submenu: Array<{ label?: string }> }>;
    const pick = (machine: string, label: string) => {
      const vms = tray.menu!.template.findIndex((i) => i.label === 'VMs');
      const at = vmItems().findIndex((v) => v.label.startsWith(machine));
      tray.menu!.pick(vms, at, vmItems()[at]!.submenu.findIndex((i) => i.label === label));
    };
    const offers = (machine: string) => vmItems().find((v) => v.label.startsWith(machine))?.submenu.map((i) => i.label) ?? [];
    await vi.waitFor(() => expect(offers('worker')).toContain('Start'), { timeout: 20_000 });
    pick('worker', 'Start');
    await vi.waitFor(() => expect(offers('worker')).toContain('Stop…'), { timeout: 20_000 });
    expect(fake.dialog.messageBoxes).toEqual([]);
    pick('worker', 'Stop…');
    // The question first (the fake answers its first button, Stop); then the VM is stopped.
    await vi.waitFor(() => expect(fake.dialog.messageBoxes).toEqual([expect.objectContaining({ type: 'question', message: 'Stop worker?', buttons: ['Stop', 'Cancel'], cancelId: 1 })]));
    await vi.waitFor(() => expect(offers('worker')).toContain('Start'), { timeout: 20_000 });
    expect(fake.dialog.errors).toEqual([]);
  }, 60_000);

  it('a second instance quits at once and creates nothing', async () => {
    fake.app.lockGranted = false;
    await launch();
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.Tray.instances).toEqual([]);
  });

  it('first launch: a tray icon, the window shown (a new icon hides in the overflow), no application menu', async () => {
    await launch();
    expect(fake.Tray.instances).toHaveLength(1);
    expect(fake.BrowserWindow.instances[0]!.visible).toBe(true);
    expect(fake.Menu.application).toBeNull();
    expect(fake.dialog.errors).toEqual([]);
    // The window asked to open on the VM list got that message once it had loaded.
    expect(fake.BrowserWindow.instances[0]!.webContents.sent.some(([, e]) => (e as { type: string }).type === 'show')).toBe(true);
  });

  it('started at login (--hidden) with projects to watch: stays in the tray', async () => {
    mkdirSync(path.join(home, 'electron-dev'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(home, 'electron-dev', 'settings.json'), JSON.stringify({ projects: ['/p/ragnatramp.yaml'] }));
    await launch(['--hidden']);
    expect(fake.Tray.instances).toHaveLength(1);
    expect(fake.BrowserWindow.instances.every((w) => !w.visible)).toBe(true);
  });

  it('a development run has its own name, app id and settings folder; a relative home is resolved', async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    process.env.RAGNATRAMP_TRAY_HOME = path.relative(process.cwd(), home);
    await launch();
    expect(fake.app.name).toBe('Ragnatramp Tray (dev)');
    expect(fake.app.appUserModelId).toBe('io.github.ragnatramp.tray.dev');
    expect(fake.app.getPath('userData')).toBe(path.join(home, 'electron-dev'));
    expect(fake.dialog.errors).toEqual([]);
  });

  it('launch at login is not offered by a development run', async () => {
    await launch();
    const sent = fake.BrowserWindow.instances[0]!.webContents.sent.map(([, e]) => e as { type: string; state?: { host: { launchAtLogin: boolean } } });
    expect(sent.find((e) => e.type === 'state')!.state!.host.launchAtLogin).toBe(false);
  });

  it('packaged portable build on Windows: its own identity (never the installed app\'s shortcut), the login item names the portable .exe, starts hidden, and the real setting is read back', async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    fake.app.isPackaged = true;
    (process as { resourcesPath?: string }).resourcesPath = path.resolve('assets');
    process.env.PORTABLE_EXECUTABLE_FILE = 'D:\\Tools\\Ragnatramp Tray 0.1.0.exe';
    // Switched on earlier for that program; settings.json says off: the OS wins.
    fake.app.appUserModelId = 'io.github.ragnatramp.tray.portable';
    fake.app.setLoginItemSettings({ openAtLogin: true, path: 'D:\\Tools\\Ragnatramp Tray 0.1.0.exe', args: ['--hidden'] });
    process.argv = [process.execPath];
    await import('./main.js');
    await fake.becomeReady();
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.app.getPath('userData')).toBe(home);
    // Electron names the toast shortcut after the app and points it at the running .exe: the
    // portable's is its own, not the installed app's "Ragnatramp Tray.lnk".
    expect(fake.app.appUserModelId).toBe('io.github.ragnatramp.tray.portable');
    expect(fake.app.name).toBe('Ragnatramp Tray (portable)');
    expect(fake.app.toastActivatorCLSID).not.toBe(TOAST_ACTIVATOR_CLSID);
    const { readFileSync } = await import('node:fs');
    expect(JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')).launchAtLogin).toBe(true);
    // Switching it off from the window goes to the same entry.
    const handler = fake.ipcMain.handlers.get('ragnatramp:invoke')!;
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    expect(await handler({ sender: contents, senderFrame: contents.mainFrame }, 'updateSettings', [{ launchAtLogin: false }])).toMatchObject({ ok: true });
    expect([...fake.app.loginItems.run]).toEqual([]);
  });

  it('installed on Windows: the app id and toast activator the uninstaller removes', async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    fake.app.isPackaged = true;
    (process as { resourcesPath?: string }).resourcesPath = path.resolve('assets');
    process.argv = [process.execPath];
    await import('./main.js');
    await fake.becomeReady();
    expect(fake.app.appUserModelId).toBe(APP_ID);
    expect(fake.app.name).toBe('Ragnatramp Tray');
    expect(fake.app.toastActivatorCLSID).toBe(TOAST_ACTIVATOR_CLSID);
  });

  it("launch at login follows Task Manager's switch: off there reads off, and switching on in the app does not override it", async () => {
    Object.defineProperty(process, 'platform', { value: 'win32' });
    fake.app.isPackaged = true;
    (process as { resourcesPath?: string }).resourcesPath = path.resolve('assets');
    const { writeFileSync, readFileSync } = await import('node:fs');
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ launchAtLogin: true }));
    fake.app.appUserModelId = APP_ID;
    fake.app.setLoginItemSettings({ openAtLogin: true, path: process.execPath, args: ['--hidden'] });
    fake.app.loginItems.setInTaskManager(APP_ID, false); // the user: Task Manager > Startup apps > Disable
    expect(fake.app.getLoginItemSettings({ path: process.execPath, args: ['--hidden'] }).openAtLogin).toBe(true); // what hid it
    process.argv = [process.execPath];
    await import('./main.js');
    await fake.becomeReady();
    await new Promise((r) => setTimeout(r, 30));
    expect(JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')).launchAtLogin).toBe(false);
    const handler = fake.ipcMain.handlers.get('ragnatramp:invoke')!;
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    const answer = await handler({ sender: contents, senderFrame: contents.mainFrame }, 'updateSettings', [{ launchAtLogin: true }]);
    expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/switched off in Task Manager/) });
    expect(fake.app.loginItems.startupApproved.get(APP_ID)).toBe(0x03); // still the user's "Disabled"
    expect(JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')).launchAtLogin).toBe(false);
    // Enabled again in Task Manager: the next start reads it on.
    fake.app.loginItems.setInTaskManager(APP_ID, true);
    expect(launchesAtLogin(fake.app, { path: process.execPath, args: ['--hidden'] }, APP_ID)).toBe(true);
  });

  it('--cli runs the command line in the app (ragnatramp-tray.cmd): its output and exit code, no tray and no single-instance lock', async () => {
    fake.app.isPackaged = true;
    fake.app.lockGranted = false; // the tray app is running: the CLI still runs
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((t: string, cb?: () => void) => {
      out.push(String(t));
      if (typeof cb === 'function') cb();
      return true;
    }) as typeof process.stdout.write);
    // README's "First run on Windows", step 2, against the demo's simulated Hyper-V host.
    process.argv = [process.execPath, '--cli', 'doctor', '--config', path.resolve('examples/demo/ragnatramp.yaml'), '--simulate', path.resolve('examples/demo/scenario.yaml')];
    await import('./main.js');
    for (let i = 0; i < 500 && fake.app.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
    write.mockRestore();
    expect(fake.app.exitCode).toBe(0);
    expect(out.join('')).toMatch(/PASS {2}Get-VM answers: 4 VMs visible to you/);
    expect(fake.app.quitCalls).toBe(0);
    expect(fake.Tray.instances).toEqual([]);
  });

  it('--quit: a running app quits as Quit does (the installer asks so), and with none running nothing starts', async () => {
    await launch();
    const tray = fake.Tray.instances[0]!;
    const done = new Promise((r) => fake.app.once('will-quit', r));
    fake.app.emit('second-instance', { preventDefault() {} }, [process.execPath, '--quit'], process.cwd());
    expect(tray.isDestroyed()).toBe(true);
    await done; // after the worker disposed of its environments
    fake.resetFakeElectron({ ready: false });
    vi.resetModules();
    await launch(['--quit']);
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.Tray.instances).toEqual([]);
  });

  it('refuses every permission the page asks for (Electron grants them all without a handler), but writing the clipboard from its own page', async () => {
    await launch();
    const ses = fake.session.defaultSession;
    expect(await ses.requestPermission('media')).toBe(false);
    expect(await ses.requestPermission('notifications')).toBe(false);
    expect(await ses.requestPermission('clipboard-read')).toBe(false);
    expect(ses.checkPermission('geolocation')).toBe(false);
    // The Copy buttons (navigator.clipboard.writeText): the app's file: page only.
    expect(await ses.requestPermission('clipboard-sanitized-write')).toBe(true);
    expect(ses.checkPermission('clipboard-sanitized-write')).toBe(true);
    expect(await ses.requestPermission('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(ses.checkPermission('clipboard-sanitized-write', 'https://example.com')).toBe(false);
  });

  it('a failure while starting is shown in a dialog and ends the process with exit code 1', async () => {
    fake.app.isPackaged = true;
    (process as { resourcesPath?: string }).resourcesPath = mkdtempSync(path.join(os.tmpdir(), 'rt-no-assets-'));
    process.argv = [process.execPath];
    await import('./main.js');
    await fake.becomeReady();
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.dialog.errors).toHaveLength(1);
    expect(fake.dialog.errors[0]![0]).toBe('Ragnatramp Tray could not start');
    expect(fake.dialog.errors[0]![1]).toMatch(/The tray icon .*tray-good\.png is missing or unreadable; reinstall Ragnatramp Tray\./);
    expect(fake.app.exitCode).toBe(1);
  });

  it('"Collect diagnostics" in the tray menu writes the support bundle and shows it in the file manager', async () => {
    await launch();
    const menu = fake.Tray.instances[0]!.menu!;
    menu.pick(menu.template.findIndex((i) => i.label === 'Collect diagnostics…'));
    for (let i = 0; i < 50 && fake.shell.revealed.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.shell.revealed).toHaveLength(1);
    expect(fake.shell.revealed[0]).toMatch(new RegExp(`^${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/support/ragnatramp-tray-support-.*\\.zip$`));
    expect(fake.dialog.errors).toEqual([]);
  });

  const invoke = (method: string, args: unknown[] = []) => {
    const contents = fake.BrowserWindow.instances[0]!.webContents;
    return fake.ipcMain.handlers.get('ragnatramp:invoke')!({ sender: contents, senderFrame: contents.mainFrame }, method, args) as Promise<{ ok: boolean; value?: unknown; message?: string }>;
  };

  it('Add a project…: the file picker is modal to the window, which stays open behind it and gets the answer', async () => {
    await launch();
    const w = fake.BrowserWindow.instances[0]!;
    expect(w.isFocused()).toBe(true);
    const picked = invoke('pickProjectFile');
    await new Promise((r) => setImmediate(r));
    expect(fake.dialog.openDialogs).toHaveLength(1);
    expect(w.isFocused()).toBe(false); // the dialog took the focus
    expect(w.visible).toBe(true);
    fake.dialog.openDialogs[0]!.answer({ canceled: false, filePaths: ['C:\\p\\ragnatramp.yaml'] });
    expect(await picked).toEqual({ ok: true, value: 'C:\\p\\ragnatramp.yaml' });
    expect(w.visible).toBe(true);
    expect(w.isFocused()).toBe(true);
    // The popover behaviour is back once the dialog is closed.
    w.loseFocus();
    expect(w.visible).toBe(false);
  });

  it('a double-click on the tray icon opens the window (Windows: click on the first press, then only double-click)', async () => {
    await launch();
    const w = fake.BrowserWindow.instances[0]!;
    fake.Tray.instances[0]!.press(); // a click on the icon of an open window closes it
    expect(w.visible).toBe(false);
    await new Promise((r) => setTimeout(r, 300)); // a later gesture, not the click that caused the blur
    fake.Tray.instances[0]!.doubleClick();
    expect(w.visible).toBe(true);
    expect(fake.dialog.errors).toEqual([]);
  });

  it('a tray click, its menu, a second launch and a wake-up while safeStorage starts throw nothing, and the second launch is not lost', async () => {
    // Started at login with a project: the window would stay in the tray, but the user launched it again.
    mkdirSync(path.join(home, 'electron-dev'), { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(home, 'electron-dev', 'settings.json'), JSON.stringify({ projects: ['/p/ragnatramp.yaml'] }));
    let started: () => void = () => undefined;
    fake.safeStorageControl.started = new Promise<void>((r) => (started = r));
    process.argv = [process.execPath, '/app', '--hidden'];
    await import('./main.js');
    await fake.becomeReady();
    await new Promise((r) => setTimeout(r, 20)); // start() waits for the encryptor
    for (const tray of fake.Tray.instances) {
      tray.press();
      tray.doubleClick();
      for (const [i, item] of (tray.menu?.template ?? []).entries()) if (item.role !== 'quit') tray.menu!.pick(i);
    }
    fake.app.emit('second-instance', fake.electronEvent(), [], '/');
    fake.powerMonitor.emit('resume');
    started();
    for (let i = 0; i < 100 && !fake.BrowserWindow.instances[0]?.visible; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.dialog.errors).toEqual([]);
    expect(fake.Tray.instances).toHaveLength(1);
    expect(fake.BrowserWindow.instances[0]!.visible).toBe(true);
  });

  it('an error from a tray action is shown without blocking the main thread: the tray still answers', async () => {
    await launch();
    fake.shell.revealed = [];
    // The support bundle cannot be written: its folder is a file.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(home, 'support'), 'not a folder');
    const tray = fake.Tray.instances[0]!;
    tray.menu!.pick(tray.menu!.template.findIndex((i) => i.label === 'Collect diagnostics…'));
    for (let i = 0; i < 50 && fake.dialog.messageBoxes.length + fake.dialog.errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fake.dialog.errors).toEqual([]);
    expect(fake.dialog.messageBoxes).toEqual([expect.objectContaining({ type: 'error', message: 'Diagnostics could not be collected' })]);
    expect(fake.mainThreadBlocked()).toBe(false);
    const w = fake.BrowserWindow.instances[0]!;
    w.loseFocus();
    await new Promise((r) => setTimeout(r, 300));
    tray.press();
    expect(w.visible).toBe(true);
  });

  it('a bug in a handler is told in a message box that does not block the app', async () => {
    await launch();
    const tray = fake.Tray.instances[0]!;
    tray.on('click', () => {
      throw new Error('a handler that fails');
    });
    tray.press();
    expect(fake.dialog.errors).toEqual([]);
    expect(fake.mainThreadBlocked()).toBe(false);
    expect(fake.dialog.messageBoxes).toEqual([expect.objectContaining({ type: 'error', message: 'Ragnatramp Tray met an unexpected error', detail: expect.stringContaining('a handler that fails') })]);
    tray.press(); // the same failure again is not told again
    expect(fake.dialog.messageBoxes).toHaveLength(1);
  });

  it('a handler that throws something other than an Error is told too, not a crash of the handler itself', async () => {
    await launch();
    const tray = fake.Tray.instances[0]!;
    tray.on('click', () => {
      throw 'a bare string';
    });
    tray.press();
    expect(fake.dialog.errors).toEqual([]);
    expect(fake.dialog.messageBoxes).toEqual([expect.objectContaining({ type: 'error', detail: expect.stringContaining('a bare string') })]);
  });

  it("quit destroys the tray and stops the summary's clock (which keeps the tooltip's \"2 min ago\" true) first", async () => {
    const handles: unknown[] = [];
    const real = globalThis.setInterval;
    const spy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms: number) => {
      const h = real(fn, ms);
      if (ms === 15_000) handles.push(h);
      return h;
    }) as typeof setInterval);
    await launch();
    spy.mockRestore();
    const cleared = vi.spyOn(globalThis, 'clearInterval');
    const tray = fake.Tray.instances[0]!;
    fake.app.quit();
    expect(tray.isDestroyed()).toBe(true);
    expect(handles).toHaveLength(1);
    expect(cleared).toHaveBeenCalledWith(handles[0]);
    cleared.mockRestore();
  });
});
