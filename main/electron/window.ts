// The compact window: sandboxed, context-isolated, no Node in the renderer. It behaves like a
// tray popover: it opens next to the tray, hides when it loses focus (a window covered by
// another stays "visible" to Electron, so a tray click would otherwise hide what the user
// cannot see), closing hides it (only Quit quits). It is shown on ready-to-show over the
// theme's background colour (no white flash), messages sent before the page has loaded are
// queued (Electron drops them), the user's size is kept and capped to the work area, and
// navigation and new windows are refused; https links go to the OS browser.

import { BrowserWindow, nativeTheme, screen, shell, type WebContents } from 'electron';
import { fitToWorkArea, placeNearTray, type Rect } from './window-placement.js';

const DEFAULT_SIZE = { width: 440, height: 640 };
/** A tray click this soon after a blur-hide is the click that caused the blur: not a toggle. */
export const BLUR_CLICK_MS = 250;
export const BACKGROUND = { dark: '#1e1f22', light: '#ffffff' } as const;

export class WindowUi {
  private win: BrowserWindow | null = null;
  private quitting = false;
  private loaded = false;
  private ready = false;
  private showWhenReady = false;
  private queued: Array<[string, unknown]> = [];
  private hiddenByBlurAt = -Infinity;
  private size = DEFAULT_SIZE;

  constructor(
    private readonly rendererIndex: string,
    private readonly preload: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  private create(): BrowserWindow {
    const win = new BrowserWindow({
      ...this.size,
      show: false,
      frame: true,
      resizable: true,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      title: 'Ragnatramp Tray',
      autoHideMenuBar: true,
      backgroundColor: nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light,
      webPreferences: { preload: this.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
    });
    hardenContents(win.webContents);
    win.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      win.hide();
    });
    win.on('blur', () => {
      if (this.quitting || !win.isVisible()) return;
      this.hiddenByBlurAt = this.now();
      win.hide();
    });
    win.on('resize', () => {
      const [width, height] = win.getSize();
      if (width && height) this.size = { width, height };
    });
    win.once('ready-to-show', () => {
      this.ready = true;
      if (this.showWhenReady) this.reveal(win);
    });
    win.webContents.on('did-finish-load', () => {
      this.loaded = true;
      for (const [channel, payload] of this.queued.splice(0)) win.webContents.send(channel, payload);
    });
    // A reload (or a crashed renderer coming back) must queue again until it has loaded.
    win.webContents.on('did-start-loading', () => (this.loaded = false));
    void win.loadFile(this.rendererIndex);
    return win;
  }

  get window(): BrowserWindow {
    return (this.win ??= this.create());
  }

  /** Sends to the page now, or as soon as it has loaded. */
  send(channel: string, payload: unknown): void {
    const win = this.window;
    if (win.isDestroyed()) return;
    if (this.loaded) win.webContents.send(channel, payload);
    else this.queued.push([channel, payload]);
  }

  toggle(trayBounds: Rect): void {
    const win = this.window;
    if (win.isVisible()) return win.hide();
    if (this.now() - this.hiddenByBlurAt < BLUR_CLICK_MS) return;
    this.showAt(trayBounds);
  }

  showAt(trayBounds: Rect): void {
    const win = this.window;
    const display = screen.getDisplayMatching(trayBounds);
    const size = fitToWorkArea(this.size, display.workArea);
    const { x, y } = placeNearTray(trayBounds, size, display.bounds, display.workArea);
    win.setBounds({ x, y, ...size });
    if (this.ready) this.reveal(win);
    else this.showWhenReady = true;
  }

  private reveal(win: BrowserWindow): void {
    win.show();
    win.focus();
  }

  /** Lets the window really close when the app quits. */
  prepareToQuit(): void {
    this.quitting = true;
  }
}

export function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
