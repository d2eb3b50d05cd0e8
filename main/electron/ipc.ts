// IPC between the window and the app: one invoke channel that only the app's own page may use,
// every call validated by dispatchCall before a handler runs, and errors returned as messages
// (Electron would otherwise wrap them in its own text). Events go to every window.

import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, type AppEvent } from '../contract/api.js';
import { dispatchCall, type CallHandlers } from '../app/dispatch-call.js';

export type IpcReply = { ok: true; value: unknown } | { ok: false; message: string };

export function registerIpc(ipcMain: IpcMain, handlers: CallHandlers, trustedUrl: (url: string) => boolean): void {
  ipcMain.handle(CHANNELS.invoke, async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<IpcReply> => {
    const from = event.senderFrame?.url ?? '';
    if (!trustedUrl(from)) return { ok: false, message: `Calls are accepted from the app's own page only (not ${from || 'an unknown frame'}).` };
    try {
      return { ok: true, value: (await dispatchCall(handlers, method, args)) ?? null };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  });
}

export function broadcast(windows: BrowserWindow[], event: AppEvent): void {
  for (const w of windows) if (!w.isDestroyed()) w.webContents.send(CHANNELS.event, event);
}
