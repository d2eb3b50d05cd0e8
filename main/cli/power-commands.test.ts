// `start`, `stop` and `restart --machine` on the command line, against a simulated Hyper-V host
// kept alive across runs (its power script changes a VM's state as the real host's Start-VM and
// Stop-VM do): exit 0 when done or already so, 1 when the hypervisor or the VM could not, 2 for
// bad input, with --json printing the result, and a manifest project told it cannot be powered.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { runCli } from './cli.js';

function trayHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
  writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: [] }));
  return home;
}

async function cli(args: string[], env?: Environment) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, RAGNATRAMP_TRAY_HOME: trayHome() },
    ...(env ? { createEnvironment: async () => ({ ...env, dispose: async () => undefined }) } : {}),
  });
  return { code, stdout, stderr };
}

const scenario: Scenario = { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), state: 'Off', adapters: [{ mac: '00155DDE3301', ipAddresses: ['172.18.185.163'] }] }] };

describe('start, stop and restart on the command line', () => {
  it('starts, restarts and stops a VM by --machine; a second start says it already runs (exit 0)', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const common = ['--config', f.configPath, '--simulate', f.scenarioPath];
    expect(await cli(['start', ...common, '--machine', 'web'], env)).toMatchObject({ code: 0, stdout: "'web' started (Hyper-V says Running).\n" });
    expect(await cli(['start', ...common, '--machine', 'web'], env)).toMatchObject({ code: 0, stdout: "'web' is already running.\n" });
    const restarted = await cli(['restart', ...common, '--machine', 'web', '--json'], env);
    expect(restarted.code).toBe(0);
    expect(JSON.parse(restarted.stdout)).toEqual({ machineName: 'web', action: 'restart', changed: true, message: "'web' restarted (Hyper-V says Running)." });
    expect(await cli(['stop', ...common, '--machine', 'web'], env)).toMatchObject({ code: 0, stdout: "'web' shut down (Hyper-V says Off).\n" });
    // A stopped VM cannot be restarted: the VM's state, exit 1.
    expect(await cli(['restart', ...common, '--machine', 'web'], env)).toMatchObject({ code: 1, stderr: expect.stringContaining("'web' is not running (Off), so it cannot be restarted.") });
    await env.dispose();
  });

  it('bad input exits 2: no --machine, a machine the project lacks (with did you mean), --machine on another command', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    const common = ['--config', f.configPath, '--simulate', f.scenarioPath];
    expect(await cli(['stop', ...common])).toMatchObject({ code: 2, stderr: expect.stringContaining('stop needs --machine <name>') });
    expect(await cli(['start', ...common, '--machine', 'wbe'])).toMatchObject({ code: 2, stderr: expect.stringContaining("has no machine named 'wbe'; did you mean 'web'?") });
    expect(await cli(['status', ...common, '--machine', 'web'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--machine applies to fix kvp, start, stop and restart only') });
    expect((await cli(['help', 'restart'])).stdout).toContain('ragnatramp-tray restart --config <ragnatramp.yaml> --machine <name>');
  });

  it("a project on a Linux manifest is told the provider cannot power VMs (exit 1), and nothing is asked", async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    const manifest = path.join(f.dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ version: 1, vms: [{ name: 'myproject-web-a1b2c3d4', mac: '52:54:00:12:34:01' }] }));
    const r = await cli(['start', '--config', f.configPath, '--manifest', manifest, '--machine', 'web', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toContain('Linux (manifest) cannot start or stop VMs');
  });
});
