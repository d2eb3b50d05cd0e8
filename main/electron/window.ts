// The compact window: sandboxed, context-isolated, no Node in the renderer; closing hides it
// (only Quit quits); it opens next to the tray; navigation and new windows are refused, and
// https links go to the OS browser.

import { BrowserWindow, screen, shell, type WebContents } from 'electron';
import { placeNearTray, type Rect } from './window-placement.js';

const SIZE = { width: 440, height: 640 };

export class WindowUi {
  private win: BrowserWindow | null = null;
  private quitting = false;

  constructor(
    private readonly rendererIndex: string,
    private readonly preload: string,
  ) {}

  private create(): BrowserWindow {
    const win = new BrowserWindow({
      ...SIZE,
      show: false,
      frame: true,
      resizable: true,
      minimizable: false,
      skipTaskbar: true,
      title: 'Ragnatramp Tray',
      autoHideMenuBar: true,
      webPreferences: { preload: this.preload, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
    });
    hardenContents(win.webContents);
    win.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      win.hide();
    });
    void win.loadFile(this.rendererIndex);
    return win;
  }

  get window(): BrowserWindow {
    return (this.win ??= this.create());
  }

  toggle(trayBounds: Rect): void {
    const win = this.window;
    if (win.isVisible()) return win.hide();
    this.showAt(trayBounds);
  }

  showAt(trayBounds: Rect): void {
    const win = this.window;
    const display = screen.getDisplayMatching(trayBounds);
    win.setPosition(...Object.values(placeNearTray(trayBounds, SIZE, display.bounds, display.workArea)) as [number, number]);
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
