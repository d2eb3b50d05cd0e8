// What stops `status --watch` in a real process (the `ragnatramp-tray` script and the app's
// `--cli`): SIGINT and SIGTERM, taken only while a watch runs (Ctrl-C stops any other command as
// it always has), and the entry point's word that stdout's reader went away.

import type { WatchStop } from './watch-command.js';

let watching: AbortController | null = null;

export function processWatchStop(): WatchStop {
  const controller = new AbortController();
  const stop = () => controller.abort();
  watching = controller;
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      watching = null;
    },
  };
}

/** Ends the running watch, if there is one (then it exits 0 after disposing of its provider). */
export function stopWatching(): boolean {
  watching?.abort();
  return watching !== null;
}
