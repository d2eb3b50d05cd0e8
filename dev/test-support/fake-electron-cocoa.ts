// The fake Electron's macOS behaviours (part of fake-electron.ts), each from Electron 45's Cocoa
// code (electron/electron 96f3996d, paths and lines cited per item): login items through
// SMAppService, the application menu as the only route of Cmd+C/V/X/A to a text field, and what
// exists on darwin only. The tests run on Linux and pass the platform in (process.platform set
// per test, as main.ts reads it).

/** SMAppService's four states, as platform_util_mac.mm:195-209 names them. */
export type MacLoginStatus = 'not-registered' | 'enabled' | 'requires-approval' | 'not-found';

/**
 * The app's login item on macOS 13+ (SMAppService.mainAppService, the type Electron defaults to:
 * browser.h:75). getLoginItemSettings: openAtLogin is `status == "enabled"`, wasOpenedAtLogin
 * whether this launch came from a login item (browser_mac.mm:376-395, electron_application_delegate.mm:94),
 * `status` only on macOS and `launchItems` only on Windows (login_item_settings_converter.cc:63-76).
 * setLoginItemSettings reads path and args but uses only openAtLogin, type and serviceName
 * (converter :49-58, browser_mac.mm:397-406): register or unregister, a failure only logged
 * (platform_util_mac.mm:211-222).
 */
export class MacLoginItem {
  status: MacLoginStatus = 'not-registered';
  /** This launch was started by the login item. */
  wasOpenedAtLogin = false;
  /** What registering leads to: 'enabled', or 'requires-approval' while the user has not allowed it in System Settings > Login Items; 'not-found' for an app macOS cannot register (not in /Applications, unsigned). */
  registersAs: MacLoginStatus = 'enabled';
  readonly calls: Array<Record<string, unknown>> = [];

  set(s: { openAtLogin?: boolean; type?: string; serviceName?: string }): void {
    this.calls.push({ ...s });
    // "'name' is required when type is not mainAppService" (browser_mac.mm:398-402).
    if (s.type !== undefined && s.type !== 'mainAppService' && !s.serviceName) throw new TypeError("'name' is required when type is not mainAppService");
    this.status = s.openAtLogin ? this.registersAs : 'not-registered';
  }

  get(): { openAtLogin: boolean; wasOpenedAtLogin: boolean; status: MacLoginStatus; executableWillLaunchAtLogin: boolean } {
    return { openAtLogin: this.status === 'enabled', wasOpenedAtLogin: this.wasOpenedAtLogin, status: this.status, executableWillLaunchAtLogin: false };
  }

  /** The user allows (or refuses) the app in System Settings > General > Login Items. */
  approveInSystemSettings(allowed: boolean): void {
    if (this.status === 'requires-approval' || this.status === 'enabled') this.status = allowed ? 'enabled' : 'requires-approval';
    this.registersAs = allowed ? 'enabled' : 'requires-approval';
  }
}

type Template = Array<Record<string, unknown>>;

// The roles Electron expands (lib/browser/api/menu-item-roles.ts): editMenu's items (:287-319)
// and the accelerators of the edit roles (copy :80-84, cut :86-90, paste :127-131, selectAll
// :174-178, undo :221-225, redo :153-157).
const EDIT_MENU_ROLES = ['undo', 'redo', 'cut', 'copy', 'paste', 'pasteandmatchstyle', 'delete', 'selectall'];
const ROLE_KEYS: Record<string, string> = { copy: 'CommandOrControl+C', cut: 'CommandOrControl+X', paste: 'CommandOrControl+V', selectall: 'CommandOrControl+A', undo: 'CommandOrControl+Z', redo: 'Shift+CommandOrControl+Z' };

function rolesIn(template: Template): string[] {
  return template.flatMap((item) => {
    const role = typeof item.role === 'string' ? item.role.toLowerCase() : null;
    if (role === 'editmenu') return EDIT_MENU_ROLES;
    return [...(role ? [role] : []), ...(Array.isArray(item.submenu) ? rolesIn(item.submenu as Template) : [])];
  });
}

/**
 * Whether Cmd+<key> (or Ctrl on Windows and Linux) does its edit action in a focused text field.
 * On macOS the key reaches the field only as a key equivalent of an application menu item that
 * has the role (Cocoa routes Cmd+V through the main menu: electron/electron#49807,
 * "Menu.setApplicationMenu(null) blocks keyboard shortcuts CMD+A, CMD+C, CMD+X, CMD+V on macOS",
 * and #3787); elsewhere Chromium's text field handles Ctrl+C/V/X/A itself.
 */
export function editShortcutWorks(accelerator: string, applicationMenu: { template: Template } | null | undefined, platform: NodeJS.Platform): boolean {
  if (platform !== 'darwin') return true;
  // No menu set at all: Electron builds its default one, with an Edit menu (docs/api/menu.md:47-49).
  if (applicationMenu === undefined) return true;
  if (applicationMenu === null) return false;
  return rolesIn(applicationMenu.template).some((role) => ROLE_KEYS[role] === accelerator);
}
