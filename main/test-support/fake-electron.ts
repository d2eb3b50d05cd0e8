// A stand-in for the `electron` module, for unit-testing the main-process glue in plain Node:
// it records what the glue asks of Electron and lets a test fire Electron's events.

import { EventEmitter } from 'node:events';

export class Tray extends EventEmitter {
  static instances: Tray[] = [];
  image: { path: string };
  tooltip = '';
  menu: { template: Array<Record<string, unknown>> } | null = null;
  imageChanges = 0;
  menuChanges = 0;
  bounds = { x: 1800, y: 1040, width: 24, height: 40 };
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: { path: string }) {
    this.image = image;
    this.imageChanges++;
  }
  setToolTip(text: string) {
    this.tooltip = text;
  }
  setContextMenu(menu: { template: Array<Record<string, unknown>> }) {
    this.menu = menu;
    this.menuChanges++;
  }
  getBounds() {
    return this.bounds;
  }
  destroy() {
    this.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (template: Array<Record<string, unknown>>) => ({ template }) };
export const nativeImage = { createFromPath: (p: string) => ({ path: p }) };

export class Notification extends EventEmitter {
  static supported = true;
  static shown: Notification[] = [];
  static isSupported() {
    return Notification.supported;
  }
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show() {
    Notification.shown.push(this);
  }
}

export class WebContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  url = 'file:///app/dist/renderer/index.html';
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  getURL() {
    return this.url;
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
  position: [number, number] = [0, 0];
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
    super();
    BrowserWindow.instances.push(this);
  }
  loadFile(file: string) {
    this.loaded = file;
    return Promise.resolve();
  }
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
  setPosition(x: number, y: number) {
    this.position = [x, y];
  }
  isDestroyed() {
    return false;
  }
  /** Fires an event the way Electron does, with a preventable event object first. */
  fire(name: string, ...args: unknown[]) {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
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
  getDisplayMatching: () => screen.display,
};

export const shell = {
  opened: [] as string[],
  openExternal: async (url: string) => {
    shell.opened.push(url);
  },
};

export function resetFakeElectron(): void {
  Tray.instances = [];
  Notification.shown = [];
  Notification.supported = true;
  BrowserWindow.instances = [];
  ipcMain.handlers.clear();
  shell.opened = [];
}

export default { Tray, Menu, nativeImage, Notification, BrowserWindow, ipcMain, screen, shell };
