// The tray icon: its colour follows the app's health, its tooltip is the one-line summary, a
// left click toggles the window, a right click opens the menu.

import path from 'node:path';
import { Menu, nativeImage, Tray } from 'electron';
import type { AppState } from '../contract/api.js';
import { TRAY_ICON, trayMenuTemplate, type TrayActions } from './tray-menu.js';

export class TrayUi {
  private readonly tray: Tray;
  private last: { icon: string; tooltip: string; menuKey: string } = { icon: '', tooltip: '', menuKey: '' };

  constructor(
    private readonly assetsDir: string,
    private readonly actions: TrayActions,
    onClick: (bounds: Electron.Rectangle) => void,
  ) {
    this.tray = new Tray(nativeImage.createFromPath(path.join(assetsDir, TRAY_ICON.good)));
    this.tray.on('click', (_event, bounds) => onClick(bounds));
  }

  update(state: AppState): void {
    const icon = TRAY_ICON[state.health];
    if (icon !== this.last.icon) this.tray.setImage(nativeImage.createFromPath(path.join(this.assetsDir, icon)));
    const tooltip = `Ragnatramp Tray\n${state.summary}`;
    if (tooltip !== this.last.tooltip) this.tray.setToolTip(tooltip);
    const menuKey = `${state.paused}|${state.busy}|${state.projects.length > 0}`;
    if (menuKey !== this.last.menuKey) this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, this.actions)));
    this.last = { icon, tooltip, menuKey };
  }

  bounds(): Electron.Rectangle {
    return this.tray.getBounds();
  }

  destroy(): void {
    this.tray.destroy();
  }
}
