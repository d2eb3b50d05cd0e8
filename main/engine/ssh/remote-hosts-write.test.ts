// The write script itself, run by a real sh against files in a temp folder (no sudo, no /etc).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLocalWriteArgs, buildWriteCommand, describeWriteFailure, parseWriteCommand, sha256Hex, shQuote, WRITE_EXIT } from './remote-hosts-write.js';

function setup(content: string, mode = 0o644) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-etc-'));
  const file = path.join(dir, 'hosts');
  writeFileSync(file, content);
  chmodSync(file, mode);
  return { dir, file };
}

function runScript(file: string, oldContent: string, newContent: string, stdin: string = newContent) {
  const r = spawnSync('sh', buildLocalWriteArgs(Buffer.from(oldContent), Buffer.from(newContent), file), { input: stdin });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('the guest-side write script', () => {
  it('replaces the file by rename, keeps its mode, keeps one backup, leaves no temp file', () => {
    const { dir, file } = setup('old\n', 0o640);
    const r = runScript(file, 'old\n', 'new\n');
    expect(r).toEqual({ code: 0, stdout: 'ok renamed\n', stderr: '' });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${file}.ragnatramp.bak`, 'utf8')).toBe('old\n');
    expect(readdirSync(dir).sort()).toEqual(['hosts', 'hosts.ragnatramp.bak']);
  });

  it('refuses when the file changed since it was read (compare-and-swap)', () => {
    const { file } = setup('edited by someone else\n');
    expect(runScript(file, 'old\n', 'new\n').code).toBe(WRITE_EXIT.changedMeanwhile);
    expect(readFileSync(file, 'utf8')).toBe('edited by someone else\n');
  });

  it('refuses content that arrived truncated (connection lost mid-transfer)', () => {
    const { dir, file } = setup('old\n');
    const r = runScript(file, 'old\n', '127.0.0.1 localhost\n# BEGIN RAGNATRAMP\n', '127.0.0.1 local');
    expect(r.code).toBe(WRITE_EXIT.truncated);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(dir)).toEqual(['hosts']);
  });

  // The command as the tray sends it, run by a real sh with a `sudo` on PATH that only records
  // that it was asked. A root login (busybox guests, seed 002's installer) has no sudo to ask.
  function runAsSent(file: string, asUser: 'root' | 'nobody') {
    const { dir } = setup('');
    const bin = path.join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    writeFileSync(path.join(bin, 'sudo'), '#!/bin/sh\nexit 42\n', { mode: 0o755 });
    chmodSync(dir, 0o755); // the unprivileged run must reach the fake sudo
    const cmd = buildWriteCommand(Buffer.from('old\n'), Buffer.from('new\n'), file);
    const drop = asUser === 'nobody' ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = spawnSync(drop[0] ?? 'sh', [...drop.slice(1), ...(drop.length ? ['sh'] : []), '-c', cmd], { input: 'new\n', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return { code: r.status, sudoCalled: r.status === 42 };
  }

  it.skipIf(process.getuid?.() !== 0)('runs the write as root without sudo, and asks sudo -n for anyone else', () => {
    const { file } = setup('old\n');
    expect(runAsSent(file, 'root')).toEqual({ code: 0, sudoCalled: false });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(runAsSent(file, 'nobody')).toEqual({ code: 42, sudoCalled: true });
  });

  // A bind-mounted /etc/hosts (containers, `ip netns exec`) cannot be renamed over: EBUSY.
  // Reproduced in a private mount namespace, so nothing outlives the test.
  it.skipIf(process.getuid?.() !== 0)('writes in place, verified, where rename fails on a bind mount', () => {
    const { dir, file } = setup('old\n');
    const backing = path.join(dir, 'backing-hosts');
    writeFileSync(backing, 'old\n');
    const args = buildLocalWriteArgs(Buffer.from('old\n'), Buffer.from('new\n'), file);
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec sh "$@"', 'bind', backing, file, ...args], { input: 'new\n' });
    expect({ code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() }).toEqual({ code: 0, stdout: 'ok in-place\n', stderr: '' });
    expect(readFileSync(backing, 'utf8')).toBe('new\n');
    expect(readFileSync(file, 'utf8')).toBe('old\n'); // the file under the mount was never touched
    expect(readdirSync(dir).sort()).toEqual(['backing-hosts', 'hosts', 'hosts.ragnatramp.bak']);
  });

  it('the command quotes every argument and parses back exactly', () => {
    const cmd = buildWriteCommand(Buffer.from('a'), Buffer.from('bb'));
    expect(cmd.startsWith(`s='sudo -n'; [ "$(id -u)" = 0 ] && s=; exec $s sh -c '`)).toBe(true);
    expect(parseWriteCommand(cmd)).toMatchObject({ newSha: sha256Hex(Buffer.from('bb')), target: '/etc/hosts' });
    expect(parseWriteCommand(`${cmd}; rm -rf /`)).toBeNull();
    // The script text survives the quoting: sh sees it verbatim.
    const echoed = execFileSync('sh', ['-c', `printf %s ${shQuote("it's $(not) `run`")}`]).toString();
    expect(echoed).toBe("it's $(not) `run`");
  });

  it('explains each failure', () => {
    expect(describeWriteFailure(1, 'sudo: a password is required\n', 'ubuntu')).toMatch(/sudo asks user 'ubuntu' for a password/);
    expect(describeWriteFailure(1, 'ubuntu is not in the sudoers file.\n', 'ubuntu')).toMatch(/may not use sudo/);
    expect(describeWriteFailure(WRITE_EXIT.writeFailed, 'sh: 1: cannot create /etc/hosts: Read-only file system\n', 'u')).toMatch(/could not write \/etc\/hosts \(sh: 1: cannot create \/etc\/hosts: Read-only file system\).*read-only/);
    expect(describeWriteFailure(WRITE_EXIT.changedMeanwhile, '', 'u')).toMatch(/changed while the tray was updating it/);
  });
});
