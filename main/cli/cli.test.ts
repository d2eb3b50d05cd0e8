// The command line in-process: output shape, exit codes and messages.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makeFixture } from '../../dev/test-support/project-fixture.js';
import { seed000Problems } from '../../dev/test-support/seed-000-schema.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { settingsProvider } from './tray-settings.js';
import { runCli } from './cli.js';
import { createEnvironment, type Environment } from '../engine/environment.js';

const emptyHome = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  // A tray folder with no settings: the user's own watched projects never reach a test.
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...process.env, RAGNATRAMP_TRAY_HOME: emptyHome } });
  return { code, stdout, stderr };
}

/** Runs the CLI on a shared environment, so simulated guests keep their state between runs. */
function runCliWith(env: Environment, args: string[], io: { out: string; err: string }) {
  return runCli(args, {
    stdout: (t) => (io.out += t),
    stderr: (t) => (io.err += t),
    env: process.env,
    createEnvironment: async () => ({ ...env, dispose: async () => undefined }),
  });
}

const scenario: Scenario = {
  vms: [
    { name: 'myproject-web-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000001', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163', 'fe80::215:5dff:fede:3309'] }] },
    { name: 'myproject-db-a1b2c3d4', id: '6f1c2d9e-0000-4000-8000-000000000002', kvp: 'No Contact', adapters: [{ mac: '00155DDE330A' }] },
  ],
  neighbors: [{ ip: '172.18.185.164', mac: '00-15-5D-DE-33-0A', state: 'Permanent' }],
};

function project(s: Scenario = scenario) {
  const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: s });
  const common = ['--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath];
  return { f, common };
}

describe('ragnatramp-tray status', () => {
  it('prints a compact table with status, IP, tier, MAC, KVP and SSH, and writes nothing', async () => {
    const { f, common } = project();
    const before = readFileSync(f.statePath);
    const r = await cli(['status', ...common]);
    // db's KVP has no contact: a VM that needs attention.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('  MACHINE  STATUS   IPv4            SOURCE  MAC                KVP         SSH\n');
    expect(r.stdout).toContain('  db       running  172.18.185.164  ARP     00:15:5D:DE:33:0A  No Contact  open\n');
    expect(r.stdout).toContain('  web      running  172.18.185.163  KVP     00:15:5D:DE:33:09  OK          open\n');
    expect(r.stdout).toMatch(/! db: KVP reports 'No Contact'.*linux-cloud-tools-\$\(uname -r\)/);
    expect(readFileSync(f.statePath)).toEqual(before);
  });

  it('takes several projects and reports them all in one JSON document', async () => {
    const a = project();
    const b = project();
    const r = await cli(['status', '--json', '--config', a.f.configPath, '--config', b.f.configPath, '--simulate', a.f.scenarioPath]);
    const doc = JSON.parse(r.stdout);
    expect(doc.projects).toHaveLength(2);
    expect(doc.projects[0].vms.map((v: { machineName: string; status: string }) => `${v.machineName}:${v.status}`)).toEqual(['db:running', 'web:running']);
    // Both fixtures run the same simulated VMs: every IP is a duplicate across the projects.
    expect(doc.duplicates.map((d: { ip: string }) => d.ip)).toEqual(['172.18.185.163', '172.18.185.164']);
  });

  it('--verbose prints each PowerShell invocation on stderr, starting with [powershell]', async () => {
    const { common } = project();
    const r = await cli(['status', ...common, '--verbose']);
    const blocks = r.stderr.split('\n').filter((l) => l.startsWith('[powershell]'));
    expect(blocks[0]).toMatch(/^\[powershell\] invocation 1 \(\d+ chars\):$/);
    expect(blocks[1]).toMatch(/^\[powershell\] invocation 1 answered in \d+ ms/);
    expect(r.stderr).toContain('<# ragnatramp-tray discovery v2 #>');
  });

  it('shows hostile names without letting them drive the terminal', async () => {
    const s: Scenario = { vms: [{ ...scenario.vms![0]!, name: 'evil\u001b[2J\u202eweb' }] };
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web', name: 'evil\u001b[2J\u202eweb', id: '6f1c2d9e-0000-4000-8000-000000000001' }], scenario: s });
    const r = await cli(['diagnose', '--config', f.configPath, '--simulate', f.scenarioPath]);
    // The guest has no managed block yet: a check that fails.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('evil?[2J?web');
    expect(r.stdout).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('a provider without KVP (issue 21 point 5)', () => {
  it('status and diagnose carry no KVP field or column for a manifest VM', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }] });
    const manifest = path.join(f.dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ version: 1, vms: [{ name: 'myproject-web-a1b2c3d4', mac: '52:54:00:aa:00:01' }], leaseFiles: [] }));
    const common = ['--config', f.configPath, '--provider', 'linux', '--manifest', manifest, '--known-hosts', f.knownHostsPath, '--wait', '0'];
    const json = JSON.parse((await cli(['status', '--json', ...common])).stdout);
    expect(json.projects[0].vms[0]).not.toHaveProperty('kvpStatus');
    const table = (await cli(['status', ...common])).stdout;
    expect(table).toContain('  MACHINE  STATUS');
    expect(table).not.toContain('KVP');
    const diag = await cli(['diagnose', '--json', ...common]);
    expect(JSON.parse(diag.stdout).vms[0]).not.toHaveProperty('kvpStatus');
    expect((await cli(['diagnose', ...common])).stdout).not.toContain('KVP');
  });
});

describe('ragnatramp-tray reconcile', () => {
  it('--json prints a seed-000 ReconcileResult (plus each warning\'s code in an added field) and nothing else', async () => {
    const { common } = project();
    const r = await cli(['reconcile', '--json', ...common]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(seed000Problems(result)).toEqual([]);
    expect(Object.keys(result)).toEqual(['success', 'discoveries', 'diffs', 'hostsSyncResults', 'hostsBlock', 'warnings', 'codedWarnings']);
    expect(Object.keys(result.discoveries[0])).toEqual(['machineName', 'vmName', 'vmState', 'network', 'tier', 'warnings', 'codedWarnings']);
    expect(Object.keys(result.diffs[0])).toEqual(['machineName', 'field', 'oldValue', 'newValue']);
    expect(result.hostsSyncResults).toEqual([
      { machineName: 'db', success: true, skipped: false },
      { machineName: 'web', success: true, skipped: false },
    ]);
    expect(result.hostsBlock).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.185.164 db\n172.18.185.163 web\n# END RAGNATRAMP\n');
    expect(r.stderr).toBe('');
  });

  it('human output: summary line, table with the hosts outcome, and the changes', async () => {
    const { common } = project();
    const r = await cli(['reconcile', ...common]);
    expect(r.stdout).toMatch(/^myproject: 2 VMs, state\.json updated \(8 changes\), hosts synced on 2 of 2\n/);
    expect(r.stdout).toContain('  web      running  172.18.185.163  KVP     updated\n');
    expect(r.stdout).toContain('    web network.ipv4: (none) -> 172.18.185.163\n');
    expect(r.stdout).toMatch(/trusted its SSH host key on first use \(SHA256:/);
  });

  it('a PowerShell failure exits 1 with the fix, and --json still prints a ReconcileResult', async () => {
    const { common } = project({ ...scenario, vmms: 'Stopped', language: 'de-DE' });
    const r = await cli(['reconcile', '--json', ...common]);
    expect(r.code).toBe(1);
    expect(seed000Problems(JSON.parse(r.stdout))).toEqual([]);
    expect(JSON.parse(r.stdout)).toMatchObject({ success: false, discoveries: [], hostsSyncResults: [] });
    // German error text, classified all the same: from the vmms service's state, not the words.
    expect(r.stderr).toMatch(/The Hyper-V Virtual Machine Management service \(vmms\) is Stopped\.\nStart it from Services.*\nHyper-V said: Hyper-V konnte keinen virtuellen Computer finden/);
  });

  it('a failing VM exits 1 and the table says why', async () => {
    const { common } = project({ ...scenario, vms: [{ ...scenario.vms![0]!, guest: { sudo: 'password' } }, scenario.vms![1]!] });
    const r = await cli(['reconcile', ...common]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/web .* FAILED: sudo asks user 'ubuntu' for a password/);
  });

  it('--dry-run and --no-hosts', async () => {
    const { f, common } = project();
    const before = readFileSync(f.statePath);
    const dry = await cli(['reconcile', ...common, '--dry-run']);
    expect(dry.stdout).toMatch(/dry run: nothing written/);
    expect(dry.code).toBe(0); // skipped on purpose: not exit 3
    expect(readFileSync(f.statePath)).toEqual(before);
    const noHosts = await cli(['reconcile', '--json', ...common, '--no-hosts']);
    expect(noHosts.code).toBe(0);
    expect(seed000Problems(JSON.parse(noHosts.stdout))).toEqual([]);
    expect(JSON.parse(noHosts.stdout).hostsSyncResults[0]).toEqual({ machineName: 'db', success: true, skipped: true, skipReason: 'hosts sync not requested (--no-hosts)' });
    expect(JSON.parse(readFileSync(f.statePath, 'utf8')).vms.web.network.ipv4).toBe('172.18.185.163');
  });
});

describe('ragnatramp-tray diagnose and hosts', () => {
  it('diagnose --json gives the project and its DiagnosticResults with the No Contact fix', async () => {
    const { f, common } = project();
    const r = await cli(['diagnose', '--json', ...common]);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ project: 'myproject', configPath: f.configPath });
    const results = doc.vms;
    expect(results.map((d: { machineName: string; kvpStatus: string; sshReachable: boolean }) => [d.machineName, d.kvpStatus, d.sshReachable])).toEqual([['db', 'No Contact', true], ['web', 'OK', true]]);
    expect(results[0].warnings[0]).toContain('sudo apt-get install -y linux-cloud-tools-$(uname -r) && sudo modprobe -r hv_utils && sudo modprobe hv_utils');
    expect(Object.keys(results[0])).toEqual(['machineName', 'vmName', 'kvpStatus', 'sshReachable', 'warnings', 'codedWarnings', 'guest']);
    expect(results[0].guest).toEqual({
      os: 'Ubuntu 24.04.1 LTS',
      kernel: '6.8.0-45-generic',
      kvpDaemon: {
        installed: false,
        running: false,
        package: 'linux-cloud-tools-6.8.0-45-generic',
        fix: [
          'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update',
          'sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y linux-cloud-tools-6.8.0-45-generic',
          'sudo -n modprobe -r hv_utils',
          'sudo -n modprobe hv_utils',
          'sudo -n systemctl restart hv-kvp-daemon.service',
        ],
      },
      sudo: true,
      cloudInitManagesHosts: false,
      hostsBlock: 'missing',
      machineId: expect.stringMatching(/^[0-9a-f]{32}$/),
      clonedWith: [],
      warnings: [
        "The KVP daemon (hv_kvp_daemon) is not installed: install linux-cloud-tools-6.8.0-45-generic, so Hyper-V cannot see this guest's IP. 'ragnatramp-tray fix kvp' does it over SSH.",
        "/etc/hosts has no managed block yet: reconcile to write it (Sync now in the window, or 'ragnatramp-tray reconcile').",
      ],
      codedWarnings: [expect.objectContaining({ code: 'kvp-daemon-missing' }), expect.objectContaining({ code: 'hosts-block-missing' })],
    });
    expect(results[1].guest.kvpDaemon).toMatchObject({ installed: true, running: true, fix: [] });
  });

  it('diagnose flags cloud-init rewriting /etc/hosts and sudo wanting a password', async () => {
    const { common } = project({ ...scenario, vms: [{ ...scenario.vms![0]!, guest: { sudo: 'password', manageEtcHosts: 'true', os: 'debian' } }, scenario.vms![1]!] });
    const r = await cli(['diagnose', ...common]);
    expect(r.stdout).toMatch(/web: cloud-init has manage_etc_hosts: true, so it rewrites \/etc\/hosts at every boot/);
    expect(r.stdout).toMatch(/web: sudo asks user 'ubuntu' for a password/);
    expect(r.stdout).toContain('  fix for db (ragnatramp-tray fix kvp --config');
  });

  it('diagnose calls an old block in a guest "out of date", the one word the window uses too (issue 23, point 6)', async () => {
    const { common } = project({ ...scenario, vms: [{ ...scenario.vms![0]!, guest: { hosts: '127.0.0.1 localhost\n# BEGIN RAGNATRAMP\n172.18.185.1 old\n# END RAGNATRAMP\n' } }, scenario.vms![1]!] });
    const r = await cli(['diagnose', ...common]);
    expect(r.stdout).toContain('block out of date');
    expect(r.stdout).not.toMatch(/\bstale\b/);
    expect(r.stdout).toContain("web: /etc/hosts holds an out-of-date managed block: reconcile to update it (Sync now in the window, or 'ragnatramp-tray reconcile').");
  });

  it('fix kvp: the dry run prints the commands; the real run installs the daemon and KVP reports from then on', async () => {
    const { f } = project();
    const env = await createEnvironment({ simulate: f.scenarioPath, knownHostsFile: f.knownHostsPath });
    const io = { out: '', err: '' };
    const args = ['fix', 'kvp', '--config', f.configPath, '--machine', 'db'];
    const dry = await runCliWith(env, [...args, '--dry-run'], io);
    expect(dry).toBe(0);
    expect(io.out).toBe('db: these commands would run over SSH, in order, stopping at the first failure:\n  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update\n  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y linux-cloud-tools-6.8.0-45-generic\n  sudo -n modprobe -r hv_utils\n  sudo -n modprobe hv_utils\n  sudo -n systemctl restart hv-kvp-daemon.service\n');
    io.out = '';
    expect(await runCliWith(env, args, io)).toBe(0);
    expect(io.err.split('\n').filter((l) => l.startsWith('$ '))).toHaveLength(5);
    expect(io.out).toMatch(/db: the KVP daemon is installed and running/);
    io.out = '';
    await runCliWith(env, ['status', '--config', f.configPath], io);
    expect(io.out).toMatch(/db +running +172\.18\.185\.164 +ARP +00:15:5D:DE:33:0A +OK/);
    io.out = '';
    expect(await runCliWith(env, args, io)).toBe(0);
    expect(io.out).toBe('db: nothing to do: the KVP daemon is installed and running\n');
    await env.dispose();
  });

  it('hosts prints the block; --apply-to merges it atomically with a backup, once', async () => {
    const { f, common } = project();
    const printed = await cli(['hosts', ...common]);
    expect(printed.stdout).toBe('# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.185.164 db\n172.18.185.163 web\n# END RAGNATRAMP\n');
    const target = path.join(f.dir, 'hosts');
    writeFileSync(target, '127.0.0.1 localhost\r\n');
    const applied = await cli(['hosts', ...common, '--apply-to', target]);
    expect(applied.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe(`127.0.0.1 localhost\r\n${printed.stdout.replace(/\n/g, '\r\n')}`);
    expect(readFileSync(`${target}.ragnatramp.bak`, 'utf8')).toBe('127.0.0.1 localhost\r\n');
    const again = await cli(['hosts', ...common, '--apply-to', target]);
    expect(again.stderr).toMatch(/already holds the current block; nothing written/);
  });

  it("hosts --apply-to never drops a running VM's line only because its address is unknown this pass: the file's line, else state.json's", async () => {
    // db runs, but neither KVP nor the neighbour table knows its address this pass.
    const blind: Scenario = { vms: scenario.vms, neighbors: [] };
    const { f, common } = project(blind);
    const target = path.join(f.dir, 'hosts');
    writeFileSync(target, '127.0.0.1 localhost\n# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.185.164 db\n172.18.185.150 web\n# END RAGNATRAMP\n');
    const fromFile = await cli(['hosts', ...common, '--apply-to', target]);
    expect(fromFile.code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('127.0.0.1 localhost\n# BEGIN RAGNATRAMP\n# Managed by ragnatramp - do not edit this block\n172.18.185.164 db\n172.18.185.163 web\n# END RAGNATRAMP\n');
    expect(fromFile.stderr).toContain(`kept: db 172.18.185.164: its address is unknown this pass, so its line stays (the one ${target} had)\n`);
    expect(fromFile.stderr).not.toContain('left out: db');
    // A file without db's line: state.json's last known address.
    const g = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db', network: { ipv4: '172.18.185.170', ipv6: [], mac: '00155DDE330A', adapterName: 'Network Adapter', source: 'arp', discoveredAt: '2026-11-20T10:00:00.000Z', previousIpv4: null } }], scenario: blind });
    const other = path.join(g.dir, 'hosts');
    writeFileSync(other, '127.0.0.1 localhost\n');
    const fromState = await cli(['hosts', '--config', g.configPath, '--simulate', g.scenarioPath, '--known-hosts', g.knownHostsPath, '--apply-to', other, '--json']);
    expect(readFileSync(other, 'utf8')).toContain('172.18.185.170 db\n172.18.185.163 web\n');
    const doc = JSON.parse(fromState.stdout);
    expect(doc.applied.kept).toEqual([{ machineName: 'db', ip: '172.18.185.170', from: 'state' }]);
    expect(doc.leftOut).toEqual([]);
    // Printing the block (no file to keep a line in) still says what it left out.
    expect((await cli(['hosts', ...common])).stderr).toContain('left out: db: ');
  });
});

describe('bad input exits 2 with a message that says what to do', () => {
  it.each([
    [['frobnicate', '--config', 'x'], /unknown command 'frobnicate'/],
    [['status'], /status needs --config/],
    [['reconcile', '--config', 'a', '--config', 'b'], /reconcile takes one --config/],
    [['status', '--config', 'a', '--dry-run'], /--dry-run applies to reconcile and fix kvp only/],
    [['fix', 'disk', '--config', 'a'], /fix knows one repair: 'fix kvp'/],
    [['fix', 'kvp', '--config', 'a'], /fix kvp needs --machine/],
    [['reconcile', '--config', 'a', '--wait', 'soon'], /--wait must be a number of seconds/],
    [['status', '--config', 'a', '--bogus'], /unknown option '--bogus'/],
  ])('%j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message as RegExp);
    // One line and a hint, not the whole help.
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/\nRun 'ragnatramp-tray help( \w+)?' for usage\.\n$/);
  });

  it('says "did you mean" for a mistyped command, option or machine', async () => {
    expect((await cli(['stauts', '--config', 'a'])).stderr).toBe("ragnatramp-tray: unknown command 'stauts'; did you mean 'status'?\nRun 'ragnatramp-tray help' for usage.\n");
    expect((await cli(['reconcile', '--config', 'a', '--dryrun'])).stderr).toBe("ragnatramp-tray: unknown option '--dryrun'; did you mean '--dry-run'?\nRun 'ragnatramp-tray help reconcile' for usage.\n");
    expect((await cli(['doctor', '--jsno'])).stderr).toContain("unknown option '--jsno'; did you mean '--json'?");
    const { common } = project();
    const r = await cli(['fix', 'kvp', ...common, '--machine', 'wbe', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("has no machine named 'wbe'; did you mean 'web'?");
  });

  it('--json is one JSON object for every command, errors too', async () => {
    const { f, common } = project();
    const hosts = JSON.parse((await cli(['hosts', '--json', ...common])).stdout);
    expect(hosts).toMatchObject({ project: 'myproject', configPath: f.configPath, hostsBlock: expect.stringContaining('# BEGIN RAGNATRAMP'), entries: expect.any(Array), warnings: [] });
    const broken = await cli(['status', '--json', '--config', '/nonexistent/ragnatramp.yaml']);
    expect(broken.code).toBe(2);
    expect(JSON.parse(broken.stdout)).toEqual({ error: { message: expect.stringContaining('/nonexistent/ragnatramp.yaml'), exitCode: 2 } });
  });

  it('a simulated reconcile says its guests keep their files for this run only', async () => {
    const { common } = project();
    const r = await cli(['reconcile', ...common, '--wait', '0']);
    expect(r.stderr).toContain("note: simulated guests keep their /etc/hosts for this run only");
  });

  it('help <command> and <command> --help show its options and examples', async () => {
    const a = await cli(['help', 'reconcile']);
    const b = await cli(['reconcile', '--help']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/^Discover IPs.*\n\nUsage: ragnatramp-tray reconcile \(--config <ragnatramp.yaml> \| --quickemu/);
    expect(a.stdout).toContain('--accept-host-key <machine>');
    expect(a.stdout).toContain('Examples:\n  ragnatramp-tray reconcile --config ragnatramp.yaml\n');
    expect((await cli(['ssh-config', '--help'])).stdout).toContain('ssh web');
    expect((await cli(['help'])).stdout).toContain("Run 'ragnatramp-tray help <command>'");
    expect((await cli(['help', 'recon'])).stderr).toContain("no command 'recon'; did you mean 'reconcile'?");
  });

  it('a broken ragnatramp.yaml names file, line and field', async () => {
    const { f, common } = project();
    writeFileSync(f.configPath, 'project:\n  name: 1bad\nmachines:\n  - name: web\n');
    const r = await cli(['status', ...common]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${f.configPath}:2:9: project.name: "1bad" does not match ^[a-zA-Z][a-zA-Z0-9-]{0,31}$\nFix ragnatramp.yaml and try again; nothing was written.\n`);
  });

  it('a broken scenario names the field', async () => {
    const { f, common } = project();
    writeFileSync(f.scenarioPath, stringify({ vms: [{ name: 'x', kvp: 'Maybe' }] }));
    const r = await cli(['status', ...common]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenario\.yaml:\d+:\d+: vms\[0\]\.kvp: must be one of "OK", "No Contact", "Lost Communication", "Disabled", "none" \(got "Maybe"\)/);
  });
});

describe("the provider the app's settings give a project", () => {
  function trayHome(providers: Record<string, { provider: string; option?: string }>) {
    const home = mkdtempSync(path.join(os.tmpdir(), 'rt-cli-home-'));
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify({ projects: Object.keys(providers), providers }));
    return home;
  }
  async function cliIn(home: string, args: string[]) {
    const io = { out: '', err: '' };
    const code = await runCli(args, { stdout: (t) => (io.out += t), stderr: (t) => (io.err += t), env: process.env, logDir: home });
    return { code, ...io };
  }

  it('is used when the command names none; a provider on the command line wins', async () => {
    const f = makeFixture({ project: 'qp', machines: ['box'] });
    const vms = mkdtempSync(path.join(os.tmpdir(), 'rt-cli-vms-'));
    writeFileSync(path.join(vms, 'box.conf'), 'guest_os="linux"\n');
    const home = trayHome({ [f.configPath]: { provider: 'quickemu', option: vms } });
    const r = await cliIn(home, ['status', '--json', '--config', f.configPath, '--known-hosts', path.join(home, 'kh.json')]);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).projects[0].vms[0]).toMatchObject({ machineName: 'box', status: 'missing', warnings: [expect.stringContaining(`'box' has a .conf but quickemu has not started it yet (no ${path.join(vms, 'disk.qcow2')})`)] });
    const s = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
    const named = await cliIn(trayHome({ [s.configPath]: { provider: 'quickemu', option: vms } }), ['status', '--json', '--config', s.configPath, '--simulate', s.scenarioPath, '--known-hosts', path.join(home, 'kh.json')]);
    expect(JSON.parse(named.out).projects[0].vms.map((v: { tier: string }) => v.tier)).toEqual(['arp', 'kvp']);
  });

  it('projects given different providers cannot share one run: a usage error says so', async () => {
    const a = makeFixture({ project: 'pa', machines: ['a'] });
    const b = makeFixture({ project: 'pb', machines: ['b'] });
    const home = trayHome({ [a.configPath]: { provider: 'libvirt' }, [b.configPath]: { provider: 'hyperv' } });
    const r = await cliIn(home, ['status', '--config', a.configPath, '--config', b.configPath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/these projects use different providers in the app's settings \(.*: libvirt, .*: hyperv\): run the command once per project, or name one with --provider/);
  });

  it('Automatic and no choice at all are one choice: such projects share a run', async () => {
    const a = makeFixture({ project: 'pa', machines: ['a'] });
    const b = makeFixture({ project: 'pb', machines: ['b'] });
    const home = trayHome({ [a.configPath]: { provider: 'auto' } });
    await expect(settingsProvider(home, [a.configPath, b.configPath])).resolves.toBeNull();
  });
});
