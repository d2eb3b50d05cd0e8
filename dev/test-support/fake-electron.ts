// A stand-in for the `electron` module, for testing the main-process glue (main.ts included)
// in plain Node. It records what the glue asks of Electron, lets a test fire Electron's events
// as Windows delivers them, and fails where real Electron fails, each modelled on Electron 45's
// documented behaviour (https://www.electronjs.org/docs/latest/api/…) or its source (paths and
// lines at electron/electron 96f3996d, the v45 nightlies' main), cited per item: a fake kinder
// than the real thing once hid defects that met the first real user.

import { EventEmitter } from 'node:events';
import { existsSync, statSync } from 'node:fs';
import { assertReady, blockMainThread, electronEvent, fromNative, isReady, mainThreadBlocked, markReady, onUncaughtException, resetReady, whenReady } from './fake-electron-ready.js';
import { BrowserWindow, resetWindows, screen } from './fake-electron-window.js';
import { Notification, resetNotifications } from './fake-electron-notification.js';

export { BrowserWindow, loadFailures, screen, WebContents } from './fake-electron-window.js';
export { electronEvent, mainThreadBlocked, Notification };
import { safeStorage, safeStorageControl } from './fake-electron-safe-storage.js';
import { LoginItemRegistry } from './fake-electron-login-items.js';
import { editShortcutWorks, MacLoginItem } from './fake-electron-cocoa.js';
import { resetSession, session } from './fake-electron-session.js';

export { safeStorage, safeStorageControl, session, MacLoginItem };

const darwin = () => process.platform === 'darwin';

/** Electron's Windows-only app methods are not defined elsewhere (electron_api_app.cc:1932-1939, inside BUILDFLAG(IS_WIN)). */
function windowsOnly(name: string): void {
  if (process.platform !== 'win32') throw new TypeError(`app.${name} is not a function`);
}

type Template = Array<Record<string, unknown>>;


export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  name: 'Electron',
  lockGranted: true,
  paths: new Map<string, string>([['userData', '/fake/userData']]),
  quitCalls: 0,
  exitCode: null as number | null,
  appUserModelId: null as string | null,
  toastActivatorCLSID: null as string | null,
  /** HKCU's Run and StartupApproved\Run values (Windows), as browser_win.cc reads and writes them. */
  // Without setAppUserModelId the id is "electron.app.<name>" (shell/common/application_info_win.cc:54-68).
  loginItems: new LoginItemRegistry((): string => app.appUserModelId ?? `electron.app.${app.name}`, () => process.execPath),
  /** The login item on macOS (SMAppService), as fake-electron-cocoa.ts models it. */
  macLoginItem: new MacLoginItem(),
  dockHidden: false,
  /** app.focus calls, with their options. */
  focusCalls: [] as Array<{ steal?: boolean } | undefined>,
  requestSingleInstanceLock() {
    return app.lockGranted;
  },
  whenReady() {
    return whenReady();
  },
  isReady() {
    return isReady();
  },
  getVersion() {
    return '0.1.0';
  },
  setName(name: string) {
    app.name = name;
  },
  getName() {
    return app.name;
  },
  // app.setPath: "If the path specified is not absolute, an Error is thrown" (docs, app.setPath).
  setPath(name: string, value: string) {
    if (!value.startsWith('/') && !/^[A-Za-z]:[\\/]/.test(value)) throw new Error(`Path must be absolute: ${value}`);
    app.paths.set(name, value);
  },
  getPath(name: string) {
    const p = app.paths.get(name);
    if (!p) throw new Error(`Failed to get '${name}' path`);
    return p;
  },
  setAppUserModelId(id: string) {
    windowsOnly('setAppUserModelId');
    app.appUserModelId = id;
  },
  // A CLSID in braces, or one without (braces added); anything else throws "Invalid CLSID format" (electron_api_app.cc:2063-2081).
  setToastActivatorCLSID(id: string) {
    windowsOnly('setToastActivatorCLSID');
    const m = /^\{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?$/.exec(id);
    if (!m || id.startsWith('{') !== id.endsWith('}')) throw new Error('Invalid CLSID format');
    app.toastActivatorCLSID = `{${m[1]!.toUpperCase()}}`;
  },
  setLoginItemSettings(s: { openAtLogin?: boolean; path?: string; args?: string[]; enabled?: boolean; name?: string; type?: string; serviceName?: string }) {
    if (darwin()) return app.macLoginItem.set(s);
    app.loginItems.set(s);
  },
  getLoginItemSettings(o: { path?: string; args?: string[] } = {}) {
    if (darwin()) return app.macLoginItem.get();
    return app.loginItems.get(o);
  },
  /**
   * macOS: activates the app, stealing focus from the active app only with `steal`; any options
   * without a boolean `steal` throw (browser_mac.mm:104-114).
   */
  focus(options?: { steal?: boolean }) {
    if (darwin() && options !== undefined && typeof options.steal !== 'boolean') throw new TypeError("Expected options object to contain a 'steal' boolean property");
    app.focusCalls.push(options);
  },
  quit() {
    app.quitCalls++;
    const e = electronEvent();
    app.emit('before-quit', e);
    if (!e.defaultPrevented) app.emit('will-quit', electronEvent());
  },
  // app.exit: "exits immediately ... without asking the user, and before-quit and will-quit
  // will not be emitted" (docs, app.exit).
  exit(code = 0) {
    app.exitCode = code;
  },
});

// app.dock exists on macOS only (lib/browser/api/app.ts:65-72 wraps it inside `if (process.platform === 'darwin')`).
Object.defineProperty(app, 'dock', {
  get: () => (darwin() ? { hide: () => void (app.dockHidden = true), show: async () => void (app.dockHidden = false) } : undefined),
});

/**
 * The user opens the app again from Finder, Spotlight or the Dock while it runs: macOS starts no
 * second process, it sends the running one a reopen, which Electron emits as 'activate' with
 * whether a window is visible (electron_api_app.cc:614-617; docs/api/app.md:144-153, macOS only).
 */
export function reopenFromFinder(): void {
  if (!darwin()) throw new Error('reopening a running app is a macOS event: on Windows a second start is second-instance');
  fromNative(() => app.emit('activate', electronEvent(), BrowserWindow.instances.some((w) => w.isVisible())));
}

/** Fires 'ready': what Electron does once it has initialized. */
export async function becomeReady(): Promise<void> {
  markReady();
  app.emit('ready');
  await new Promise((r) => setImmediate(r));
}


export class NativeImage {
  constructor(readonly path: string) {}
  // "If the path ... does not exist ... an empty image is returned" (docs, nativeImage.createFromPath).
  isEmpty() {
    return !(this.path && existsSync(this.path) && statSync(this.path).isFile() && statSync(this.path).size > 0);
  }
}
export const nativeImage = { createFromPath: (p: string) => new NativeImage(p) };

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: NativeImage;
  tooltip = '';
  menu: FakeMenu | null = null;
  imageChanges = 0;
  menuChanges = 0;
  bounds = { x: 1800, y: 1040, width: 24, height: 40 };
  /** The guid it was created with: on macOS the status item's autosaveName, which keeps its place in the menu bar (electron_api_tray.cc:58-63, tray_icon_cocoa.mm:70-72). */
  readonly guid: string | null;
  /** How often Cocoa popped its menu up (a click on an icon with a menu, on macOS). */
  menuPopups = 0;
  private destroyed = false;
  constructor(image: NativeImage, guid?: unknown) {
    super();
    assertReady('Tray');
    // A guid that is not a UUID string throws "Invalid GUID format - GUID must be a string" (electron_api_tray.cc:71-80, gin's base::Uuid converter).
    if (guid !== undefined && (typeof guid !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(guid))) throw new Error('Invalid GUID format - GUID must be a string');
    this.image = image;
    this.guid = typeof guid === 'string' ? guid : null;
    Tray.instances.push(this);
  }
  // Calling a destroyed Tray throws "Tray is destroyed" (Electron's gin wrapper, tray.cc).
  private alive() {
    if (this.destroyed) throw new TypeError('Tray is destroyed');
  }
  setImage(image: NativeImage) {
    this.alive();
    this.image = image;
    this.imageChanges++;
  }
  setToolTip(text: string) {
    this.alive();
    this.tooltip = text;
  }
  setContextMenu(menu: FakeMenu) {
    this.alive();
    this.menu = menu;
    this.menuChanges++;
  }
  getBounds() {
    this.alive();
    return this.bounds;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
  /**
   * A left press on the icon, as Windows delivers it. The press makes the taskbar the active
   * window, so a focused window of the app gets 'blur' before the tray's event (seen in Electron
   * tray apps: max-mapper/menubar#274, "the browserWindow's blur event is fired first"). Electron
   * emits 'click' on WM_LBUTTONDOWN, not on release (notify_icon_host.cc:295-311 →
   * notify_icon.cc:71-83); the second press of a double-click arrives as WM_LBUTTONDBLCLK and
   * emits only 'double-click' (notify_icon.cc:77-78).
   */
  press(kind: 'click' | 'double-click' = 'click') {
    if (darwin()) return this.pressOnMac(kind);
    fromNative(() => {
      BrowserWindow.focused?.loseFocus();
      if (this.destroyed) return;
      this.emit(kind, electronEvent(), this.bounds, { x: this.bounds.x + 8, y: this.bounds.y + 8 });
    });
  }
  /**
   * A left press on a macOS status item (tray_icon_cocoa.mm:199-235): with a menu of one item or
   * more, 'click' and then Cocoa pops the menu up at once (`[super mouseDown:]`, :228-232; the
   * mouse-up goes to the menu); without a menu, 'click' on the release (mouseUp, :237-245). The
   * second press of a double-click has clickCount 2 and emits 'double-click' (:179-197).
   */
  private pressOnMac(kind: 'click' | 'double-click') {
    fromNative(() => {
      if (this.destroyed) return;
      if (kind === 'double-click') this.emit('double-click', electronEvent(), this.bounds);
      else this.emit('click', electronEvent(), this.bounds, { x: this.bounds.x + 8, y: this.bounds.y + 8 });
      if (this.menu && this.menu.template.length > 0) this.menuPopups++;
    });
  }
  /** The user double-clicks the icon: 'click' on the first press, then only 'double-click'. */
  doubleClick() {
    this.press('click');
    this.press('double-click');
  }
}

export class FakeMenu {
  constructor(readonly template: Template) {}
  /**
   * The user picks an item, through submenus (`pick(1, 0, 2)`). A `role` item performs its role
   * and ignores `click` (docs, MenuItem); a disabled item cannot be picked ("enabled: If false,
   * the menu item will be greyed out and unclickable"); an item with a submenu only opens it.
   */
  pick(...path: number[]) {
    let items = this.template;
    let item: Record<string, unknown> | undefined;
    for (const [depth, index] of path.entries()) {
      item = items[index];
      if (!item) throw new Error(`no menu item at ${path.slice(0, depth + 1).join(' > ')}`);
      if (item.enabled === false) return;
      if (depth < path.length - 1) {
        if (!Array.isArray(item.submenu)) throw new Error(`menu item '${String(item.label)}' has no submenu`);
        items = item.submenu as Template;
      }
    }
    if (!item || item.submenu) return;
    if (item.role === 'quit') return app.quit();
    if (item.role) return;
    (item.click as (() => void) | undefined)?.();
  }
}

/**
 * The words a user sees for a menu item on a platform: the label; a sublabel and a toolTip only on
 * macOS (docs/api/menu-item.md:35-36; only the Cocoa menu controller reads them,
 * electron_menu_controller.mm:353 and :390).
 */
export function shownText(item: { label?: unknown; sublabel?: unknown; toolTip?: unknown }, platform: NodeJS.Platform): string {
  const parts = [item.label, ...(platform === 'darwin' ? [item.sublabel, item.toolTip] : [])];
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join('\n');
}

export const Menu = {
  application: undefined as FakeMenu | null | undefined,
  /** Whether Cmd+C/V/X/A (Ctrl elsewhere) reaches a focused text field (fake-electron-cocoa.ts). */
  editShortcutWorks(accelerator: 'CommandOrControl+C' | 'CommandOrControl+V' | 'CommandOrControl+X' | 'CommandOrControl+A') {
    return editShortcutWorks(accelerator, Menu.application, process.platform);
  },
  buildFromTemplate: (template: Template) => new FakeMenu(template),
  setApplicationMenu(menu: FakeMenu | null) {
    Menu.application = menu;
  },
};

export const nativeTheme = { shouldUseDarkColors: false };

/** The clipboard works in the main process at any time (docs, clipboard: "Process: Main, Renderer"). */
export const clipboard = {
  text: '',
  writeText(text: string) {
    clipboard.text = text;
  },
};
export const powerMonitor = new EventEmitter();

type OpenResult = { canceled: boolean; filePaths: string[] };

// Every dialog but showErrorBox throws before ready (lib/browser/api/dialog.ts:62-66).
function dialogNeedsReady(): void {
  if (!isReady()) throw new Error('dialog module can only be used after app is ready');
}

export const dialog = {
  errors: [] as Array<[string, string]>,
  messageBoxes: [] as Array<Record<string, unknown>>,
  openDialogs: [] as Array<{ options: Record<string, unknown>; answer(result: OpenResult): void }>,
  /**
   * Blocks the main thread until the user closes the box (message_box_win.cc:349-353: the task
   * dialog runs on the calling thread): no native event reaches JavaScript meanwhile (fromNative).
   */
  showErrorBox(title: string, content: string) {
    dialog.errors.push([title, content]);
    blockMainThread();
  },
  /**
   * Runs on a dialog thread and resolves when closed (message_box_win.cc:298-328); the main thread
   * goes on. With a parent window it is modal to it (the task dialog's hwndParent, :162-165).
   */
  showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    dialogNeedsReady();
    const parent = args[0] instanceof BrowserWindow ? args[0] : null;
    const options = (parent ? args[1] : args[0]) as Record<string, unknown>;
    dialog.messageBoxes.push(options);
    const close = parent?.openModal();
    return new Promise((resolve) =>
      setImmediate(() => {
        close?.();
        resolve({ response: 0, checkboxChecked: false });
      }),
    );
  },
  /**
   * Runs on a dialog thread (file_dialog_win.cc:212-224) and resolves when the user answers (the
   * test calls answer()); with a parent window it is modal to it (BrowserWindow.openModal).
   */
  showOpenDialog(...args: unknown[]): Promise<OpenResult> {
    dialogNeedsReady();
    const parent = args[0] instanceof BrowserWindow ? args[0] : null;
    const options = (parent ? args[1] : args[0]) as Record<string, unknown>;
    const close = parent?.openModal();
    return new Promise((resolve) => {
      const entry = {
        options,
        answer: (result: OpenResult) => {
          dialog.openDialogs.splice(dialog.openDialogs.indexOf(entry), 1);
          close?.();
          resolve(result);
        },
      };
      dialog.openDialogs.push(entry);
    });
  },
};

// Listeners already there when the fake loaded are the test runner's, not the app's.
const runnerListeners = new Set(process.listeners('uncaughtException'));
const appListeners = () => process.listeners('uncaughtException').filter((l) => !runnerListeners.has(l));

// An exception thrown by a listener native code called: Electron's handler shows it in an error box
// (lib/browser/init.ts:23-36), which blocks like any other, unless the app has a handler of its
// own (then Electron's does nothing, :24-27).
onUncaughtException((error) => {
  const own = appListeners();
  if (own.length > 0) return own.forEach((l) => l(error as Error, 'uncaughtException'));
  const e = error as Error;
  dialog.showErrorBox('A JavaScript error occurred in the main process', `Uncaught Exception:\n${e.stack ?? `${e.name}: ${e.message}`}`);
});


export const ipcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle(channel: string, handler: (...args: unknown[]) => unknown) {
    ipcMain.handlers.set(channel, handler);
  },
};


export const shell = {
  opened: [] as string[],
  revealed: [] as string[],
  /** Why Windows refuses to open the next URL (no handler, blocked by policy), or null. */
  openFailure: null as string | null,
  // A refusal rejects the promise with "Failed to open: <Windows' words>" (platform_util_win.cc:261,
  // electron_api_shell.cc:49-54); an unhandled rejection in the main process is only a warning
  // that sets the exit code (electron_browser_main_parts.cc:287-288): the user sees nothing.
  openExternal: async (url: string) => {
    if (shell.openFailure) throw new Error(`Failed to open: ${shell.openFailure}`);
    shell.opened.push(url);
  },
  showItemInFolder: (file: string) => {
    shell.revealed.push(file);
  },
};

export function resetFakeElectron(options: { ready?: boolean } = {}): void {
  resetReady(options.ready ?? true);
  Object.assign(safeStorageControl, { available: true, backend: 'gnome_libsecret', started: Promise.resolve() });
  app.removeAllListeners();
  Object.assign(app, { isPackaged: false, name: 'Electron', lockGranted: true, quitCalls: 0, exitCode: null, appUserModelId: null, toastActivatorCLSID: null });
  app.loginItems = new LoginItemRegistry(() => app.appUserModelId ?? `electron.app.${app.name}`, () => process.execPath);
  app.macLoginItem = new MacLoginItem();
  app.dockHidden = false;
  app.focusCalls = [];
  resetSession();
  app.paths = new Map([['userData', '/fake/userData']]);
  Tray.instances = [];
  resetNotifications();
  resetWindows();
  ipcMain.handlers.clear();
  shell.opened = [];
  shell.revealed = [];
  shell.openFailure = null;
  dialog.errors = [];
  dialog.messageBoxes = [];
  dialog.openDialogs = [];
  Menu.application = undefined;
  nativeTheme.shouldUseDarkColors = false;
  clipboard.text = '';
  powerMonitor.removeAllListeners();
  for (const l of appListeners()) process.off('uncaughtException', l);
}

export default { app, Tray, Menu, nativeImage, nativeTheme, Notification, BrowserWindow, ipcMain, screen, shell, dialog, powerMonitor, clipboard, safeStorage, session };
