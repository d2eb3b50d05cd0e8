// The tray's right-click menu and its look for each health state. The template is plain data,
// so the menu is tested without Electron.

import type { MenuItemConstructorOptions, MessageBoxOptions } from 'electron';
import { POWER_PROGRESS, powerActions, type AppState, type Health, type PowerAction, type View } from '../../contract/api.js';
import { lineText, SYNC_NOW, vmLines } from '../../contract/vm-line.js';

export interface TrayActions {
  reconcileNow(): void;
  show(view: View): void;
  setPaused(paused: boolean): void;
  collectDiagnostics(): void;
  copyIp(ip: string): void;
  openSsh(configPath: string, machineName: string): void;
  reconcileVm(configPath: string, machineName: string): void;
  /** Starts at once; Stop and Restart ask first (powerConfirmation). */
  power(configPath: string, machineName: string, action: PowerAction): void;
}

type MenuState = Pick<AppState, 'paused' | 'busy' | 'projects' | 'simulated' | 'powering'>;

/** The window's lines (contract/vm-line.ts), each with the power actions its VM offers and the one running now. */
function menuVms(state: MenuState) {
  const views = new Map(state.projects.flatMap((p) => p.vms.map((v) => [v.key, v] as const)));
  return vmLines(state).map((line) => ({ ...line, power: powerActions(views.get(line.key)!), powering: state.powering?.[line.key] ?? null }));
}

type MenuVm = ReturnType<typeof menuVms>[number];

const POWER_LABEL: Record<PowerAction, string> = { start: 'Start', stop: 'Stop…', restart: 'Restart…' };

/** A VM's power items: the one running, greyed, or what it offers (none where its provider cannot). */
function powerItems(v: MenuVm, actions: TrayActions): MenuItemConstructorOptions[] {
  if (v.powering) return [{ type: 'separator' }, { label: POWER_PROGRESS[v.powering].replace(/^./, (c) => c.toUpperCase()), enabled: false }];
  if (v.power.length === 0) return [];
  return [{ type: 'separator' }, ...v.power.map((a) => ({ label: POWER_LABEL[a], click: () => actions.power(v.configPath, v.machineName, a) }))];
}

/** The question Stop and Restart ask before anything is sent (Cancel is the default and Escape's answer). */
export function powerConfirmation(machineName: string, action: 'stop' | 'restart'): MessageBoxOptions {
  const verb = action === 'stop' ? 'Stop' : 'Restart';
  return {
    type: 'question',
    title: 'Ragnatramp Tray',
    message: `${verb} ${machineName}?`,
    detail: action === 'stop' ? `${machineName}'s operating system is asked to shut down; unsaved work inside it may be lost.` : `${machineName}'s operating system shuts down and the VM starts again; unsaved work inside it may be lost.`,
    buttons: [verb, 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
}

// A label's "&" would become a Windows access key (Electron docs, MenuItem "label": on Windows
// "&" marks the next letter as the accelerator; "&&" is a literal ampersand).
const literal = (text: string) => text.replace(/&/g, '&&');

export function trayMenuTemplate(state: MenuState, actions: TrayActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const vms = menuVms(state);
  // The glance: one item per VM, the window's line in its words (contract/vm-line.ts); a click
  // copies the address, or opens the window where there is none. The label says so: a toolTip or
  // sublabel shows on macOS only (Electron docs, MenuItem: "toolTip ... macOS", "sublabel ... macOS").
  const glance: MenuItemConstructorOptions[] = vms.map((v) => (v.ipv4 ? { label: literal(`${lineText(v)}  (click to copy)`), click: () => actions.copyIp(v.ipv4!) } : { label: literal(lineText(v)), click: () => actions.show('vms') }));
  const perVm: MenuItemConstructorOptions[] = vms.map((v) => ({
    label: literal(v.label),
    submenu: [
      { label: v.ipv4 ? literal(`Copy IP ${v.ipv4}`) : 'Copy IP', enabled: !!v.ipv4, click: () => actions.copyIp(v.ipv4!) },
      // Simulated VMs answer no real SSH.
      { label: 'Open SSH', enabled: v.status === 'running' && !!(v.ipv4 || v.sshAt) && !state.simulated, click: () => actions.openSsh(v.configPath, v.machineName) },
      { label: 'Sync this VM', enabled: state.busy !== 'reconciling' && !!v.ipv4, click: () => actions.reconcileVm(v.configPath, v.machineName) },
      ...powerItems(v, actions),
    ],
  }));
  return [
    ...(glance.length > 0 ? [...glance, { type: 'separator' as const }] : []),
    ...(perVm.length > 0 ? [{ label: 'VMs', submenu: perVm }] : []),
    { label: state.busy === 'reconciling' ? 'Syncing…' : SYNC_NOW, enabled: state.busy !== 'reconciling' && state.projects.length > 0, click: () => actions.reconcileNow() },
    // On macOS the menu is what a click opens (Cocoa pops it, tray_icon_cocoa.mm:228-232): the
    // window opens from here, named as Mac menu-bar apps name it.
    { label: platform === 'darwin' ? 'Open Ragnatramp Tray' : 'Open', click: () => actions.show('vms') },
    { label: 'Diagnostics', click: () => actions.show('diagnostics') },
    // With nothing watched there is nothing to pause.
    { label: 'Pause watching', type: 'checkbox', checked: state.paused, enabled: state.projects.length > 0, click: () => actions.setPaused(!state.paused) },
    { label: 'Settings', click: () => actions.show('settings') },
    { label: 'Collect diagnostics…', click: () => actions.collectDiagnostics() },
    { type: 'separator' },
    // A `role` item runs the role and never its `click` (Electron docs, MenuItem: "role ... the
    // click property will be ignored"): quitting goes through app.quit() and before-quit.
    { label: 'Quit Ragnatramp Tray', role: 'quit' },
  ];
}

/** What the menu shows depends on these only: rebuild it when they change. */
export function trayMenuKey(state: MenuState): string {
  return JSON.stringify([state.paused, state.busy === 'reconciling', state.projects.length > 0, state.simulated, menuVms(state)]);
}

// Windows cuts a tray tooltip at 127 characters (Electron docs, Tray.setToolTip; the Win32
// NOTIFYICONDATA szTip holds 128 with the terminator).
const TOOLTIP_MAX = 127;

type TooltipState = Pick<AppState, 'summary' | 'projects' | 'hypervisorError' | 'duplicates' | 'engineLost'>;

/**
 * What needs attention, each once: a duplicate IP is one problem (not one per VM sharing it);
 * a stale project's last seen problems are not current ones (problemList).
 */
function tooltipProblems(state: TooltipState): string[] {
  const current = state.projects.filter((p) => !p.stale);
  const unmutedDuplicate = (d: AppState['duplicates'][number]) => current.some((p) => p.vms.some((v) => d.vms.some((x) => x.project === p.name && x.machineName === v.machineName) && v.problems.some((x) => x.check === 'duplicate-ip')));
  const duplicates = state.duplicates.filter(unmutedDuplicate).map((d) => `duplicate IP ${d.ip} (${d.vms.map((v) => v.machineName).join(', ')})`);
  const others = current.flatMap((p) => p.vms.flatMap((v) => v.problems.filter((x) => x.check !== 'duplicate-ip').map((x) => `${v.machineName}: ${x.text}`)));
  return [...duplicates, ...others];
}

/**
 * The tooltip: the summary line, then how many problems and the first of them. When the engine
 * or the hypervisor cannot be reached the summary leads with that cause, and so does the tooltip
 * (Windows shows only its first 127 characters).
 */
export function trayTooltip(state: TooltipState): string {
  const problems = tooltipProblems(state);
  const cause = !!state.engineLost || !!state.hypervisorError;
  const lines = [...(cause ? [] : ['Ragnatramp Tray']), state.summary, ...(problems.length > 0 ? [`${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems[0]}${problems.length > 1 ? ', …' : ''}`] : [])];
  const text = lines.join('\n');
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

const TRAY_BASE: Record<Health, string> = { good: 'tray-good', attention: 'tray-attention', error: 'tray-error', working: 'tray-working', idle: 'tray-idle' };

/**
 * The icon file for a health state. Windows builds the tray icon from one bitmap of a PNG (the
 * 1x one: blurry at 125-200 %), but picks the right size from a multi-size .ico; macOS and
 * Linux pick `name@2x.png` beside `name.png` themselves (Electron docs, nativeImage: "High
 * Resolution Image"). macOS's menu bar takes a template image (a name ending in "Template":
 * black and alpha, tinted by macOS for a light or dark menu bar; nativeImage "Template Image").
 */
export function trayIconFile(health: Health, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return `${TRAY_BASE[health]}Template.png`;
  return `${TRAY_BASE[health]}.${platform === 'win32' ? 'ico' : 'png'}`;
}
