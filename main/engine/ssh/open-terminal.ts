// "Open SSH": the user's own terminal running `ssh <machine>.<project>` through the tray's
// OpenSSH config (its address, user, key and pinned host key), so the first connection asks
// nothing. Windows Terminal where installed, else PowerShell; on Linux the desktop's terminal;
// on macOS a `.command` file that LaunchServices (`open`) hands to the terminal app the user
// chose for them (Terminal, or iTerm2), with no Apple-event automation for the user to allow or
// the app to be entitled to; iTerm2 by name when it is the terminal the CLI runs in. Arguments
// travel as an argv wherever the program allows; where a command line must be written
// (PowerShell, the .command script) every value is quoted for that language.

import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { windowsPowerShell } from '../providers/hyperv/powershell-runner.js';
import { psQuote } from '../providers/hyperv/ps-quote.js';
import { replaceFile } from '../atomic-file.js';
import { shQuote } from './remote-hosts-write.js';

export interface TerminalCommand {
  command: string;
  args: string[];
  /** A script the command opens, written first (owner only): macOS's .command file. */
  script?: { path: string; text: string };
  /** Wait for the command to exit and report its refusal (macOS's `open` says why LaunchServices would not). */
  waitForExit?: boolean;
}

/** Whether a program can be found on PATH (or at an absolute path). */
export function onPath(exe: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  if (path.isAbsolute(exe)) return existsSync(exe);
  const sep = platform === 'win32' ? ';' : ':';
  return (env.PATH ?? env.Path ?? '').split(sep).some((dir) => dir && existsSync(path.join(dir, exe)));
}

// Linux terminals and how each takes a command to run.
const LINUX_TERMINALS: Array<[string, string[]]> = [
  ['x-terminal-emulator', ['-e']],
  ['gnome-terminal', ['--']],
  ['konsole', ['-e']],
  ['xfce4-terminal', ['-x']],
  ['kitty', []],
  ['alacritty', ['-e']],
  ['xterm', ['-e']],
];

/** The terminal command that runs `ssh -F <config> <host>`, or null when no terminal is known. */
export function terminalCommand(configFile: string, host: string, platform: NodeJS.Platform, available: (exe: string) => boolean, env: NodeJS.ProcessEnv = {}): TerminalCommand | null {
  const ssh = ['ssh', '-F', configFile, host];
  if (platform === 'win32') {
    if (available('wt.exe')) return { command: 'wt.exe', args: ['new-tab', '--title', host, ...ssh] };
    return { command: windowsPowerShell(env), args: ['-NoLogo', '-NoExit', '-Command', `& ssh -F ${psQuote(configFile)} ${psQuote(host)}`] };
  }
  if (platform === 'darwin') {
    // The host is a checked host name (letters, digits, dots, hyphens): a safe file name.
    const script = { path: path.join(path.dirname(configFile), `open-ssh-${host}.command`), text: `#!/bin/sh\nexec ${ssh.map(shQuote).join(' ')}\n` };
    const iterm = env.TERM_PROGRAM === 'iTerm.app' ? ['-a', 'iTerm'] : [];
    return { command: 'open', args: [...iterm, script.path], script, waitForExit: true };
  }
  const found = LINUX_TERMINALS.find(([exe]) => available(exe));
  return found ? { command: found[0], args: [...found[1], ...ssh] } : null;
}

/** Starts the terminal on its own: it outlives the tray's call, and the tray never waits on it (but for macOS's `open`, which returns at once). */
export async function launchTerminal(cmd: TerminalCommand): Promise<void> {
  if (cmd.script) await replaceFile(cmd.script.path, cmd.script.text, 0o700);
  if (cmd.waitForExit) return runToExit(cmd);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { detached: true, stdio: 'ignore', windowsHide: false });
    child.once('error', (err) => reject(new Error(`${cmd.command} could not be started (${err.message}).`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

function runToExit(cmd: TerminalCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd.command, cmd.args, { timeout: 15_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const why = String(stderr).trim().split('\n').at(-1) || err.message;
      reject(new Error(`macOS would not open a terminal for it (${why}). Open the file ${cmd.script?.path ?? cmd.args.at(-1)} yourself, or run the ssh command it holds.`));
    });
  });
}
