// The fake Electron's readiness and main thread, shared by its modules: Electron's app becomes
// ready once, and several modules refuse to work before it (see assertReady), as the real ones
// do; native events reach JavaScript only while the main thread is free (see fromNative).

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
  blockers = 0;
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

// The main thread. dialog.showErrorBox runs its task dialog on it and returns only when the user
// closes it (message_box_win.cc:349-353 calls ShowTaskDialogWstr, which waits in
// TaskDialogIndirect, :254): meanwhile no tray click, toast, window or page event reaches JavaScript.
let blockers = 0;
let uncaught: (err: unknown) => void = (err) => {
  throw err;
};

export const mainThreadBlocked = () => blockers > 0;

export function blockMainThread(): void {
  blockers++;
}

/** What an exception thrown by a listener that native code called becomes (set by fake-electron.ts). */
export function onUncaughtException(handler: (err: unknown) => void): void {
  uncaught = handler;
}

/**
 * Native code calling into JavaScript (a tray click, a toast activation, a window event): nothing
 * runs while the main thread is blocked (the event would wait for the box to close, which no test
 * does), and what a listener throws is an uncaught exception, not an error returned to the caller
 * (Electron emits through node::MakeCallback).
 */
export function fromNative(run: () => void): void {
  if (blockers > 0) return;
  try {
    run();
  } catch (err) {
    uncaught(err);
  }
}
