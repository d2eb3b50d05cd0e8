// `ssh web` from the host, for real: after a reconcile has pinned the guests' keys,
// `ssh-config --write` installs the tray's OpenSSH config, and the real OpenSSH client reaches a
// lab guest by its machine name through it, asking nothing; a guest whose key no longer matches
// the pin is refused by OpenSSH as the tray refuses it.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/cli.js';
import { AppController } from '../../main/app/app-controller.js';
import { DEFAULT_SETTINGS, type Settings } from '../../contract/api.js';
import type { TerminalCommand } from '../../main/engine/ssh/open-terminal.js';
import { WorkerClient } from '../../main/worker/worker-client.js';
import { isRoot, traversableTempDir, useLab } from '../test-support/lab-fixture.js';

function ssh(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ssh', args, { timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}

describe.skipIf(!isRoot)('ssh <machine> from the host through the written config', () => {
  const lab = useLab(2);

  it('reaches each guest by name with the pinned key, and refuses one whose key changed', async () => {
    const home = path.join(traversableTempDir(), 'tray');
    const userConfig = path.join(path.dirname(home), 'dot-ssh', 'config');
    mkdirSync(path.dirname(userConfig), { recursive: true });
    writeFileSync(userConfig, 'Host *\n  ServerAliveInterval 30\n');
    const pins = path.join(home, 'known_hosts.json');
    const p = lab().paths;
    const io = { out: '', err: '' };
    const cli = (args: string[]) => runCli(args, { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env, logDir: home });
    expect(await cli(['reconcile', '--config', p.config, '--manifest', p.manifest, '--known-hosts', pins, '--wait', '0'])).toBe(0);
    expect(await cli(['ssh-config', '--config', p.config, '--manifest', p.manifest, '--known-hosts', pins, '--write', '--user-config', userConfig])).toBe(0);
    expect(readFileSync(userConfig, 'utf8')).toBe(`# BEGIN RAGNATRAMP TRAY\nInclude "${path.join(home, 'ssh', 'config')}"\n# END RAGNATRAMP TRAY\nHost *\n  ServerAliveInterval 30\n`);

    const [g1, g2] = lab().record.guests;
    const g = await ssh(['-G', '-F', userConfig, g1!.machine]);
    expect(g.stdout).toContain(`hostname ${g1!.ip}\n`);
    expect(g.stdout).toContain(`user ${lab().record.user}\n`);
    expect(g.stdout).toMatch(/^hostkeyalias \S+$/m);
    expect(g.stdout).toContain(`userknownhostsfile ${path.join(home, 'ssh', 'known_hosts')}\n`);

    // BatchMode: any question (an unknown host key, a password) would fail instead of waiting.
    const run = await ssh(['-F', userConfig, '-o', 'BatchMode=yes', g1!.machine, 'cat /etc/hosts']);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`${g2!.ip} ${g2!.machine}`);

    // A rebuilt guest: the pin no longer matches, and OpenSSH refuses it too.
    await lab().replaceHostKey(g2!.machine);
    const refused = await ssh(['-F', userConfig, '-o', 'BatchMode=yes', g2!.machine, 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  }, 60_000);

  it('Open SSH starts a terminal whose ssh command reaches the guest, asking nothing', async () => {
    const home = path.join(traversableTempDir(), 'tray');
    const pins = path.join(home, 'known_hosts.json');
    const p = lab().paths;
    const quiet = { stdout: () => undefined, stderr: () => undefined, env: process.env, logDir: home };
    const worker = new WorkerClient({ provider: 'linux', manifest: p.manifest, knownHostsFile: pins });
    const launched: TerminalCommand[] = [];
    let settings: Settings = { ...DEFAULT_SETTINGS, projects: [p.config] };
    const controller = new AppController({ get: () => settings, set: (v) => (settings = v), warning: null }, worker, { kind: 'browser', launchTerminal: async (cmd) => void launched.push(cmd) }, { simulated: false, home });
    const savedPath = process.env.PATH;
    try {
      process.env.PATH = `${path.join(home, 'bin')}:${savedPath}`; // a terminal to find
      mkdirSync(path.join(home, 'bin'), { recursive: true });
      writeFileSync(path.join(home, 'bin', 'x-terminal-emulator'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      const [g1] = lab().record.guests;
      // Before any login the key is not pinned: ssh would refuse, so the tray says why instead.
      await expect(controller.api.openSsh(p.config, g1!.machine)).rejects.toThrow(`${g1!.machine}'s SSH host key is not pinned yet, so ssh would refuse it. Run Sync now once`);
      expect(launched).toEqual([]);
      expect(await runCli(['reconcile', '--config', p.config, '--manifest', p.manifest, '--known-hosts', pins, '--wait', '0'], quiet)).toBe(0);
      await controller.api.openSsh(p.config, g1!.machine);
      expect(launched).toHaveLength(1);
      expect(launched[0]!.command).toBe('x-terminal-emulator');
      const sshArgs = launched[0]!.args.slice(launched[0]!.args.indexOf('ssh') + 1);
      const run = await ssh(['-o', 'BatchMode=yes', ...sshArgs, 'hostname -I 2>/dev/null || ip -4 -o addr show dev eth0']);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(g1!.ip);
      await expect(controller.api.openSsh('/not/watched.yaml', g1!.machine)).rejects.toThrow(/is not one of your projects/);
    } finally {
      process.env.PATH = savedPath;
      controller.stop();
      await worker.dispose();
    }
  }, 60_000);
});
