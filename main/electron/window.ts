// The compact window: sandboxed, context-isolated, no Node in the renderer. It behaves like a
// tray popover: it opens next to the tray, hides when it loses focus (a window covered by
// another stays "visible" to Electron, so a tray click would otherwise hide what the user
// cannot see) but not to a dialog of its own, closing hides it (only Quit quits). It is shown
// on ready-to-show over the theme's background colour (no white flash), messages sent before
// the page has loaded are queued (Electron drops them), the user's size is kept and capped to
// the work area (the capped size is not the user's), a crashed page is reloaded, and
// navigation and new windows are refused; https links go to the OS browser.

import { BrowserWindow, nativeTheme, screen, shell, type WebContents } from 'electron';
import { errorMessage } from '../engine/errors.js';
import { fitToWorkArea, placeNearTray, type Rect } from './window-placement.js';

const DEFAULT_SIZE = { width: 440, height: 640 };
/** A tray click this soon after a blur-hide is the click that caused the blur: not a toggle. */
export const BLUR_CLICK_MS = 250;
export const BACKGROUND = { dark: '#1e1f22', light: '#ffffff' } as const;
/** A page that crashes this often within RELOAD_WINDOW_MS is not reloaded again until the user opens the window. */
const MAX_RELOADS = 3;
const RELOAD_WINDOW_MS = 60_000;
const MAX_QUEUED = 50;

export class WindowUi {
  private win: BrowserWindow | null = null;
  private quitting = false;
  private loaded = false;
  private ready = false;
  private showWhenReady = false;
  private queued: Array<[string, unknown]> = [];
  private hiddenByBlurAt = -Infinity;
  private size = DEFAULT_SIZE;
  /** The size showAt last gave the window: its 'resize' is ours, not the user's. */
  private applied: { width: number; height: number } | null = null;
  private dialogs = 0;
  private crashes: number[] = [];
  /** The page crashed too often and stays blank until the user opens the window. */
  private gaveUp = false;

  constructor(
    private readonly rendererIndex: string,
    private readonly preload: string,
    private readonly now: () => number = () => performance.now(),
    /** Tells the user what went wrong with the window itself (main: a message box). */
    private readonly report: (message: string) => void = () => undefined,
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
    hardenContents(win.webContents, this.report);
    win.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      win.hide();
    });
    // A dialog of ours is modal to the window and takes the focus (Windows disables its owner):
    // hiding then would leave the user answering a dialog for a window that is gone.
    win.on('blur', () => {
      if (this.quitting || !win.isVisible() || this.dialogs > 0 || !win.isEnabled()) return;
      this.hiddenByBlurAt = this.now();
      win.hide();
    });
    // Electron emits 'resize' for showAt's setBounds too: only another size is the user's
    // (within a pixel: Windows converts between DIPs and pixels with rounding). Once the user
    // resizes, every size is theirs until showAt sets one again, the one it set included.
    win.on('resize', () => {
      const [width = 0, height = 0] = win.getSize();
      const ours = this.applied && Math.abs(width - this.applied.width) <= 1 && Math.abs(height - this.applied.height) <= 1;
      if (!width || !height || ours) return;
      this.applied = null;
      this.size = { width, height };
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
    // Electron leaves a crashed page blank; what is sent meanwhile is lost, so it queues.
    win.webContents.on('render-process-gone', (_event, details) => {
      this.loaded = false;
      if (details.reason !== 'clean-exit') this.rendererGone(win, details.reason);
    });
    this.load(win);
    return win;
  }

  // Electron swallows a failed load's rejection; the page stays blank unless someone says why.
  private load(win: BrowserWindow): void {
    win.loadFile(this.rendererIndex).catch((err: unknown) => this.report(`The window could not load its page (${errorMessage(err)}); reinstall Ragnatramp Tray.`));
  }

  private rendererGone(win: BrowserWindow, reason: string): void {
    const now = this.now();
    this.crashes = [...this.crashes.filter((t) => now - t < RELOAD_WINDOW_MS), now];
    if (this.crashes.length <= MAX_RELOADS) return win.webContents.reload();
    this.gaveUp = true;
    this.report(`The window stopped working (${reason}) ${this.crashes.length} times within a minute and is left blank; open it from the tray icon to try again, or restart Ragnatramp Tray.`);
  }

  get window(): BrowserWindow {
    return (this.win ??= this.create());
  }

  /** Sends to the page now, or as soon as it has loaded. */
  send(channel: string, payload: unknown): void {
    const win = this.window;
    if (win.isDestroyed()) return;
    // A crashed page is known at once; 'render-process-gone' comes later.
    if (this.loaded && !win.webContents.isCrashed()) return win.webContents.send(channel, payload);
    // A page left blank may wait long: the oldest go (a page that loads asks for the state anyway).
    this.queued = [...this.queued.slice(1 - MAX_QUEUED), [channel, payload]];
  }

  toggle(trayBounds: Rect): void {
    const win = this.window;
    if (win.isVisible()) return win.hide();
    if (this.now() - this.hiddenByBlurAt < BLUR_CLICK_MS) return;
    this.showAt(trayBounds);
  }

  showAt(trayBounds: Rect): void {
    const win = this.window;
    if (this.gaveUp) {
      this.gaveUp = false;
      this.crashes = [];
      win.webContents.reload();
    }
    const display = screen.getDisplayMatching(trayBounds);
    const size = fitToWorkArea(this.size, display.workArea);
    const { x, y } = placeNearTray(trayBounds, size, display.bounds, display.workArea);
    this.applied = size;
    win.setBounds({ x, y, ...size });
    if (this.ready) this.reveal(win);
    else this.showWhenReady = true;
  }

  private reveal(win: BrowserWindow): void {
    win.show();
    win.focus();
  }

  /** Runs a dialog modal to the window; the window stays open behind it. */
  async withDialog<T>(run: (win: BrowserWindow) => Promise<T>): Promise<T> {
    this.dialogs++;
    try {
      return await run(this.window);
    } finally {
      this.dialogs--;
    }
  }

  /** Lets the window really close when the app quits. */
  prepareToQuit(): void {
    this.quitting = true;
  }
}

export function hardenContents(contents: WebContents, report: (message: string) => void = () => undefined): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== contents.getURL()) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) shell.openExternal(url).catch((err: unknown) => report(`${url} could not be opened: ${errorMessage(err)}`));
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
