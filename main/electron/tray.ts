// The tray icon: its colour follows the app's health, its tooltip is the summary and the problem count, a
// left click toggles the window, a double-click opens it, a right click opens the menu; on macOS
// a click opens the menu, as in every menu-bar app, and the window opens from it. Icon and menu
// are rebuilt only when what they show changed (a watch pass changes neither).

import path from 'node:path';
import { Menu, nativeImage, Tray, type NativeImage } from 'electron';
import type { AppState } from '../../contract/api.js';
import { trayIconFile, trayMenuKey, trayMenuTemplate, trayTooltip, type TrayActions } from './tray-menu.js';

/**
 * On macOS the status item's autosaveName: the icon keeps the place the user dragged it to across
 * launches (docs/api/tray.md:90; electron_api_tray.cc:62-63). Not on Windows, where an unsigned
 * build's guid is bound to the .exe's path and a moved app can no longer create its icon (:86).
 */
export const MAC_TRAY_GUID = '5f0b8e3a-6c1d-4f7e-9a2b-3d4c5e6f7a81';

export class TrayUi {
  private readonly tray: Tray;
  private last: { icon: string; tooltip: string; menuKey: string } = { icon: '', tooltip: '', menuKey: '' };

  constructor(
    private readonly assetsDir: string,
    private readonly actions: TrayActions,
    /** A left click toggles, a double-click shows. */
    onClick: (bounds: Electron.Rectangle, kind: 'click' | 'double-click') => void,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.last.icon = trayIconFile('good', platform);
    this.tray = platform === 'darwin' ? new Tray(this.image(this.last.icon), MAC_TRAY_GUID) : new Tray(this.image(this.last.icon));
    // Cocoa emits 'click' and then pops the menu up (tray_icon_cocoa.mm:228-232): a window opened
    // on that click would open under the menu. On macOS the menu's Open item opens it.
    if (platform === 'darwin') return;
    this.tray.on('click', (_event, bounds) => onClick(bounds, 'click'));
    // On Windows a double-click's first press emits 'click' (and toggles) and its second only
    // 'double-click', after that press took the focus from the window (which hid): show it.
    this.tray.on('double-click', (_event, bounds) => onClick(bounds, 'double-click'));
  }

  // A missing file gives an empty image and an invisible tray icon, without an error
  // (Electron docs, nativeImage.createFromPath: "If the path ... does not exist ... an empty
  // image is returned"): say which file instead.
  private image(file: string): NativeImage {
    const image = nativeImage.createFromPath(path.join(this.assetsDir, file));
    if (image.isEmpty()) throw new Error(`The tray icon ${path.join(this.assetsDir, file)} is missing or unreadable; reinstall Ragnatramp Tray.`);
    return image;
  }

  update(state: AppState): void {
    if (this.tray.isDestroyed()) return; // after quit began: a destroyed Tray throws
    const icon = trayIconFile(state.health, this.platform);
    if (icon !== this.last.icon) this.tray.setImage(this.image(icon));
    const tooltip = trayTooltip(state);
    if (tooltip !== this.last.tooltip) this.tray.setToolTip(tooltip);
    const menuKey = trayMenuKey(state);
    if (menuKey !== this.last.menuKey) this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, this.actions, this.platform)));
    this.last = { icon, tooltip, menuKey };
  }

  bounds(): Electron.Rectangle {
    return this.tray.isDestroyed() ? { x: 0, y: 0, width: 0, height: 0 } : this.tray.getBounds();
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}
