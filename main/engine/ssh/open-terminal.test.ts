// Which terminal "Open SSH" starts on each platform, and how it is given the ssh command.
import { describe, expect, it } from 'vitest';
import { terminalCommand } from './open-terminal.js';

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

  it('macOS: Terminal through AppleScript, the command shell-quoted inside an AppleScript string', () => {
    const c = terminalCommand('/Users/a "b"/cfg', 'web.shop', 'darwin', has())!;
    expect(c.command).toBe('osascript');
    expect(c.args[1]).toBe('tell application "Terminal" to do script "\'ssh\' \'-F\' \'/Users/a \\"b\\"/cfg\' \'web.shop\'"');
  });

  it("Linux: the desktop's terminal, each with its own way of taking a command; none known is null", () => {
    expect(terminalCommand(cfg, 'web.shop', 'linux', has('xterm', 'gnome-terminal'))).toEqual({ command: 'gnome-terminal', args: ['--', 'ssh', '-F', cfg, 'web.shop'] });
    expect(terminalCommand(cfg, 'web.shop', 'linux', has('x-terminal-emulator', 'xterm'))).toEqual({ command: 'x-terminal-emulator', args: ['-e', 'ssh', '-F', cfg, 'web.shop'] });
    expect(terminalCommand(cfg, 'web.shop', 'linux', has())).toBeNull();
  });
});
