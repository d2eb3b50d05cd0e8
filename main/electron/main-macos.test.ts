// main.ts on macOS, against the fake electron taught Cocoa's behaviour (fake-electron.ts and
// fake-electron-cocoa.ts, each behaviour citing Electron 45's source): a click on the menu-bar
// icon opens the menu (never the window under it), the window opens from the menu's first-class
// item, reopening the running app from Finder shows it, Cmd+C/V/X/A reach the fields, the icon
// is a template image that keeps its place, the login item starts the app hidden and a login
// item waiting for the user's approval is said as such, and a refused notification is said in
// Settings. The platform is passed in (process.platform, which main.ts reads once), so all this
// runs on Linux.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../contract/api.js';
import { REQUIRES_APPROVAL } from './login-item.js';
import { MAC_TRAY_GUID } from './tray.js';

const fake = await vi.hoisted(async () => await import('../../dev/test-support/fake-electron.js'));
vi.mock('electron', () => fake);
vi.mock('electron-store', async () => {
  const Conf = (await import('conf')).default;
  return { default: class extends Conf<Record<string, unknown>> { constructor(o: { name: string; cwd: string; schema: object }) { super({ configName: o.name, cwd: o.cwd, schema: o.schema as never, projectName: 'ragnatramp-tray' }); } } };
});

const saved = { argv: process.argv, env: { ...process.env }, platform: process.platform, resourcesPath: (process as { resourcesPath?: string }).resourcesPath };
let home: string;

beforeEach(() => {
  fake.resetFakeElectron({ ready: false });
  vi.resetModules();
  home = mkdtempSync(path.join(os.tmpdir(), 'rt-main-mac-'));
  process.env.RAGNATRAMP_TRAY_HOME = home;
  Object.defineProperty(process, 'platform', { value: 'darwin' });
});

afterEach(async () => {
  if (fake.Tray.instances.length > 0 && !fake.Tray.instances[0]!.isDestroyed()) {
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

/** A packaged app on a Mac, as launchd starts it (no arguments). */
async function launchPackaged(settings: Record<string, unknown> | null = null): Promise<void> {
  fake.app.isPackaged = true;
  (process as { resourcesPath?: string }).resourcesPath = path.resolve('assets');
  if (settings) writeFileSync(path.join(home, 'settings.json'), JSON.stringify(settings));
  process.argv = [process.execPath];
  await import('./main.js');
  await fake.becomeReady();
  await new Promise((r) => setTimeout(r, 30));
}

const window = () => fake.BrowserWindow.instances[0]!;
const lastState = () => window().webContents.sent.map(([, e]) => e as { type: string; state?: AppState }).filter((e) => e.type === 'state').at(-1)!.state!;
const invoke = (method: string, args: unknown[]) => fake.ipcMain.handlers.get('ragnatramp:invoke')!({ sender: window().webContents, senderFrame: window().webContents.mainFrame }, method, args);

describe('main.ts on macOS', () => {
  it('a click on the menu-bar icon opens its menu and leaves the window alone; "Open Ragnatramp Tray" opens the window', async () => {
    await launchPackaged({ projects: ['/p/ragnatramp.yaml'] });
    window().hide();
    const tray = fake.Tray.instances[0]!;
    tray.press();
    expect(tray.menuPopups).toBe(1);
    expect(window().visible).toBe(false);
    const open = tray.menu!.template.findIndex((i) => i.label === 'Open Ragnatramp Tray');
    expect(open).toBeGreaterThanOrEqual(0);
    tray.menu!.pick(open);
    expect(window().visible).toBe(true);
  });

  it('reopening the running app from Finder or Spotlight shows the window', async () => {
    fake.app.macLoginItem.wasOpenedAtLogin = true;
    await launchPackaged({ projects: ['/p/ragnatramp.yaml'] });
    expect(window().visible).toBe(false);
    fake.reopenFromFinder();
    expect(window().visible).toBe(true);
  });

  it('Cmd+C, Cmd+V, Cmd+X and Cmd+A work in every field (an Edit menu), and no menu offers DevTools', async () => {
    await launchPackaged();
    for (const key of ['CommandOrControl+C', 'CommandOrControl+V', 'CommandOrControl+X', 'CommandOrControl+A'] as const) expect(fake.Menu.editShortcutWorks(key)).toBe(true);
    expect(JSON.stringify(fake.Menu.application!.template)).not.toMatch(/viewMenu|toggleDevTools/);
  });

  it("the icon is a template image for light and dark menu bars, and keeps its place (a guid); no Dock icon", async () => {
    await launchPackaged();
    const tray = fake.Tray.instances[0]!;
    // Nothing watched yet: the idle state's shape (a small dot), drawn like every state's.
    expect(path.basename(tray.image.path)).toBe('tray-idleTemplate.png');
    expect(tray.image.isEmpty()).toBe(false);
    expect(tray.guid).toBe(MAC_TRAY_GUID);
    expect(fake.app.dockHidden).toBe(true);
  });

  it('started by its login item (no --hidden on a Mac): stays in the menu bar', async () => {
    fake.app.macLoginItem.status = 'enabled';
    fake.app.macLoginItem.wasOpenedAtLogin = true;
    await launchPackaged({ projects: ['/p/ragnatramp.yaml'], launchAtLogin: true });
    expect(fake.Tray.instances).toHaveLength(1);
    expect(window().visible).toBe(false);
  });

  it('a login item waiting for approval in System Settings is on, and said as such; switching on registers the app itself', async () => {
    fake.app.macLoginItem.status = 'requires-approval';
    await launchPackaged({ launchAtLogin: true });
    expect(JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')).launchAtLogin).toBe(true);
    expect(lastState().host.notes?.launchAtLogin).toBe(REQUIRES_APPROVAL);
    // Off, then on again: macOS still wants the user's approval.
    fake.app.macLoginItem.registersAs = 'requires-approval';
    expect(await invoke('updateSettings', [{ launchAtLogin: false }])).toMatchObject({ ok: true });
    expect(fake.app.macLoginItem.status).toBe('not-registered');
    expect(await invoke('updateSettings', [{ launchAtLogin: true }])).toMatchObject({ ok: true });
    expect(fake.app.macLoginItem.calls.at(-1)).toEqual({ openAtLogin: true });
    expect(lastState().host.notes?.launchAtLogin).toBe(REQUIRES_APPROVAL);
    // The user allows it: the next start has nothing more to say.
    fake.app.macLoginItem.approveInSystemSettings(true);
    expect(fake.app.getLoginItemSettings().openAtLogin).toBe(true);
  });

  it('a login item macOS cannot register is refused with what to do, and not saved as on', async () => {
    fake.app.macLoginItem.registersAs = 'not-found';
    await launchPackaged();
    expect(await invoke('updateSettings', [{ launchAtLogin: true }])).toMatchObject({ ok: false, message: expect.stringMatching(/move the app to the Applications folder/) });
    expect(JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')).launchAtLogin ?? false).toBe(false);
  });
});
