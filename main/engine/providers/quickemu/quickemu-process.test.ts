// Liveness as quickemu 4.9.9 runs QEMU: its name is the VM's (`process=<vm>`), so a live QEMU is
// told by the pid file its command line names and by being older than that file, read from the
// real /proc of a real process here, and from `ps` lines as macOS prints them (fixtures).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConf, vmPaths } from './quickemu-files.js';
import { isVmQemu, parsePsLine, procLookup, type ProcessFacts } from './quickemu-process.js';

const paths = vmPaths('/home/me/vms/debian-12.conf', parseConf('disk_img="debian-12/disk.qcow2"'));
const NOW = Date.parse('2026-12-05T10:00:00Z');
const qemu = (over: Partial<ProcessFacts> = {}): ProcessFacts => {
  const argv = ['/usr/bin/qemu-system-x86_64', '-name', 'debian-12,process=debian-12,debug-threads=on', '-pidfile', 'debian-12/debian-12.pid', '-m', '2G'];
  return { argv, command: argv.join(' '), cwd: '/home/me/vms', startedMs: NOW - 60_000, ...over };
};

describe('isVmQemu', () => {
  it("a QEMU given this VM's pid file (relative to its cwd, as quickemu passes it) and older than the file", () => {
    expect(isVmQemu(qemu(), paths, NOW - 59_000)).toBe(true);
    expect(isVmQemu(qemu({ argv: ['/usr/bin/qemu-system-x86_64', '-pidfile', paths.pid], cwd: '/' }), paths, NOW)).toBe(true);
  });

  it('a pid reused by a process started after QEMU wrote the pid file is not it', () => {
    expect(isVmQemu(qemu({ startedMs: NOW }), paths, NOW - 60_000)).toBe(false);
  });

  it("another VM's QEMU, or a program that is no QEMU, is not it", () => {
    expect(isVmQemu(qemu({ argv: ['/usr/bin/qemu-system-x86_64', '-pidfile', 'ubuntu/ubuntu.pid'] }), paths, NOW)).toBe(false);
    expect(isVmQemu(qemu({ cwd: '/elsewhere' }), paths, NOW)).toBe(false);
    expect(isVmQemu(qemu({ argv: ['/usr/bin/vim', '-pidfile', 'debian-12/debian-12.pid'] }), paths, NOW)).toBe(false);
  });

  it('macOS: the command line from `ps -p <pid> -o etime= -o command=`, a folder with a space kept whole', () => {
    const spaced = vmPaths('/Users/me/My VMs/debian-12.conf', parseConf('disk_img="debian-12/disk.qcow2"'));
    const line = '   01:02:03 /opt/homebrew/bin/qemu-system-aarch64 -name debian-12 -machine virt,highmem=on -pidfile debian-12/debian-12.pid -m 4G';
    const seen = parsePsLine(line, NOW)!;
    expect(seen).toEqual({ argv: null, command: line.trim().replace(/^01:02:03 /, ''), cwd: null, startedMs: NOW - 3_723_000 });
    expect(isVmQemu(seen, spaced, NOW - 3_000_000)).toBe(true);
    expect(isVmQemu(seen, spaced, NOW - 4_000_000)).toBe(false); // the process is younger than the file
    expect(parsePsLine('2-03:00:00 /opt/homebrew/bin/qemu-system-x86_64 -pidfile /Users/me/My VMs/w/w.pid', NOW)!.startedMs).toBe(NOW - (2 * 86400 + 3 * 3600) * 1000);
    expect(isVmQemu(parsePsLine('00:05 /opt/homebrew/bin/qemu-system-x86_64 -pidfile /Users/me/My VMs/debian-12/debian-12.pid -m 1G', NOW)!, spaced, NOW)).toBe(true);
    expect(parsePsLine('', NOW)).toBeNull();
  });
});

describe.skipIf(process.platform !== 'linux')('procLookup, on this machine', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-proc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a live process's argv, cwd and start time; a pid file older than the process is refused", async () => {
    const pidFile = path.join(dir, 'vm.pid');
    // A stand-in whose argv[0] is QEMU's, given the pid file as quickemu gives it to QEMU.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)', '--', '-pidfile', 'vm.pid'], { cwd: dir, argv0: 'qemu-system-x86_64', stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      writeFileSync(pidFile, `${child.pid}\n`);
      const seen = (await procLookup(child.pid!))!;
      expect(seen.argv!.slice(-2)).toEqual(['-pidfile', 'vm.pid']);
      expect(seen.cwd).toBe(dir);
      expect(Math.abs(seen.startedMs! - Date.now())).toBeLessThan(10_000);
      const vm = { pid: pidFile, pidArg: './vm.pid' };
      expect(isVmQemu(seen, vm, Date.now())).toBe(true);
      // The same pid, but the file was written an hour before this process began: a reused pid.
      expect(isVmQemu(seen, vm, Date.now() - 3_600_000)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(await procLookup(child.pid!)).toBeNull();
  });
});
