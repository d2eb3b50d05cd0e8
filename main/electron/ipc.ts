// IPC between the window and the app: one invoke channel that only the app's own page may use,
// every call validated by dispatchCall before a handler runs, and errors returned as messages
// (Electron would otherwise wrap them in its own text). Events go to the window through
// WindowUi, which holds them until the page has loaded.

import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNELS } from '../../contract/api.js';
import { dispatchCall, type CallHandlers } from '../app/dispatch-call.js';

export type IpcReply = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Whether a call comes from the main frame of the app's own window. Identity, not URLs:
 * Chromium spells a file URL's drive letter in upper case while Node's pathToFileURL keeps the
 * case of the working directory, so a URL comparison refused every call started from `c:\…`.
 * Frames are compared by their process and routing ids, which name a frame for its lifetime
 * (Electron docs, WebFrameMain: `processId`, `routingId`).
 */
export function isAppFrame(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, app: WebContents | null): boolean {
  const frame = event.senderFrame;
  if (!app || app.isDestroyed() || event.sender !== app || !frame) return false;
  const main = app.mainFrame;
  return frame.processId === main.processId && frame.routingId === main.routingId;
}

export function registerIpc(ipcMain: IpcMain, handlers: CallHandlers, trusted: (event: IpcMainInvokeEvent) => boolean): void {
  ipcMain.handle(CHANNELS.invoke, async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<IpcReply> => {
    if (!trusted(event)) return { ok: false, message: `Calls are accepted from the app's own window only (not ${event.senderFrame?.url || 'an unknown frame'}).` };
    try {
      return { ok: true, value: (await dispatchCall(handlers, method, args)) ?? null };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  });
}
