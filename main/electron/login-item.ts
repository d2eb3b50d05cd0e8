// Launch at login, pointed at the right program, and saying what Windows and macOS will really do. Electron's
// default program is process.execPath: under `npm start` that is bare electron.exe (it would start
// Electron's default app), and for the portable build a temp folder that is deleted when it exits;
// electron-builder's portable launcher names the real .exe in PORTABLE_EXECUTABLE_FILE. Only a
// packaged app on Windows or macOS offers the setting (Electron docs, app.setLoginItemSettings:
// "@platform darwin,win32").
//
// On Windows the switch has two halves (Electron 45, shell/browser/browser_win.cc): the Run value
// (named by the app id, :686-692) and Task Manager's Startup apps switch, the StartupApproved\Run
// value. `openAtLogin` compares the Run value with our path and args only and never looks at
// StartupApproved (:725-730), so it says "on" for an app the user switched off in Task Manager;
// `launchItems[].enabled` is that switch (:240-249). And setLoginItemSettings with `enabled`
// (true by default) deletes the StartupApproved value (:694-695): switching on from the app would
// silently undo the user's choice in Task Manager, which the app therefore never does.

import type { LoginItemSettings, LoginItemSettingsOptions, Settings as ElectronLoginSettings } from 'electron';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItemTarget {
  path: string;
  args: string[];
}

export function loginItemTarget(env: NodeJS.ProcessEnv, execPath: string): LoginItemTarget {
  return { path: env.PORTABLE_EXECUTABLE_FILE || execPath, args: [HIDDEN_FLAG] };
}

export function canLaunchAtLogin(isPackaged: boolean, platform: NodeJS.Platform): boolean {
  return isPackaged && (platform === 'win32' || platform === 'darwin');
}

export interface LoginItems {
  getLoginItemSettings(options?: LoginItemSettingsOptions): Pick<LoginItemSettings, 'openAtLogin'> & { launchItems?: Array<Pick<LoginItemSettings['launchItems'][number], 'name' | 'scope' | 'enabled'>> };
  setLoginItemSettings(settings: ElectronLoginSettings): void;
}

/**
 * Task Manager's entry for our Run value (Windows only: macOS has no launchItems). Electron finds
 * the entries by the program of `path` read as a command line (browser_win.cc:191-201), so an
 * unquoted "...\Ragnatramp Tray.exe" would be looked up as "...\Ragnatramp" and match nothing
 * (electron/electron#53911): the path goes quoted, which openAtLogin's comparison strips again (:161-164).
 */
function ourLaunchItem(items: LoginItems, target: LoginItemTarget, runValueName: string) {
  return items.getLoginItemSettings({ ...target, path: `"${target.path}"` }).launchItems?.find((i) => i.name === runValueName && i.scope === 'user');
}

/** Whether the OS will start this program at the next sign-in: registered for it, and not switched off in Task Manager. */
export function launchesAtLogin(items: LoginItems, target: LoginItemTarget, runValueName: string): boolean {
  if (!items.getLoginItemSettings(target).openAtLogin) return false;
  return ourLaunchItem(items, target, runValueName)?.enabled ?? true;
}

export const DISABLED_IN_TASK_MANAGER =
  "Windows has Ragnatramp Tray's start at sign-in switched off in Task Manager. Switch it on there (Task Manager > Startup apps, or Settings > Apps > Startup); the app leaves that choice to you.";

/** Registers or removes the program; switching on never overrides Task Manager's "Disabled" (throws with what to do instead). */
export function setLaunchAtLogin(items: LoginItems, target: LoginItemTarget, runValueName: string, enabled: boolean): void {
  if (!enabled) return items.setLoginItemSettings({ ...target, openAtLogin: false });
  if (ourLaunchItem(items, target, runValueName)?.enabled === false) throw new Error(DISABLED_IN_TASK_MANAGER);
  items.setLoginItemSettings({ ...target, openAtLogin: true });
}

// macOS (Electron 45 on macOS 13+, shell/browser/browser_mac.mm:376-406): the login item is the
// app bundle itself, registered with SMAppService; `path` and `args` are read but never used
// (login_item_settings_converter.cc:49-58), so a login launch carries no --hidden: Electron says
// instead whether this launch came from the login item (`wasOpenedAtLogin`, set by the app
// delegate, electron_application_delegate.mm:94). `openAtLogin` is true only for the "enabled"
// status; a registered item the user has not yet allowed in System Settings is
// "requires-approval" (platform_util_mac.mm:195-209): it is on, waiting for the user, and the
// app says so rather than reading it as off. Registering can fail without an error to the caller
// (only logged, platform_util_mac.mm:211-222), so the status is read back.

export type MacLoginStatus = 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';

export interface MacLoginItems {
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin?: boolean; status?: string };
  setLoginItemSettings(settings: { openAtLogin: boolean }): void;
}

export const REQUIRES_APPROVAL =
  'macOS is waiting for you to allow Ragnatramp Tray to open at login: System Settings > General > Login Items (Open at Login / Allow in the Background).';
const NOT_FOUND = "macOS reports Ragnatramp Tray's login item as not found: move the app to the Applications folder, open it from there, then switch this on again.";

/** Whether the Mac will start the app at login (or will once the user allows it), and what to say. */
export function macLoginState(items: MacLoginItems): { on: boolean; note: string | null } {
  const status = items.getLoginItemSettings().status as MacLoginStatus | undefined;
  if (status === 'requires-approval') return { on: true, note: REQUIRES_APPROVAL };
  if (status === 'not-found') return { on: false, note: NOT_FOUND };
  return { on: status === 'enabled', note: null };
}

/** Registers or removes the login item and reads back what macOS made of it; a registration macOS refused throws with what to do. */
export function setMacLaunchAtLogin(items: MacLoginItems, enabled: boolean): { on: boolean; note: string | null } {
  items.setLoginItemSettings({ openAtLogin: enabled });
  const state = macLoginState(items);
  if (enabled && !state.on) throw new Error(state.note ?? 'macOS did not register Ragnatramp Tray as a login item; see Console.app for "Unable to set login item".');
  return state;
}

/** This launch came from the login item (macOS): start in the menu bar, as --hidden does on Windows. */
export function openedAtLogin(items: MacLoginItems): boolean {
  return items.getLoginItemSettings().wasOpenedAtLogin === true;
}
