#!/usr/bin/env node
// Entry point of the `ragnatramp-tray` command.

import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { errorMessage } from '../engine/errors.js';
import { runCli } from './cli.js';
import { safeInline } from './sanitize.js';
import { processWatchStop, stopWatching } from './watch-signals.js';

let stdoutClosed = false;

// A reader that stops early (`| head`) is not an error. A watch then ends as if interrupted,
// disposing of its provider (PowerShell, watchers) on the way out; any other command ends at once.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    if (stream === process.stdout) stdoutClosed = true;
    if (!stopWatching()) process.exit(process.exitCode ?? 0);
  });
}

// Whatever no command foresaw still ends in one line, not a stack trace on the user's terminal.
const code = await runCli(process.argv.slice(2), {
  // Nothing more to a reader that went away.
  stdout: (t) => void (stdoutClosed || process.stdout.write(t)),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  logDir: defaultTrayHome(),
  watchStop: processWatchStop,
}).catch((err: unknown) => {
  process.stderr.write(`ragnatramp-tray: ${safeInline(errorMessage(err))}\n`);
  return 1;
});
process.exitCode = code;
