// Runs a system command without a shell (arguments are never parsed by one), with LC_ALL=C as
// the tray runs what it parses (the lab reads virsh, ip and pgrep), and turns a failure into an
// error that shows the command and what it printed.

import { execFile } from 'node:child_process';
import { cLocaleEnv } from '../../main/engine/discovery/c-locale.js';

export class CommandError extends Error {
  constructor(
    readonly command: string[],
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command.join(' ')} failed (${code}): ${stderr.trim() || '(no output)'}`);
  }
}

export function run(command: string, args: string[], options: { input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024, cwd: options.cwd, env: cLocaleEnv() }, (err, stdout, stderr) => {
      if (err) reject(new CommandError([command, ...args], (err as NodeJS.ErrnoException).code ?? err.signal ?? null, `${stderr}`));
      else resolve(stdout);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** For clean-up: the thing may already be gone, which is fine. */
export async function runQuietly(command: string, args: string[]): Promise<void> {
  await run(command, args).catch(() => undefined);
}
