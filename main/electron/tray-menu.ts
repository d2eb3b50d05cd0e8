// The tray's right-click menu and its look for each health state. The template is plain data,
// so the menu is tested without Electron.

import type { MenuItemConstructorOptions } from 'electron';
import type { AppState, Health, View } from '../../contract/api.js';

export interface TrayActions {
  reconcileNow(): void;
  show(view: View): void;
  setPaused(paused: boolean): void;
  collectDiagnostics(): void;
}

export function trayMenuTemplate(state: Pick<AppState, 'paused' | 'busy' | 'projects'>, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: state.busy === 'reconciling' ? 'Reconciling…' : 'Reconcile now', enabled: state.busy !== 'reconciling' && state.projects.length > 0, click: () => actions.reconcileNow() },
    { label: 'Open', click: () => actions.show('vms') },
    { label: 'Diagnostics', click: () => actions.show('diagnostics') },
    { label: 'Pause watching', type: 'checkbox', checked: state.paused, click: () => actions.setPaused(!state.paused) },
    { label: 'Settings', click: () => actions.show('settings') },
    { label: 'Collect diagnostics…', click: () => actions.collectDiagnostics() },
    { type: 'separator' },
    // A `role` item runs the role and never its `click` (Electron docs, MenuItem: "role ... the
    // click property will be ignored"): quitting goes through app.quit() and before-quit.
    { label: 'Quit Ragnatramp Tray', role: 'quit' },
  ];
}

/** What the menu shows depends on these only: rebuild it when they change. */
export function trayMenuKey(state: Pick<AppState, 'paused' | 'busy' | 'projects'>): string {
  return `${state.paused}|${state.busy === 'reconciling'}|${state.projects.length > 0}`;
}

const TRAY_BASE: Record<Health, string> = { good: 'tray-good', attention: 'tray-attention', error: 'tray-error', working: 'tray-working' };

/**
 * The icon file for a health state. Windows builds the tray icon from one bitmap of a PNG (the
 * 1x one: blurry at 125-200 %), but picks the right size from a multi-size .ico; macOS and
 * Linux pick `name@2x.png` beside `name.png` themselves (Electron docs, nativeImage: "High
 * Resolution Image").
 */
export function trayIconFile(health: Health, platform: NodeJS.Platform = process.platform): string {
  return `${TRAY_BASE[health]}.${platform === 'win32' ? 'ico' : 'png'}`;
}
