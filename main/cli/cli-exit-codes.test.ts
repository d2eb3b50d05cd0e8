// The command line tells problems by its exit code and on stderr (issue 23, point 15): status
// and diagnose exit 1 when something needs attention, status and hosts default to the app's
// projects, and hosts and ssh-config name the VMs they left out and why.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { createEnvironment, type Environment } from '../engine/environment.js';
import { runCli } from './cli.js';

/** A tray folder of its own, so that the real user's settings never leak into a run. */
function trayHome(projects: string[] = []): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
  writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects }));
  return home;
}

async function cli(args: string[], home = trayHome(), env?: Environment) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, RAGNATRAMP_TRAY_HOME: home },
    ...(env ? { createEnvironment: async () => ({ ...env, dispose: async () => undefined }) } : {}),
  });
  return { code, stdout, stderr };
}

const running = (n: number, ip: string) => ({ name: `myproject-${n === 1 ? 'web' : 'db'}-a1b2c3d4`, id: vmId(n), adapters: [{ mac: `00155DDE330${n}`, ipAddresses: [ip] }] });
const healthy: Scenario = { vms: [running(1, '172.18.185.163'), running(2, '172.18.185.164')] };
const dbOff: Scenario = { vms: [running(1, '172.18.185.163'), { ...running(2, '172.18.185.164'), state: 'Off', adapters: [{ mac: '00155DDE3302' }] }] };

function project(scenario: Scenario) {
  const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
  return { f, common: ['--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath] };
}

describe('status exits 1 when a VM needs attention', () => {
  it('0 when every VM is fine, 1 when one is stopped; --json keeps its shape and its exit code', async () => {
    const ok = project(healthy);
    expect((await cli(['status', ...ok.common])).code).toBe(0);
    const off = project(dbOff);
    const table = await cli(['status', ...off.common]);
    expect(table.stdout).toContain('! db: VM is Off');
    expect(table.code).toBe(1);
    const json = await cli(['status', '--json', ...off.common]);
    expect(json.code).toBe(1);
    expect(Object.keys(JSON.parse(json.stdout))).toEqual(['projects', 'duplicates']);
  });
});

describe('diagnose exits 1 when a check fails', () => {
  it('1 while a guest has no managed block, 0 once reconcile wrote it', async () => {
    const { f, common } = project(healthy);
    // One simulation for all runs, so that the guests keep what reconcile wrote.
    const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const before = await cli(['diagnose', ...common], trayHome(), env);
    expect(before.stdout).toContain('/etc/hosts has no managed block yet');
    expect(before.code).toBe(1);
    expect((await cli(['diagnose', '--json', ...common], trayHome(), env)).code).toBe(1);
    expect((await cli(['reconcile', ...common, '--wait', '0'], trayHome(), env)).code).toBe(0);
    const after = await cli(['diagnose', ...common], trayHome(), env);
    expect(after.stdout).not.toContain('to fix');
    expect(after.code).toBe(0);
    await env.dispose();
  });
});

describe("status and hosts default to the app's projects, as doctor does", () => {
  it('status without --config reports every watched project; hosts the one watched', async () => {
    const a = project(healthy);
    const b = project(healthy);
    const both = await cli(['status', '--json', '--simulate', a.f.scenarioPath], trayHome([a.f.configPath, b.f.configPath]));
    expect(JSON.parse(both.stdout).projects.map((p: { configPath: string }) => p.configPath)).toEqual([a.f.configPath, b.f.configPath]);
    const hosts = await cli(['hosts', '--simulate', a.f.scenarioPath], trayHome([a.f.configPath]));
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toContain('172.18.185.163 web\n');
  });

  it('without --config and without a watched project, or hosts with several, a usage error says what to do', async () => {
    const none = await cli(['status'], trayHome());
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('status needs --config <ragnatramp.yaml> (the app watches no project yet)');
    const a = project(healthy);
    const b = project(healthy);
    const several = await cli(['hosts', '--simulate', a.f.scenarioPath], trayHome([a.f.configPath, b.f.configPath]));
    expect(several.code).toBe(2);
    expect(several.stderr).toContain('hosts takes one project and the app watches 2');
    expect(several.stdout).toBe('');
  });
});

describe('hosts and ssh-config name on stderr the VMs they left out, and why', () => {
  it('hosts: a stopped VM has no line and stderr says so; stdout stays the block alone', async () => {
    const { common } = project(dbOff);
    const r = await cli(['hosts', ...common]);
    expect(r.stdout).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.185.163 web\n# END RAGNATRAMP\n');
    expect(r.stderr).toContain('left out: db: VM is Off\n');
    expect(r.stderr).not.toContain('left out: web');
    expect(JSON.parse((await cli(['hosts', '--json', ...common])).stdout).leftOut).toEqual([{ machineName: 'db', reason: 'VM is Off' }]);
  });

  it('hosts: two VMs sharing an address are both left out, each naming the other', async () => {
    const { common } = project({ vms: [running(1, '172.18.185.163'), running(2, '172.18.185.163')] });
    const r = await cli(['hosts', ...common]);
    expect(r.stderr).toContain("left out: db: its IPv4 172.18.185.163 is also web's\n");
    expect(r.stderr).toContain("left out: web: its IPv4 172.18.185.163 is also db's\n");
  });

  it('ssh-config: a stopped VM has no Host entry and stderr says why', async () => {
    const { f } = project(dbOff);
    const r = await cli(['ssh-config', '--config', f.configPath, '--simulate', f.scenarioPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Host web');
    expect(r.stdout).not.toMatch(/Host db/);
    expect(r.stderr).toContain('left out: db: VM is Off\n');
  });
});
