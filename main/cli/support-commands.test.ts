// doctor, support-bundle and the log, through the command line in-process.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../engine/simulator/scenario.js';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { runCli } from './cli.js';
import { unzip } from '../../dev/test-support/unzip.js';

const scenario: Scenario = { vms: [{ name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] };

async function cli(args: string[], logDir?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: process.env, ...(logDir ? { logDir } : {}) });
  return { code, stdout, stderr };
}

describe('doctor', () => {
  it('passes every step on a healthy host and reaches each guest over SSH', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    const r = await cli(['doctor', '--config', f.configPath, '--simulate', f.scenarioPath]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('PASS  Virtual Machine Management service (vmms): Running');
    expect(r.stdout).toContain("PASS  Member of 'Hyper-V Administrators': yes");
    expect(r.stdout).toContain('PASS  Get-VM answers: 1 VM visible to you');
    expect(r.stdout).toMatch(/PASS {2}SSH to myproject\/web: /);
  });

  it('a stopped vmms and a missing membership each fail with their fix; exit 1', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { ...scenario, vmms: 'Stopped' } });
    const r = await cli(['doctor', '--config', f.configPath, '--simulate', f.scenarioPath]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}Virtual Machine Management service \(vmms\): Stopped\n {6}fix: Start it from Services/);
    const g = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { ...scenario, member: false } });
    const m = await cli(['doctor', '--config', g.configPath, '--simulate', g.scenarioPath, '--json']);
    expect(m.code).toBe(1);
    expect(JSON.parse(m.stdout).steps).toContainEqual({ step: "Member of 'Hyper-V Administrators'", ok: false, detail: 'no', fix: expect.stringMatching(/S-1-5-32-578.*sign out and back in/), provider: 'Hyper-V' });
  });

  it('a Get-VMSwitch refused for lack of permission says so, never "this PC has no Default Switch"', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { ...scenario, member: false } });
    const r = await cli(['doctor', '--config', f.configPath, '--simulate', f.scenarioPath, '--json']);
    const step = (JSON.parse(r.stdout) as { steps: Array<{ step: string; ok: boolean | null; detail: string; fix: string | null }> }).steps.find((s) => s.step === 'Default Switch present')!;
    expect(step).toMatchObject({ ok: false, detail: expect.stringMatching(/^could not be checked: Hyper-V refused the switch query \(You do not have the required permission.*\[Unspecified,Microsoft\.HyperV\.PowerShell\.Commands\.GetVMSwitch\]\)$/), fix: expect.stringMatching(/Hyper-V Administrators.*sign out and back in/) });
    expect(r.stdout).not.toMatch(/has no Default Switch/);
  });

  it("checks every provider the app's projects use, each with its own host checks (issue 23: not Hyper-V only)", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const viaLibvirt = makeFixture({ project: 'onvirt', machines: ['web'] });
    const viaQuickemu = makeFixture({ project: 'onquick', machines: ['db'] });
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: [viaLibvirt.configPath, viaQuickemu.configPath], providers: { [viaLibvirt.configPath]: { provider: 'libvirt', option: 'test:///default' }, [viaQuickemu.configPath]: { provider: 'quickemu', option: '/nonexistent/vms' } } }));
    const r = await cli(['doctor'], home);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('libvirt:\nPASS  virsh installed: ');
    expect(r.stdout).toContain('PASS  libvirt at test:///default answers: test:///default; runs TEST 0.0.2');
    expect(r.stdout).toMatch(/quickemu:\nFAIL {2}quickemu's folder: \/nonexistent\/vms cannot be read \(ENOENT\)\n {6}fix: Choose the folder/);
    const json = JSON.parse((await cli(['doctor', '--json'], home)).stdout) as { steps: Array<{ step: string; provider?: string }> };
    expect(new Set(json.steps.flatMap((s) => (s.provider ? [s.provider] : [])))).toEqual(new Set(['libvirt', 'quickemu']));
  }, 30_000);

  it('a usage error is one line and where to read the usage', async () => {
    const r = await cli(['doctor', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("ragnatramp-tray: unknown option '--bogus'\nRun 'ragnatramp-tray help doctor' for usage.\n");
  });
});

describe('the log and the support bundle', () => {
  it('a command writes JSON lines to the log in the tray folder; --verbose mirrors them on stderr', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    const r = await cli(['reconcile', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--wait', '0', '--verbose'], home);
    expect(r.code).toBe(0);
    const lines = readFileSync(path.join(home, 'ragnatramp-tray.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.msg)).toEqual(['command', 'powershell invocation', 'pass']);
    expect(lines[1]).toMatchObject({ component: 'cli', host: { languageMode: 'FullLanguage', psVersion: '5.1.22621.4391' } });
    expect(lines[2]).toMatchObject({ project: 'myproject', vms: [{ machine: 'web', ipv4: '172.18.185.163', tier: 'kvp' }], stateWritten: true });
    expect(r.stderr).toMatch(/^\[log\] \d\d:\d\d:\d\d info pass project=myproject/m);
  });

  it('an SSH failure is logged with its VM', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { vms: [{ ...scenario.vms![0]!, guest: { sudo: 'password' } }] } });
    await cli(['reconcile', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath, '--wait', '0'], home);
    const failures = readFileSync(path.join(home, 'ragnatramp-tray.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.msg === 'ssh failure');
    expect(failures).toEqual([expect.objectContaining({ level: 40, project: 'myproject', machine: 'web', error: expect.stringMatching(/sudo asks user 'ubuntu' for a password/) })]);
  });

  it('support-bundle writes one zip: log, versions, settings, each project; key paths but never a key', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario });
    writeFileSync(f.keyPath, '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETKEYMATERIAL\n-----END OPENSSH PRIVATE KEY-----\n');
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: [f.configPath], pollSeconds: 10 }));
    await cli(['status', '--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath], home);
    const out = path.join(home, 'bundle.zip');
    const r = await cli(['support-bundle', '--out', out], home);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${out}\n`);
    const entries = unzip(out);
    expect([...entries.keys()].sort()).toEqual(['log/ragnatramp-tray.log', 'projects/1-' + path.basename(f.dir) + '/ragnatramp.yaml', 'projects/1-' + path.basename(f.dir) + '/state.json', 'settings/settings.json', 'versions.json', 'contents.json'].sort());
    expect(JSON.parse(entries.get('versions.json')!)).toMatchObject({ app: '0.1.0', node: process.versions.node, powershell: { version: '5.1.22621.4391', languageMode: 'FullLanguage' }, projects: [f.configPath] });
    const all = [...entries.values()].join('\n');
    expect(all).toContain('private_key: ./id_test'); // the path, as written
    expect(all).not.toContain('SECRETKEYMATERIAL');
  });
});

describe('doctor and support-bundle --json print one { error } object when they fail (README: every command with --json)', () => {
  it('doctor with a --simulate file that does not exist: exit 2, the error as JSON on stdout and said on stderr', async () => {
    const missing = path.join(mkdtempSync(path.join(os.tmpdir(), 'rt-sim-')), 'nope.yaml');
    const r = await cli(['doctor', '--json', '--simulate', missing], mkdtempSync(path.join(os.tmpdir(), 'rt-home-')));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: expect.stringContaining(missing), exitCode: 2 } });
    expect(r.stderr).toContain(missing);
  });

  it('support-bundle whose --out cannot be written: exit 1, the error as JSON on stdout', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));
    const notADir = path.join(home, 'a-file');
    writeFileSync(notADir, '');
    const r = await cli(['support-bundle', '--json', '--out', path.join(notADir, 'bundle.zip')], home);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ error: { message: expect.stringMatching(/^The support bundle could not be written: .*ENOTDIR/), exitCode: 1 } });
    expect(r.stderr).toMatch(/^The support bundle could not be written: /);
  });
});
