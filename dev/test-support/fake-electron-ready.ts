// The fake Electron's readiness, shared by its modules: Electron's app becomes ready once, and
// several modules refuse to work before it (see assertReady), as the real ones do.

let ready = false;
let resolveReady: () => void = () => undefined;
let readyPromise = new Promise<void>((r) => (resolveReady = r));

export const isReady = () => ready;
export const whenReady = () => readyPromise;

export function markReady(): void {
  ready = true;
  resolveReady();
}

export function resetReady(isNowReady: boolean): void {
  ready = false;
  readyPromise = new Promise<void>((r) => (resolveReady = r));
  if (isNowReady) markReady();
}

export function assertReady(what: string): void {
  // "You cannot use this module until the ready event of the app module is emitted" (docs, Tray,
  // BrowserWindow, Notification, screen).
  if (!ready) throw new Error(`${what} cannot be used before the app is ready`);
}

/** Electron's Event: preventable, passed first to listeners. */
export function electronEvent(extra: Record<string, unknown> = {}) {
  return { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; }, ...extra };
}
