// The renderer's one way to the app: the preload's `window.ragnatramp` in Electron, or the same
// typed API over the browser host's WebSocket (token from the page URL). Both satisfy the
// contract's RagnatrampApi.

import { API_METHODS, CHANNELS, type AppEvent, type RagnatrampApi } from '../../contract/api';

declare global {
  interface Window {
    ragnatramp?: RagnatrampApi;
  }
}

/** `onLink` hears when the browser host's connection is lost (with what to say) and back (null). */
export function getApi(onLink: (lost: string | null) => void = () => undefined): RagnatrampApi {
  if (window.ragnatramp) return window.ragnatramp;
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) throw new Error('This page needs the address the browser host printed (with its ?token=…).');
  return webSocketApi(`ws://${window.location.host}/api?token=${encodeURIComponent(token)}`, WebSocket, onLink);
}

const LOST = 'The connection to Ragnatramp Tray was lost; reconnecting.';

export function webSocketApi(url: string, WebSocketImpl: typeof WebSocket = WebSocket, onLink: (lost: string | null) => void = () => undefined): RagnatrampApi {
  const listeners = new Set<(e: AppEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let socket: WebSocket;
  let ready: Promise<void>;
  let retry = 250;

  const connect = () => {
    socket = new WebSocketImpl(url);
    ready = new Promise((resolve) => socket.addEventListener('open', () => resolve(), { once: true }));
    socket.addEventListener('open', () => {
      retry = 250;
      onLink(null);
    });
    socket.addEventListener('message', (m) => {
      const msg = JSON.parse(String(m.data)) as { id?: number; result?: unknown; error?: string; channel?: string; event?: AppEvent };
      if (msg.channel === CHANNELS.event && msg.event) for (const l of listeners) l(msg.event);
      else if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error !== undefined) p?.reject(new Error(msg.error));
        else p?.resolve(msg.result);
      }
    });
    socket.addEventListener('close', () => {
      // Said at once: a window that only stops changing would look current.
      onLink(LOST);
      for (const p of pending.values()) p.reject(new Error(LOST));
      pending.clear();
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 5000);
    });
  };
  connect();

  const call = (method: string) => async (...args: unknown[]) => {
    await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, args }));
    });
  };
  const api = Object.fromEntries(API_METHODS.map((m) => [m, call(m)])) as unknown as RagnatrampApi;
  api.subscribe = (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return api;
}
