// ssh-config through the command line, on a simulated host: what it writes, and that it names
// the VMs OpenSSH would refuse until the tray has pinned their keys.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { runCli } from './cli.js';
import type { Environment } from '../engine/environment.js';
import { createEnvironment } from '../engine/environment.js';

describe('ssh-config', () => {
  it('--write installs the config and the Include; VMs not pinned yet are named until a reconcile pins them', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] } });
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const userConfig = path.join(home, 'dot-ssh', 'config');
    // One simulation for all runs, so that the simulated guest keeps its key between them.
    const env: Environment = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const run = async (args: string[]) => {
      let stderr = '';
      const code = await runCli(args, { stdout: () => undefined, stderr: (t) => (stderr += t), env: process.env, logDir: home, createEnvironment: async () => ({ ...env, dispose: async () => undefined }) });
      return { code, stderr };
    };
    const write = ['ssh-config', '--config', f.configPath, '--write', '--user-config', userConfig];
    const first = await run(write);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain(`Not pinned yet, so ssh refuses them: web. Run 'ragnatramp-tray reconcile --config ${f.configPath}' first`);
    expect(readFileSync(path.join(home, 'ssh', 'config'), 'utf8')).toContain('Host web web.myproject\n  HostName 172.18.185.163\n');
    expect(readFileSync(userConfig, 'utf8')).toContain(`Include "${path.join(home, 'ssh', 'config')}"`);
    expect((await run(['reconcile', '--config', f.configPath, '--wait', '0'])).code).toBe(0);
    const second = await run(write);
    expect(second.stderr).not.toContain('Not pinned yet');
    expect(readFileSync(path.join(home, 'ssh', 'known_hosts'), 'utf8')).toMatch(/^vm:6f1c2d9e-0000-4000-8000-000000000001 ssh-ed25519 [A-Za-z0-9+/=]+\n$/);
    await env.dispose();
  });
});

describe('ssh-config --json failing', () => {
  it('a ragnatramp.yaml that does not exist: exit 2, one { error } object on stdout (README: every command with --json)', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const missing = path.join(home, 'ragnatramp.yaml');
    let stdout = '';
    let stderr = '';
    const code = await runCli(['ssh-config', '--json', '--config', missing, '--simulate', missing], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, logDir: home });
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: { message: expect.stringContaining(missing), exitCode: 2 } });
    expect(stderr).toContain(missing);
  });
});
