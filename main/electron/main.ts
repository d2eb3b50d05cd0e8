// The Electron main process: one instance, a tray icon, a compact window, native notifications
// and the OS integration; everything else is the shared AppController and the engine worker.
// A failure while starting is shown in a dialog and ends the process (exit 1), so no process
// is left holding the single-instance lock with no tray; later errors never block the app.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { app, clipboard, dialog, ipcMain, Menu, powerMonitor, session, shell } from 'electron';
import Store from 'electron-store';
import { AppController } from '../app/app-controller.js';
import { openSettings, SETTINGS_SCHEMA } from '../app/settings.js';
import { CHANNELS } from '../../contract/api.js';
import { errorMessage } from '../engine/errors.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { PROVIDER_ARGS, providerArgs } from '../engine/providers/provider-args.js';
import { WorkerClient } from '../worker/worker-client.js';
import type { WorkerInit } from '../worker/worker-protocol.js';
import { isAppFrame, registerIpc } from './ipc.js';
import { cliArguments, QUIT_FLAG, runCliInApp } from './app-cli.js';
import { canLaunchAtLogin, launchesAtLogin, loginItemTarget, macLoginState, openedAtLogin, setLaunchAtLogin, setMacLaunchAtLogin } from './login-item.js';
import { Notifier } from './notifications.js';
import { credentialStore } from './os-credential-store.js';
import { refuseAllPermissions } from './refuse-permissions.js';
import { TrayUi } from './tray.js';
import { powerConfirmation } from './tray-menu.js';
import { WindowUi } from './window.js';
import { windowsIdentity } from './windows-identity.js';

// The repo root, whether this file runs from main/electron (source) or dist/main/electron.
const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../' : '../../../', import.meta.url));
const RENDERER_INDEX = path.join(ROOT, 'dist', 'renderer', 'index.html');
const PRELOAD = path.join(ROOT, 'dist', 'preload', 'preload.cjs');
// The host's OS, read once here and passed to every module that differs by it.
const platform = process.platform;

// Pins and logs live with the command line's (one trust store for both). A development run
// (`npm start`) is another app to Windows and to the single-instance lock (which Electron
// keys on the userData folder): its own name, app id and settings, so it neither hides behind
// an installed copy nor leaves an "Electron" shortcut for the installed app's notifications.
// The portable build shares the installed app's settings and lock but not its Windows
// identity (windows-identity.ts says why).
const home = defaultTrayHome(process.env, platform);
const identity = windowsIdentity(app.isPackaged, process.env);
app.setName(identity.name);
app.setPath('userData', app.isPackaged ? home : path.join(home, 'electron-dev'));
if (platform === 'win32') {
  app.setAppUserModelId(identity.appUserModelId);
  if (identity.toastActivatorClsid) app.setToastActivatorCLSID(identity.toastActivatorClsid);
}

const cli = cliArguments(process.argv, app.isPackaged);
if (cli) {
  // `Ragnatramp Tray.exe --cli doctor …` (ragnatramp-tray.cmd): the command line, not the app.
  void runCliInApp(cli, home).then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock() || process.argv.includes(QUIT_FLAG)) {
  // A second instance, or `--quit` with no app running (the installer's ask): nothing to start.
  app.quit();
} else {
  // Electron's own handler shows an uncaught exception with showErrorBox, which blocks the app
  // until it is closed: told without blocking instead (before ready no other box exists), and
  // once (a failing timer would otherwise pile up boxes).
  const told = new Set<string>();
  // A library may throw anything, not only an Error: a handler that failed on it would end the app.
  process.on('uncaughtException', (err: unknown) => {
    const text = (err instanceof Error && err.stack) || errorMessage(err);
    const detail = `${text}\n\nRagnatramp Tray carries on; if something stops working, restart it.`;
    const where = text.split('\n').slice(0, 2).join('\n'); // the message and where it was thrown
    if (told.has(where)) return;
    told.add(where);
    if (app.isReady()) tell('Ragnatramp Tray met an unexpected error', detail);
    else dialog.showErrorBox('Ragnatramp Tray met an unexpected error', detail);
  });
  app.dock?.hide();
  app.whenReady().then(start).catch(failToStart);
}

/**
 * An error for the user, in a message box that leaves the app running: showErrorBox would block
 * the main thread (tray, IPC, the watch) until it is closed.
 */
function tell(message: string, detail?: string): void {
  void dialog.showMessageBox({ type: 'error', title: 'Ragnatramp Tray', message, ...(detail ? { detail } : {}) });
}

// The one blocking box: the app exits once it is read.
function failToStart(err: unknown): void {
  dialog.showErrorBox('Ragnatramp Tray could not start', `${errorMessage(err)}\n\nIf this keeps happening, reinstall Ragnatramp Tray or report it with this message.`);
  app.exit(1);
}

/** A bad --provider (or an empty --simulate) stops the start with its message (failToStart). */
function startupOptions(argv: string[]): WorkerInit & { hidden: boolean } {
  const { values } = parseArgs({ args: argv.slice(app.isPackaged ? 1 : 2), strict: false, options: { ...PROVIDER_ARGS, hidden: { type: 'boolean' } } });
  return { ...providerArgs(values), hidden: values.hidden === true };
}

/**
 * No application menu on Windows and Linux: the default one gives release builds DevTools on
 * Ctrl+Shift+I. macOS routes Cmd+C/V/X/A to a text field only through the application menu's
 * Edit items (none at all with a null menu: electron/electron#49807), so a Mac gets the app and
 * Edit menus (lib/browser/api/menu-item-roles.ts:265-319) and no View menu (its toggleDevTools, :321-333).
 */
function applicationMenu(): Electron.Menu | null {
  return platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }]) : null;
}

async function start(): Promise<void> {
  Menu.setApplicationMenu(applicationMenu());
  refuseAllPermissions(session.defaultSession);
  const assets = app.isPackaged ? process.resourcesPath : path.join(ROOT, 'assets');
  const settingsFile = path.join(app.getPath('userData'), 'settings.json');
  const settings = openSettings(settingsFile, () => new Store<Record<string, unknown>>({ name: 'settings', cwd: app.getPath('userData'), schema: SETTINGS_SCHEMA }));
  const options = startupOptions(process.argv);
  const loginItem = canLaunchAtLogin(app.isPackaged, platform);
  const login = loginItem && platform === 'win32' ? loginItemTarget(process.env, process.execPath) : null;
  // The OS's word is the truth (the user may have switched it off in Task Manager, or not yet
  // allowed it in macOS's Login Items).
  const macLogin = loginItem && platform === 'darwin' ? macLoginState(app) : null;
  const actualLogin = login ? launchesAtLogin(app, login, identity.appUserModelId) : macLogin?.on;
  if (actualLogin !== undefined && actualLogin !== settings.get().launchAtLogin) settings.set({ ...settings.get(), launchAtLogin: actualLogin });
  const { hidden: _hidden, ...workerInit } = options;
  // A second launch while this one starts asks for the window: remembered until it can be shown.
  let launchedAgain = false;
  const early = (_event: unknown, argv: string[]) => (argv.includes(QUIT_FLAG) ? app.quit() : (launchedAgain = true));
  app.on('second-instance', early);
  // macOS: opening the running app again (Finder, Spotlight, the Dock) is a reopen, emitted as
  // 'activate' (electron_application_delegate.mm:127-132), never a second instance.
  const earlyReopen = () => (launchedAgain = true);
  app.on('activate', earlyReopen);
  // Proxmox VE tokens typed into the window: the OS's credential store where it protects them.
  // Awaited before the tray exists: no click can reach a handler before what it uses exists.
  const credentials = await credentialStore(home);
  const worker = new WorkerClient({ ...workerInit, logDir: home });
  const windowUi = new WindowUi(RENDERER_INDEX, PRELOAD, undefined, (message) => tell(message));
  const controller = new AppController(
    settings,
    worker,
    {
      kind: 'electron',
      platform,
      pickProjectFile: async () => {
        const r = await windowUi.withDialog((win) => dialog.showOpenDialog(win, { title: 'Choose a ragnatramp.yaml', properties: ['openFile'], filters: [{ name: 'Ragnatramp project', extensions: ['yaml', 'yml'] }] }));
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openExternal: (url) => shell.openExternal(url),
      revealFile: (file) => shell.showItemInFolder(file),
      credentials,
      ...(login ? { setLaunchAtLogin: (enabled: boolean) => setLaunchAtLogin(app, login, identity.appUserModelId, enabled) } : {}),
      ...(macLogin ? { setLaunchAtLogin: (enabled: boolean) => controller.setHostNote('launchAtLogin', setMacLaunchAtLogin(app, enabled).note) } : {}),
    },
    { simulated: !!options.simulate, home, version: app.getVersion() },
  );
  if (macLogin?.note) controller.setHostNote('launchAtLogin', macLogin.note);

  const tray = new TrayUi(
    assets,
    {
      reconcileNow: () => void controller.api.reconcileNow(null).catch(() => undefined),
      show: (view) => showView(view),
      setPaused: (paused) => void controller.api.setPaused(paused),
      collectDiagnostics: () => void controller.api.collectDiagnostics().catch((err: unknown) => tell('Diagnostics could not be collected', errorMessage(err))),
      copyIp: (ip) => clipboard.writeText(ip),
      openSsh: (configPath, machineName) => void controller.api.openSsh(configPath, machineName).catch((err: unknown) => tell(`SSH to ${machineName} could not be opened`, errorMessage(err))),
      reconcileVm: (configPath, machineName) => void controller.api.reconcileVm(configPath, machineName).catch(() => undefined),
      power: (configPath, machineName, action) =>
        void (action === 'start' ? Promise.resolve(true) : dialog.showMessageBox(powerConfirmation(machineName, action)).then((r) => r.response === 0))
          .then((yes) => (yes ? controller.api.powerVm(configPath, machineName, action) : undefined))
          .catch((err: unknown) => tell(`${machineName} could not be ${action === 'stop' ? 'stopped' : `${action}ed`}`, errorMessage(err))),
    },
    (bounds, kind) => (kind === 'click' ? windowUi.toggle(bounds) : windowUi.showAt(bounds)),
    platform,
  );
  const showView = (view: Parameters<AppController['show']>[0], vmKey: string | null = null) => {
    windowUi.showAt(tray.bounds());
    controller.show(view, vmKey);
  };
  const syncNow = (configPaths: string[]) => void controller.api.reconcileNow(configPaths.length === 1 ? configPaths[0]! : null).catch(() => undefined);
  const notifier = new Notifier(() => settings.get().notifications, showView, platform, () => Date.now(), syncNow, (failure) => controller.setHostNote('notifications', failure));
  registerIpc(ipcMain, controller.api, (event) => isAppFrame(event, windowUi.window.webContents));

  controller.on('event', (event) => {
    windowUi.send(CHANNELS.event, event);
    if (event.type === 'state') tray.update(event.state);
  });
  // One pass's changes together: several VMs renumbered at once are one notice.
  controller.on('changes', (changes) => notifier.notifyPass(changes, settings.get().autoSync));
  powerMonitor.on('resume', () => controller.rediscover());
  app.off('second-instance', early);
  app.off('activate', earlyReopen);
  app.on('activate', () => showView('vms'));
  // The installer runs `Ragnatramp Tray.exe --quit` to close the app as Quit does (no icon left
  // behind by a killed process); any other second start shows the window.
  app.on('second-instance', (_event, argv) => (argv.includes(QUIT_FLAG) ? app.quit() : showView('vms')));
  app.on('window-all-closed', () => undefined); // the tray keeps running
  // Quit waits (a few seconds at most, CALL_DEADLINES_MS.dispose) for the worker to dispose of
  // its providers' PowerShell sessions, SSH connections and watcher children, which would
  // otherwise outlive the app.
  let quitting: 'no' | 'stopping' | 'stopped' = 'no';
  app.on('before-quit', (event) => {
    if (quitting === 'stopped') return;
    event.preventDefault();
    if (quitting === 'stopping') return;
    quitting = 'stopping';
    windowUi.prepareToQuit();
    controller.stop();
    tray.destroy();
    void worker.dispose().finally(() => {
      quitting = 'stopped';
      app.quit();
    });
  });
  tray.update(controller.snapshot());
  controller.start();
  // Windows 11 puts a new tray icon in the overflow, where nobody sees it: show the window,
  // unless started at login (--hidden on Windows; on macOS the login item's launch, which
  // carries no arguments) with projects to watch and not launched again since.
  const atLogin = options.hidden || (platform === 'darwin' && openedAtLogin(app));
  if (launchedAgain || !(atLogin && settings.get().projects.length > 0)) showView('vms');
}

