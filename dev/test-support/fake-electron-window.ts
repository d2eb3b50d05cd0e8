// The fake Electron's windows: BrowserWindow with its WebContents (which loads asynchronously,
// drops messages sent before the page loaded or after its renderer crashed, as Chromium does)
// and the screen module; the focus moves as on Windows (a modal dialog takes it from its
// parent). Part of fake-electron.ts; each behaviour cites the document or source line it follows.

import { EventEmitter } from 'node:events';
import { assertReady, electronEvent, fromNative } from './fake-electron-ready.js';

let nextId = 1;
const later = (run: () => void) => setImmediate(() => fromNative(run));

/**
 * Files that fail to load, as Chromium reports them: file → [errorCode, errorDescription]. Other
 * files load whether they exist or not (tests run before the renderer is built).
 */
export const loadFailures = new Map<string, [number, string]>();

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
  /** The renderer process is gone: the page is blank until a reload. */
  crashed = false;
  reloads = 0;
  file: string | null = null;
  /** Called after each load that finished (the window's ready-to-show). */
  onLoaded: () => void = () => undefined;
  send(channel: string, payload: unknown) {
    if (this.destroyed) throw new Error('Object has been destroyed');
    (this.loaded && !this.crashed ? this.sent : this.dropped).push([channel, payload]);
  }
  /**
   * Loads asynchronously, as Chromium does: did-start-loading, then did-finish-load, or
   * did-fail-load and a rejected promise (ERR_FILE_NOT_FOUND …). Electron attaches a no-op catch to
   * that promise (lib/browser/api/web-contents.ts:371-376), so an unawaited failure is silent.
   */
  load(file: string): Promise<void> {
    this.file = file;
    this.loaded = false;
    this.crashed = false;
    this.emit('did-start-loading');
    const p = new Promise<void>((resolve, reject) =>
      later(() => {
        const failure = loadFailures.get(file);
        if (failure) {
          this.emit('did-fail-load', electronEvent(), failure[0], failure[1], file, true);
          return reject(Object.assign(new Error(`${failure[1]} (${failure[0]}) loading '${file}'`), { errno: failure[0], code: failure[1] }));
        }
        this.loaded = true;
        this.emit('did-finish-load');
        this.onLoaded();
        resolve();
      }),
    );
    p.catch(() => undefined);
    return p;
  }
  // True from the moment the process died, before 'render-process-gone' arrives
  // (electron_api_web_contents.cc:3233-3234, Chromium's WebContents::IsCrashed).
  isCrashed() {
    return this.crashed;
  }
  reload() {
    this.reloads++;
    if (this.file) void this.load(this.file);
  }
  /**
   * The renderer process dies: the page goes blank and nothing reloads it. Electron posts
   * 'render-process-gone' as a task (electron_api_web_contents.cc:2199-2219).
   */
  crash(reason: 'crashed' | 'killed' | 'oom' | 'clean-exit' = 'crashed') {
    this.crashed = true;
    this.loaded = false;
    later(() => this.emit('render-process-gone', electronEvent(), { reason, exitCode: reason === 'clean-exit' ? 0 : -1073741819 }));
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
  /** The window with the keyboard focus (Windows' active window), if one of the app's. */
  static focused: BrowserWindow | null = null;
  static getAllWindows() {
    return BrowserWindow.instances;
  }
  webContents = new WebContents();
  visible = false;
  enabled = true;
  bounds = { x: 0, y: 0, width: 0, height: 0 };
  loaded: string | null = null;
  constructor(readonly options: Record<string, unknown> & { webPreferences: Record<string, unknown> }) {
    super();
    assertReady('BrowserWindow');
    this.bounds = { x: 0, y: 0, width: Number(options.width ?? 800), height: Number(options.height ?? 600) };
    this.webContents.onLoaded = () => this.emit('ready-to-show');
    BrowserWindow.instances.push(this);
  }
  /** Loads asynchronously (WebContents.load): ready-to-show once the page has loaded. */
  loadFile(file: string) {
    this.loaded = file;
    return this.webContents.load(file);
  }
  // A window covered by another is still visible: isVisible() says nothing of being on top
  // (docs, BrowserWindow.isVisible; only hide/minimize change it).
  isVisible() {
    return this.visible;
  }
  // show(): "Shows and gives focus to the window" (docs, BrowserWindow.show).
  show() {
    this.visible = true;
    this.focus();
  }
  // Hiding the active window deactivates it: 'blur'.
  hide() {
    this.visible = false;
    this.loseFocus();
  }
  /** A disabled window (the owner of a modal dialog) takes no focus (Win32 EnableWindow). */
  focus() {
    if (!this.visible || !this.enabled || BrowserWindow.focused === this) return;
    BrowserWindow.focused?.loseFocus();
    BrowserWindow.focused = this;
    this.emit('focus', electronEvent());
  }
  isFocused() {
    return BrowserWindow.focused === this;
  }
  /** Another window (or the taskbar, or a dialog) becomes the active one. */
  loseFocus() {
    if (BrowserWindow.focused !== this) return;
    BrowserWindow.focused = null;
    this.emit('blur', electronEvent());
  }
  isEnabled() {
    return this.enabled;
  }
  /**
   * A dialog with this window as parent is modal to it: file_dialog_win.cc:91-100 passes the
   * window's HWND as the owner to IFileDialog::Show, and Windows disables the owner and activates
   * the dialog, so the window loses the focus ('blur'); closing the dialog enables the owner and
   * gives it the focus back. Returns the close.
   */
  openModal(): () => void {
    this.enabled = false;
    this.loseFocus();
    return () => {
      this.enabled = true;
      this.focus();
    };
  }
  // Any change of size, the app's setBounds included, emits 'resize'
  // (native_window_views.cc:1914-1943, OnWidgetBoundsChanged → NotifyWindowResize).
  setBounds(b: { x: number; y: number; width: number; height: number }) {
    const resized = b.width !== this.bounds.width || b.height !== this.bounds.height;
    this.bounds = { ...b };
    if (resized) this.emit('resize', electronEvent());
  }
  getSize(): [number, number] {
    return [this.bounds.width, this.bounds.height];
  }
  get position(): [number, number] {
    return [this.bounds.x, this.bounds.y];
  }
  /**
   * The user drags the window's edge: will-resize (WM_SIZING, native_window_views_win.cc:366-372),
   * resize, then resized (WM_EXITSIZEMOVE, :386-388).
   */
  userResize(width: number, height: number) {
    if (this.fire('will-resize', { ...this.bounds, width, height }, { edge: 'bottom-right' }).defaultPrevented) return;
    this.bounds = { ...this.bounds, width, height };
    this.emit('resize', electronEvent());
    this.emit('resized', electronEvent());
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
  BrowserWindow.focused = null;
  loadFailures.clear();
  screen.display = { bounds: { x: 0, y: 0, width: 1920, height: 1080 }, workArea: { x: 0, y: 0, width: 1920, height: 1040 } };
}
