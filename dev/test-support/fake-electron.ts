// A stand-in for the `electron` module, for testing the main-process glue (main.ts included)
// in plain Node. It records what the glue asks of Electron, lets a test fire Electron's events,
// and fails where real Electron fails, each modelled on Electron 45's documented behaviour
// (https://www.electronjs.org/docs/latest/api/…, cited per item): a fake kinder than the real
// thing once hid defects that met the first real user.

import { EventEmitter } from 'node:events';
import { existsSync, statSync } from 'node:fs';

type Template = Array<Record<string, unknown>>;

let ready = false;
let resolveReady: () => void = () => undefined;
let readyPromise = new Promise<void>((r) => (resolveReady = r));

/** Electron's Event: preventable, passed first to listeners. */
function electronEvent(extra: Record<string, unknown> = {}) {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; }, ...extra };
}

export const app = Object.assign(new EventEmitter(), {
  isPackaged: false,
  name: 'Electron',
  lockGranted: true,
  paths: new Map<string, string>([['userData', '/fake/userData']]),
  quitCalls: 0,
  exitCode: null as number | null,
  appUserModelId: null as string | null,
  loginItem: { openAtLogin: false, path: '', args: [] as string[] },
  dock: undefined as { hide(): void } | undefined,
  requestSingleInstanceLock() {
    return app.lockGranted;
  },
  whenReady() {
    return readyPromise;
  },
  isReady() {
    return ready;
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
    app.appUserModelId = id;
  },
  setLoginItemSettings(s: { openAtLogin: boolean; path?: string; args?: string[] }) {
    app.loginItem = { openAtLogin: s.openAtLogin, path: s.path ?? process.execPath, args: s.args ?? [] };
  },
  // Windows compares path and args with the registered entry (docs, app.getLoginItemSettings).
  getLoginItemSettings(o: { path?: string; args?: string[] } = {}) {
    const same = (o.path ?? process.execPath) === app.loginItem.path && JSON.stringify(o.args ?? []) === JSON.stringify(app.loginItem.args);
    return { openAtLogin: same && app.loginItem.openAtLogin };
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

/** Fires 'ready': what Electron does once it has initialized. */
export async function becomeReady(): Promise<void> {
  ready = true;
  resolveReady();
  app.emit('ready');
  await new Promise((r) => setImmediate(r));
}

function assertReady(what: string) {
  // "You cannot use this module until the ready event of the app module is emitted" (docs, Tray,
  // BrowserWindow, Notification, screen).
  if (!ready) throw new Error(`${what} cannot be used before the app is ready`);
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
  private destroyed = false;
  constructor(image: NativeImage) {
    super();
    assertReady('Tray');
    this.image = image;
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
}

export class FakeMenu {
  constructor(readonly template: Template) {}
  /** The user picks item `index`: a `role` item performs its role and ignores `click` (docs, MenuItem). */
  pick(index: number) {
    const item = this.template[index]!;
    if (item.role === 'quit') return app.quit();
    if (item.role) return;
    (item.click as (() => void) | undefined)?.();
  }
}

export const Menu = {
  application: undefined as FakeMenu | null | undefined,
  buildFromTemplate: (template: Template) => new FakeMenu(template),
  setApplicationMenu(menu: FakeMenu | null) {
    Menu.application = menu;
  },
};

export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static activationHandler: ((details: { type: string; arguments: string }) => void) | null = null;
  static isSupported() {
    return Notification.supported;
  }
  static handleActivation(callback: (details: { type: string; arguments: string }) => void) {
    Notification.activationHandler = callback;
  }
  constructor(readonly options: { title: string; body: string; silent?: boolean }) {
    super();
    assertReady('Notification');
  }
  show() {
    Notification.shown.push(this);
  }
}

export const nativeTheme = { shouldUseDarkColors: false };
export const powerMonitor = new EventEmitter();

export const dialog = {
  errors: [] as Array<[string, string]>,
  showErrorBox(title: string, content: string) {
    dialog.errors.push([title, content]);
  },
  showOpenDialog: async () => ({ canceled: true, filePaths: [] as string[] }),
};

let nextId = 1;

export class WebContents extends EventEmitter {
  readonly id = nextId++;
  sent: Array<[string, unknown]> = [];
  /** Sent before the page loaded: Electron delivers them to no listener, so they are lost. */
  dropped: Array<[string, unknown]> = [];
  loaded = false;
  url = 'file:///C:/app/dist/renderer/index.html';
  mainFrame = { processId: 4, routingId: nextId++, url: this.url, parent: null };
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, payload: unknown) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    (this.loaded ? this.sent : this.dropped).push([channel, payload]);
  }
  getURL() {
    return this.url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static instances: BrowserWindow[] = [];
  static getAllWindows() {
    return BrowserWindow.instances;
  }
  webContents = new WebContents();
  visible = false;
  bounds = { x: 0, y: 0, width: 0, height: 0 };
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
    super();
    assertReady('BrowserWindow');
    this.bounds = { x: 0, y: 0, width: Number(options.width ?? 800), height: Number(options.height ?? 600) };
    BrowserWindow.instances.push(this);
  }
  /** Loads asynchronously, as Chromium does: did-start-loading, then did-finish-load and ready-to-show. */
  loadFile(file: string) {
    this.loaded = file;
    this.webContents.emit('did-start-loading');
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        this.webContents.loaded = true;
        this.webContents.emit('did-finish-load');
        this.emit('ready-to-show');
        resolve();
      }, 5),
    );
  }
  // A window covered by another is still visible: isVisible() says nothing of being on top
  // (docs, BrowserWindow.isVisible; only hide/minimize change it).
  isVisible() {
    return this.visible;
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  setBounds(b: { x: number; y: number; width: number; height: number }) {
    this.bounds = { ...b };
  }
  getSize(): [number, number] {
    return [this.bounds.width, this.bounds.height];
  }
  get position(): [number, number] {
    return [this.bounds.x, this.bounds.y];
  }
  /** The user drags the window's edge. */
  userResize(width: number, height: number) {
    this.bounds = { ...this.bounds, width, height };
    this.emit('resize');
  }
  isDestroyed() {
    return false;
  }
  /** Fires an event the way Electron does, with a preventable event object first. */
  fire(name: string, ...args: unknown[]) {
    const event = electronEvent();
    this.emit(name, event, ...args);
    return event;
  }
}

export const ipcMain = {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle(channel: string, handler: (...args: unknown[]) => unknown) {
    ipcMain.handlers.set(channel, handler);
  },
};

export const screen = {
  display: { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } },
  getDisplayMatching: () => {
    assertReady('screen');
    return screen.display;
  },
};

export const shell = {
  opened: [] as string[],
  revealed: [] as string[],
  openExternal: async (url: string) => {
    shell.opened.push(url);
  },
  showItemInFolder: (file: string) => {
    shell.revealed.push(file);
  },
};

export function resetFakeElectron(options: { ready?: boolean } = {}): void {
  ready = false;
  readyPromise = new Promise<void>((r) => (resolveReady = r));
  if (options.ready ?? true) {
    ready = true;
    resolveReady();
  }
  app.removeAllListeners();
  Object.assign(app, { isPackaged: false, name: 'Electron', lockGranted: true, quitCalls: 0, exitCode: null, appUserModelId: null, loginItem: { openAtLogin: false, path: '', args: [] } });
  app.paths = new Map([['userData', '/fake/userData']]);
  Tray.instances = [];
  Notification.shown = [];
  Notification.supported = true;
  Notification.activationHandler = null;
  BrowserWindow.instances = [];
  ipcMain.handlers.clear();
  shell.opened = [];
  shell.revealed = [];
  dialog.errors = [];
  Menu.application = undefined;
  nativeTheme.shouldUseDarkColors = false;
  powerMonitor.removeAllListeners();
  screen.display = { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
}

export default { app, Tray, Menu, nativeImage, nativeTheme, Notification, BrowserWindow, ipcMain, screen, shell, dialog, powerMonitor };
