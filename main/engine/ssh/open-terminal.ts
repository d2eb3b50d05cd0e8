// "Open SSH": the user's own terminal running `ssh <machine>.<project>` through the tray's
// OpenSSH config (its address, user, key and pinned host key), so the first connection asks
// nothing. Windows Terminal where installed, else PowerShell; on Linux the desktop's terminal;
// on macOS Terminal. Arguments travel as an argv wherever the program allows; where a command
// line must be written (PowerShell, AppleScript) every value is quoted for that language.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { windowsPowerShell } from '../providers/hyperv/powershell-runner.js';
import { psQuote } from '../providers/hyperv/ps-quote.js';
import { shQuote } from './remote-hosts-write.js';

export interface TerminalCommand {
  command: string;
  args: string[];
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
    const script = `tell application "Terminal" to do script ${appleScriptString(ssh.map(shQuote).join(' '))}`;
    return { command: 'osascript', args: ['-e', script, '-e', 'tell application "Terminal" to activate'] };
  }
  const found = LINUX_TERMINALS.find(([exe]) => available(exe));
  return found ? { command: found[0], args: [...found[1], ...ssh] } : null;
}

function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Starts the terminal on its own: it outlives the tray's call, and the tray never waits on it. */
export function launchTerminal(cmd: TerminalCommand): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.command, cmd.args, { detached: true, stdio: 'ignore', windowsHide: false });
    child.once('error', (err) => reject(new Error(`${cmd.command} could not be started (${err.message}).`)));
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
