// The fake Electron's windows: BrowserWindow with its WebContents (which loads asynchronously
// and drops messages sent before the page loaded, as Chromium does) and the screen module. Part
// of fake-electron.ts, which cites the documented behaviour each fake follows.

import { EventEmitter } from 'node:events';
import { assertReady, electronEvent } from './fake-electron-ready.js';

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

export const screen = {
  display: { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } },
  getDisplayMatching: () => {
    assertReady('screen');
    return screen.display;
  },
};

export function resetWindows(): void {
  BrowserWindow.instances = [];
  screen.display = { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
}
