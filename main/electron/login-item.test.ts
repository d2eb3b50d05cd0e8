// Launch at login against the fake electron's Run and StartupApproved values, with the installed
// app's real kind of path: "...\Ragnatramp Tray.exe" holds a space, which Electron's launchItems
// lookup splits on unless the path is quoted (electron/electron#53911).
import { describe, expect, it } from 'vitest';
import { LoginItemRegistry } from '../../dev/test-support/fake-electron-login-items.js';
import { DISABLED_IN_TASK_MANAGER, launchesAtLogin, loginItemTarget, setLaunchAtLogin, type LoginItems } from './login-item.js';

const APP_ID = 'io.github.ragnatramp.tray';
const EXE = 'C:\\Users\\Ada Lovelace\\AppData\\Local\\Programs\\ragnatramp-tray\\Ragnatramp Tray.exe';

function electronApp(): LoginItems & { registry: LoginItemRegistry } {
  const registry = new LoginItemRegistry(() => APP_ID, () => EXE);
  return { registry, getLoginItemSettings: (o) => registry.get(o), setLoginItemSettings: (s) => registry.set(s) };
}

describe('launch at login, installed under a path with spaces', () => {
  it("reads Task Manager's Disabled as off and does not switch it back on", () => {
    const app = electronApp();
    const target = loginItemTarget({}, EXE);
    setLaunchAtLogin(app, target, APP_ID, true);
    expect(launchesAtLogin(app, target, APP_ID)).toBe(true);
    app.registry.setInTaskManager(APP_ID, false);
    expect(launchesAtLogin(app, target, APP_ID)).toBe(false);
    expect(() => setLaunchAtLogin(app, target, APP_ID, true)).toThrow(DISABLED_IN_TASK_MANAGER);
    expect(app.registry.startupApproved.get(APP_ID)).toBe(0x03);
    app.registry.setInTaskManager(APP_ID, true);
    expect(launchesAtLogin(app, target, APP_ID)).toBe(true);
  });
});
