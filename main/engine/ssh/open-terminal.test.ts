// Which terminal "Open SSH" starts on each platform, and how it is given the ssh command.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchTerminal, terminalCommand } from './open-terminal.js';

const cfg = '/home/u/.config/ragnatramp-tray/ssh/open-ssh.config';
const has = (...exes: string[]) => (exe: string) => exes.includes(exe);

describe('terminalCommand', () => {
  it('Windows: Windows Terminal where installed, an argv with no shell in between', () => {
    expect(terminalCommand(cfg, 'web.shop', 'win32', has('wt.exe'))).toEqual({ command: 'wt.exe', args: ['new-tab', '--title', 'web.shop', 'ssh', '-F', cfg, 'web.shop'] });
  });

  it('Windows without it: PowerShell by absolute path, staying open, every value quoted', () => {
    const c = terminalCommand("C:\\Users\\O'Brien\\ssh\\open-ssh.config", 'web.shop', 'win32', has(), { SystemRoot: 'C:\\Windows' })!;
    expect(c.command).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(c.args).toEqual(['-NoLogo', '-NoExit', '-Command', "& ssh -F 'C:\\Users\\O''Brien\\ssh\\open-ssh.config' 'web.shop'"]);
  });

  it("macOS: a .command file (the ssh command shell-quoted) opened by LaunchServices, no Apple events; iTerm2 by name when it is the CLI's terminal", () => {
    const c = terminalCommand('/Users/a "b"/ssh/open-ssh.config', 'web.shop', 'darwin', has())!;
    expect(c).toEqual({ command: 'open', args: ['/Users/a "b"/ssh/open-ssh-web.shop.command'], script: { path: '/Users/a "b"/ssh/open-ssh-web.shop.command', text: "#!/bin/sh\nexec 'ssh' '-F' '/Users/a \"b\"/ssh/open-ssh.config' 'web.shop'\n" }, waitForExit: true });
    expect(terminalCommand(cfg, 'web.shop', 'darwin', has(), { TERM_PROGRAM: 'iTerm.app' })!.args.slice(0, 2)).toEqual(['-a', 'iTerm']);
  });

  it("macOS: the script is written for its owner only, and LaunchServices' refusal is reported with what to do", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-open-'));
    // A stand-in for /usr/bin/open that refuses as LaunchServices does (exit 1, the reason on stderr).
    const open = path.join(dir, 'open');
    writeFileSync(open, '#!/bin/sh\necho "LSOpenURLsWithRole() failed with error -10810 for the file $1." >&2\nexit 1\n', { mode: 0o755 });
    const cmd = { ...terminalCommand(path.join(dir, 'open-ssh.config'), 'web.shop', 'darwin', has())!, command: open };
    await expect(launchTerminal(cmd)).rejects.toThrow(/macOS would not open a terminal for it \(LSOpenURLsWithRole\(\) failed with error -10810 for the file .*open-ssh-web\.shop\.command\.\)\. Open the file .*open-ssh-web\.shop\.command yourself/);
    expect(statSync(cmd.script!.path).mode & 0o777).toBe(0o700);
    expect(readFileSync(cmd.script!.path, 'utf8')).toMatch(/^#!\/bin\/sh\nexec 'ssh' '-F' /);
  });

  it("Linux: the desktop's terminal, each with its own way of taking a command; none known is null", () => {
    expect(terminalCommand(cfg, 'web.shop', 'linux', has('xterm', 'gnome-terminal'))).toEqual({ command: 'gnome-terminal', args: ['--', 'ssh', '-F', cfg, 'web.shop'] });
    expect(terminalCommand(cfg, 'web.shop', 'linux', has('x-terminal-emulator', 'xterm'))).toEqual({ command: 'x-terminal-emulator', args: ['-e', 'ssh', '-F', cfg, 'web.shop'] });
    expect(terminalCommand(cfg, 'web.shop', 'linux', has())).toBeNull();
  });
});
