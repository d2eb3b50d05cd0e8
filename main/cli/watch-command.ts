// `ragnatramp-tray status --watch`: a pass every --interval seconds (sooner when the provider's
// own watchers see something move, as the app's are), and the status printed again whenever it
// changed: with --json one `status --json` document per change, each on one line
// (newline-delimited JSON), else the tables under the time. It runs until it is stopped (SIGINT,
// SIGTERM, or its reader going away), then ends with exit code 0. A pass the hypervisor could not
// answer is said as the one { error } document (or line) and watching goes on.

import type { Project } from '../engine/config/load-project.js';
import type { Environment } from '../engine/environment.js';
import { HypervisorError } from '../engine/errors.js';
import { inspectProjects } from '../engine/inspect.js';
import type { CliIo } from './cli.js';
import type { Args } from './grammar.js';
import { recordedHistory, statusDocument, statusText } from './project-commands.js';
import { safeText } from './sanitize.js';

/** What stops a watch: the CLI's entry point turns SIGINT, SIGTERM and a closed stdout into it. */
export interface WatchStop {
  signal: AbortSignal;
  /** The watch is over: the entry point gives the signals back. */
  release(): void;
}

export async function watchStatus(env: Environment, projects: Project[], a: Args, io: CliIo): Promise<number> {
  const stop = io.watchStop?.() ?? { signal: new AbortController().signal, release: () => undefined };
  const { signal } = stop;
  let wake: (() => void) | null = null;
  const unwatch = env.provider.watch?.(() => wake?.());
  let last: string | null = null;
  // A problem with the history file is said once, not at every pass.
  const said = new Set<string>();
  try {
    while (!signal.aborted) {
      const pass = onePass(env, projects, a, io, said);
      // A pass still running when the user stops the watch is left to the environment's disposal.
      pass.catch(() => undefined);
      const shown = await orStopped(pass, signal);
      if (shown === null) break;
      if (shown.key !== last) {
        last = shown.key;
        io.stdout(shown.text);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, a.intervalMs);
        signal.addEventListener('abort', done, { once: true });
        wake = done;
        function done() {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = null;
          resolve();
        }
      });
    }
    return 0;
  } finally {
    unwatch?.();
    stop.release();
  }
}

/** What one pass says, and the key that tells whether it changed: the document without the pass's own clock. */
async function onePass(env: Environment, projects: Project[], a: Args, io: CliIo, said: Set<string>): Promise<{ key: string; text: string }> {
  let doc: object;
  try {
    const inspection = await inspectProjects(env, projects, { waitMs: 0, pollMs: a.wait.pollMs });
    if (!a.json) {
      const text = statusText(inspection, projects);
      return { key: text, text: `[${new Date().toISOString()}]\n${text}` };
    }
    doc = statusDocument(inspection, projects, await recordedHistory(io, said));
  } catch (err) {
    if (!(err instanceof HypervisorError)) throw err;
    if (!a.json) return { key: err.message, text: safeText(`[${new Date().toISOString()}]\n${err.message}\n`) };
    doc = { error: { message: err.message, exitCode: 1 } };
  }
  // Every discovery states when it looked (network.discoveredAt): that is no change.
  return { key: JSON.stringify(doc, (k, v: unknown) => (k === 'discoveredAt' && !Array.isArray(v) ? undefined : v)), text: `${JSON.stringify(doc)}\n` };
}

/**
 * The pass's result, or null once the watch is stopped. Its abort listener goes with the pass:
 * one promise raced at every pass would gain a continuation per pass, each holding that pass's
 * result, for as long as the watch runs.
 */
function orStopped<T>(pass: Promise<T>, signal: AbortSignal): Promise<T | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const stop = () => resolve(null);
    signal.addEventListener('abort', stop, { once: true });
    pass.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
