// The Electron main process: one instance, a tray icon, a compact window, native notifications
// and the OS integration; everything else is the shared AppController and the engine worker.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { app, BrowserWindow, dialog, ipcMain, powerMonitor, shell } from 'electron';
import Store from 'electron-store';
import { AppController } from '../app/app-controller.js';
import { openSettings, SETTINGS_SCHEMA } from '../app/settings.js';
import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { WorkerClient } from '../worker/worker-client.js';
import type { WorkerInit } from '../worker/worker-protocol.js';
import { broadcast, registerIpc } from './ipc.js';
import { Notifier } from './notifications.js';
import { TrayUi } from './tray.js';
import { WindowUi } from './window.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url)); // dist/main/electron → repo
const RENDERER_INDEX = path.join(ROOT, 'dist', 'renderer', 'index.html');
const PRELOAD = path.join(ROOT, 'dist', 'preload', 'preload.cjs');
const ASSETS = app.isPackaged ? process.resourcesPath : path.join(ROOT, 'assets');

// Pins, settings and logs live with the command line's (one trust store for both).
app.setPath('userData', defaultTrayHome());

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  if (process.platform === 'win32') app.setAppUserModelId('io.github.ragnatramp.tray');
  app.dock?.hide();
  void app.whenReady().then(start);
}

function startupOptions(): WorkerInit {
  const { values } = parseArgs({ args: process.argv.slice(app.isPackaged ? 1 : 2), strict: false, options: { simulate: { type: 'string' }, provider: { type: 'string' }, manifest: { type: 'string' } } });
  const str = (v: unknown) => (typeof v === 'string' ? path.resolve(v) : undefined);
  const provider = values.provider === 'linux' || values.provider === 'hyperv' ? values.provider : undefined;
  return { simulate: str(values.simulate), provider, manifest: str(values.manifest) };
}

function start(): void {
  const settingsFile = path.join(app.getPath('userData'), 'settings.json');
  const settings = openSettings(settingsFile, () => new Store<Record<string, unknown>>({ name: 'settings', cwd: app.getPath('userData'), schema: SETTINGS_SCHEMA }));
  const options = startupOptions();
  const worker = new WorkerClient(options);
  const windowUi = new WindowUi(RENDERER_INDEX, PRELOAD);
  const controller = new AppController(
    settings,
    worker,
    {
      kind: 'electron',
      pickProjectFile: async () => {
        const r = await dialog.showOpenDialog(windowUi.window, { title: 'Choose a ragnatramp.yaml', properties: ['openFile'], filters: [{ name: 'Ragnatramp project', extensions: ['yaml', 'yml'] }] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openExternal: (url) => shell.openExternal(url),
      setLaunchAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    },
    { simulated: !!options.simulate },
  );

  let tray: TrayUi;
  const showView = (view: Parameters<AppController['show']>[0], vmKey: string | null = null) => {
    windowUi.showAt(tray.bounds());
    controller.show(view, vmKey);
  };
  tray = new TrayUi(
    ASSETS,
    {
      reconcileNow: () => void controller.api.reconcileNow(null).catch(() => undefined),
      show: (view) => showView(view),
      setPaused: (paused) => void controller.api.setPaused(paused),
      quit: () => app.quit(),
    },
    (bounds) => windowUi.toggle(bounds),
  );
  const notifier = new Notifier(() => settings.get().notifications, showView);
  const rendererUrl = pathToFileURL(RENDERER_INDEX).href;
  registerIpc(ipcMain, controller.api, (url) => url.split(/[?#]/)[0] === rendererUrl);

  controller.on('event', (event) => {
    broadcast(BrowserWindow.getAllWindows(), event);
    if (event.type === 'state') tray.update(event.state);
    if (event.type === 'change') notifier.notify(event.change);
  });
  // The tooltip says "2 min ago": keep it true while nothing else changes.
  setInterval(() => tray.update(controller.snapshot()), 30_000).unref();
  powerMonitor.on('resume', () => controller.rediscover());
  app.on('second-instance', () => showView('vms'));
  app.on('window-all-closed', () => undefined); // the tray keeps running
  app.on('before-quit', () => {
    windowUi.prepareToQuit();
    controller.stop();
    void worker.dispose();
    tray.destroy();
  });
  tray.update(controller.snapshot());
  controller.start();
}
