// The real runner over node-powershell, against a fake powershell process (see fake-powershell.ts).
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { HyperVProvider } from './hyperv-provider.js';
import { NodePowerShellRunner, PowerShellError, cleanErrorText, powershellExecutable } from './powershell-runner.js';

const fake = fileURLToPath(new URL('../../../../dev/test-support/fake-powershell.ts', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-pwsh-'));
const log = path.join(dir, 'starts.log');
const scenarioFile = path.join(dir, 'scenario.yaml');
writeFileSync(scenarioFile, stringify({ vms: [{ name: 'p-web-a1b2c3d4', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] }));
const executable = path.join(dir, 'powershell');
writeFileSync(executable, `#!/bin/sh\nFAKE_PWSH_LOG='${log}' FAKE_PWSH_SCENARIO='${scenarioFile}' exec '${process.execPath}' --import tsx '${fake}' "$@"\n`);
chmodSync(executable, 0o755);

const starts = () => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { pid: number; argv: string[]; term: string | null; noColor: string | null });
/** The long-lived node-powershell sessions (-NoExit), as opposed to one-shot processes. */
const sessions = () => starts().filter((s) => s.argv.includes('-NoExit'));

let runner: NodePowerShellRunner | null = null;
afterEach(async () => {
  await runner?.dispose();
  writeFileSync(log, '');
});

describe('NodePowerShellRunner', () => {
  it('on Windows starts Windows PowerShell by its absolute path, never whatever is first on PATH', () => {
    expect(powershellExecutable('win32', { SystemRoot: 'C:\\WINDOWS' })).toBe('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(powershellExecutable('win32', {})).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  });

  it('NODE_POWERSHELL does not silently replace the executable (node-powershell would prefer it)', async () => {
    process.env.NODE_POWERSHELL = path.join(dir, 'not-powershell');
    try {
      runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
      expect(await runner.run('ok:mine')).toBe('mine');
      expect(process.env.NODE_POWERSHELL).toBe(path.join(dir, 'not-powershell')); // left as it was
    } finally {
      delete process.env.NODE_POWERSHELL;
    }
  });

  it('keeps one long-lived, profile-less, non-interactive session for many invocations', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
    expect(await runner.run('ok:one')).toBe('one');
    expect(await runner.run('ok:two')).toBe('two');
    expect(sessions()).toHaveLength(1);
    expect(sessions()[0]!.argv).toEqual(expect.arrayContaining(['-NoProfile', '-NonInteractive', '-Command', '-']));
    // The language mode was asked once, of a one-shot process, before the session started.
    expect(starts()).toHaveLength(2);
    expect(starts()[0]!.argv).not.toContain('-NoExit');
    expect(runner.detectedLanguageMode).toBe('FullLanguage');
  });

  it('drives the Hyper-V provider end to end through a real process pipe', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
    const provider = new HyperVProvider(runner);
    const [o] = await provider.observe([{ project: 'p', machineName: 'web', vmName: 'p-web-a1b2c3d4', vmId: null }], '2026-11-22T10:00:00.000Z');
    expect(o!.network?.ipv4).toBe('172.18.185.163');
  });

  it('turns stderr into a failed invocation and keeps the session', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
    await expect(runner.run('err:Get-VM : You do not have the required permission')).rejects.toMatchObject({ kind: 'failed', message: 'Get-VM : You do not have the required permission' });
    expect(await runner.run('ok:still here')).toBe('still here');
    expect(sessions()).toHaveLength(1);
  });

  it('kills a hung process after the timeout and answers the next call from a new one', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 4000, executable });
    expect(await runner.run('ok:warm')).toBe('warm');
    const hung = runner.run('hang');
    await expect(hung).rejects.toBeInstanceOf(PowerShellError);
    await expect(hung).rejects.toMatchObject({ kind: 'timeout' });
    expect(await runner.run('ok:fresh')).toBe('fresh');
    const [first, second] = sessions();
    expect(second!.pid).not.toBe(first!.pid);
    expect(() => process.kill(first!.pid, 0)).toThrow(); // the hung one is gone
  });

  it('replaces a process that died between passes, transparently', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
    expect(await runner.run('ok:a')).toBe('a');
    process.kill(sessions()[0]!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    expect(await runner.run('ok:b')).toBe('b');
    expect(sessions()).toHaveLength(2);
  });

  it('in Constrained Language Mode (where node-powershell never answers) runs each script in a process of its own', async () => {
    const clm = path.join(dir, 'powershell-clm');
    writeFileSync(clm, `#!/bin/sh\nFAKE_PWSH_LANGUAGE_MODE=ConstrainedLanguage FAKE_PWSH_LOG='${log}' FAKE_PWSH_SCENARIO='${scenarioFile}' exec '${process.execPath}' --import tsx '${fake}' "$@"\n`);
    chmodSync(clm, 0o755);
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable: clm });
    const provider = new HyperVProvider(runner);
    const [o] = await provider.observe([{ project: 'p', machineName: 'web', vmName: 'p-web-a1b2c3d4', vmId: null }], '2026-11-22T10:00:00.000Z');
    expect(o!.network?.ipv4).toBe('172.18.185.163');
    expect(await runner.run('ok:again')).toBe('again');
    expect(runner.detectedLanguageMode).toBe('ConstrainedLanguage');
    expect(sessions()).toHaveLength(0);
    expect(starts()).toHaveLength(3); // the mode, then one process per script
    await expect(runner.run('err:refused')).rejects.toMatchObject({ kind: 'failed', message: 'refused' });
  });

  it('asks every PowerShell process for no terminal codes (TERM=dumb, NO_COLOR=1), whatever the user has', async () => {
    const term = process.env.TERM;
    process.env.TERM = 'xterm-256color';
    try {
      runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable });
      expect(await runner.run('ok:x')).toBe('x');
      expect(starts().map((s) => [s.term, s.noColor])).toEqual([['dumb', '1'], ['dumb', '1']]); // the probe, then the session
    } finally {
      if (term === undefined) delete process.env.TERM;
      else process.env.TERM = term;
    }
  });

  it('reads the language mode through escape sequences and a leading WARNING line', async () => {
    const noisy = path.join(dir, 'powershell-noisy');
    writeFileSync(noisy, `#!/bin/sh\nFAKE_PWSH_NOISE=1 FAKE_PWSH_LANGUAGE_MODE=ConstrainedLanguage FAKE_PWSH_LOG='${log}' FAKE_PWSH_SCENARIO='${scenarioFile}' exec '${process.execPath}' --import tsx '${fake}' "$@"\n`);
    chmodSync(noisy, 0o755);
    runner = new NodePowerShellRunner({ timeoutMs: 15_000, executable: noisy });
    expect(await runner.run('ok:y')).toBe('y');
    expect(runner.detectedLanguageMode).toBe('ConstrainedLanguage');
    expect(sessions()).toHaveLength(0); // no node-powershell session, which would never answer in that mode
  });

  it('reports a missing executable as unavailable', async () => {
    runner = new NodePowerShellRunner({ timeoutMs: 5000, executable: path.join(dir, 'no-such-powershell') });
    await expect(runner.run('ok:x')).rejects.toMatchObject({ kind: 'unavailable', message: expect.stringMatching(/not found/) });
  });
});

describe('cleanErrorText', () => {
  it('keeps the message and drops position and category lines', () => {
    const record = "Get-VM : You do not have the required permission to complete this task.\r\nAt line:1 char:612\r\n+ ... Get-VM | Where-Object\r\n    + CategoryInfo          : PermissionDenied\r\n    + FullyQualifiedErrorId : Unspecified";
    expect(cleanErrorText(record)).toBe('Get-VM : You do not have the required permission to complete this task.');
  });
});
