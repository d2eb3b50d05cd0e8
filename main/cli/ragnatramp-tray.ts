#!/usr/bin/env node
// Entry point of the `ragnatramp-tray` command.

import { defaultTrayHome } from '../engine/ssh/known-hosts.js';
import { errorMessage } from '../engine/errors.js';
import { runCli } from './cli.js';
import { safeInline } from './sanitize.js';

// A reader that stops early (`| head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

// Whatever no command foresaw still ends in one line, not a stack trace on the user's terminal.
const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  logDir: defaultTrayHome(),
}).catch((err: unknown) => {
  process.stderr.write(`ragnatramp-tray: ${safeInline(errorMessage(err))}\n`);
  return 1;
});
process.exitCode = code;
