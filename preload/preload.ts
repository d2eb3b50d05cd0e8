// The sandboxed preload: exposes the contract's API as one object, `window.ragnatramp`. Every
// call goes through one invoke channel carrying the method name and its arguments (which main
// validates); one subscription carries every event. Nothing else of Electron or Node leaks out.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHODS, CHANNELS, type AppEvent, type RagnatrampApi } from '../contract/api.js';

const api = Object.fromEntries(
  API_METHODS.map((method) => [
    method,
    async (...args: unknown[]) => {
      const reply = (await ipcRenderer.invoke(CHANNELS.invoke, method, args)) as { ok: true; value: unknown } | { ok: false; message: string };
      // Electron prefixes rejected invoke errors with its own text; a reply object keeps ours.
      if (!reply.ok) throw new Error(reply.message);
      return reply.value;
    },
  ]),
) as unknown as RagnatrampApi;

api.subscribe = (listener: (event: AppEvent) => void) => {
  const handler = (_e: IpcRendererEvent, event: AppEvent) => listener(event);
  ipcRenderer.on(CHANNELS.event, handler);
  return () => void ipcRenderer.removeListener(CHANNELS.event, handler);
};

contextBridge.exposeInMainWorld('ragnatramp', api);
