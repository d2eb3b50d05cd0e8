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
  waiting.length = 0;
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
// TaskDialogIndirect, :254): meanwhile no tray click, toast or IPC call reaches JavaScript.
let blockers = 0;
const waiting: Array<() => void> = [];
let uncaught: (err: unknown) => void = (err) => {
  throw err;
};

export const mainThreadBlocked = () => blockers > 0;

export function blockMainThread(): void {
  blockers++;
}

export function unblockMainThread(): void {
  if (blockers === 0) return;
  if (--blockers === 0) for (const run of waiting.splice(0)) fromNative(run);
}

/** What an exception thrown by a listener that native code called becomes (set by fake-electron.ts). */
export function onUncaughtException(handler: (err: unknown) => void): void {
  uncaught = handler;
}

/**
 * Native code calling into JavaScript (a tray click, a toast activation, a window event): it waits
 * while the main thread is blocked, and what a listener throws is an uncaught exception, not an
 * error returned to the caller (Electron emits through node::MakeCallback).
 */
export function fromNative(run: () => void): void {
  if (blockers > 0) {
    waiting.push(run);
    return;
  }
  try {
    run();
  } catch (err) {
    uncaught(err);
  }
}
