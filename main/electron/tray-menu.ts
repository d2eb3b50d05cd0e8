// The tray's right-click menu and its look for each health state. The template is plain data,
// so the menu is tested without Electron.

import type { MenuItemConstructorOptions } from 'electron';
import type { AppState, Health, View } from '../contract/api.js';

export interface TrayActions {
  reconcileNow(): void;
  show(view: View): void;
  setPaused(paused: boolean): void;
  quit(): void;
}

export function trayMenuTemplate(state: Pick<AppState, 'paused' | 'busy' | 'projects'>, actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: state.busy === 'reconciling' ? 'Reconciling…' : 'Reconcile now', enabled: state.busy !== 'reconciling' && state.projects.length > 0, click: () => actions.reconcileNow() },
    { label: 'Open', click: () => actions.show('vms') },
    { label: 'Diagnostics', click: () => actions.show('diagnostics') },
    { label: 'Pause watching', type: 'checkbox', checked: state.paused, click: () => actions.setPaused(!state.paused) },
    { label: 'Settings', click: () => actions.show('settings') },
    { type: 'separator' },
    { label: 'Quit Ragnatramp Tray', role: 'quit', click: () => actions.quit() },
  ];
}

export const TRAY_ICON: Record<Health, string> = { good: 'tray-good.png', attention: 'tray-attention.png', error: 'tray-error.png', working: 'tray-working.png' };
