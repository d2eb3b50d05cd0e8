// One JSON shape (issue 23, point 16): every command's --json gives each warning's code beside its
// text in an added `codedWarnings` field, seed 000's string `warnings` kept as they are; the help
// lists `version`, `help` and --proxmox-token, and `help fix` reads as a sentence.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeFixture, vmId } from '../../dev/test-support/project-fixture.js';
import { seed000Problems } from '../../dev/test-support/seed-000-schema.js';
import type { Scenario } from '../engine/simulator/scenario.js';
import { runCli } from './cli.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'rt-home-'));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { ...process.env, RAGNATRAMP_TRAY_HOME: home } });
  return { code, stdout, stderr };
}

// web runs; db is Off; both share nothing.
const scenario: Scenario = {
  vms: [
    { name: 'myproject-web-a1b2c3d4', id: vmId(1), adapters: [{ mac: '00155DDE3301', ipAddresses: ['172.18.185.163'] }] },
    { name: 'myproject-db-a1b2c3d4', id: vmId(2), state: 'Off', adapters: [{ mac: '00155DDE3302' }] },
  ],
};

function project() {
  const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario });
  return ['--config', f.configPath, '--simulate', f.scenarioPath, '--known-hosts', f.knownHostsPath];
}

type Coded = { code: string; text: string };
/** codedWarnings says the same texts as warnings, in the same order. */
const sameTexts = (o: { warnings: string[]; codedWarnings: Coded[] }) => expect(o.codedWarnings.map((w) => w.text)).toEqual(o.warnings);

describe('--json: each warning has its code beside its text', () => {
  it('reconcile: the result and each DiscoveryResult keep string warnings and add codedWarnings', async () => {
    const r = JSON.parse((await cli(['reconcile', '--json', '--wait', '0', ...project()])).stdout);
    expect(seed000Problems(r)).toEqual([]);
    expect(r.warnings.every((w: unknown) => typeof w === 'string')).toBe(true);
    sameTexts(r);
    expect(r.codedWarnings.find((w: Coded) => w.text.startsWith('db: '))?.code).toBe('vm-stopped');
    const db = r.discoveries.find((d: { machineName: string }) => d.machineName === 'db');
    sameTexts(db);
    expect(db.codedWarnings.map((w: Coded) => w.code)).toEqual(['vm-stopped']);
    // An SSH host key trusted on first use is a warning with its own code.
    expect(r.codedWarnings.find((w: Coded) => w.text.includes('trusted its SSH host key on first use'))?.code).toBe('host-key-pinned');
  });

  it('status and diagnose: every VM carries codedWarnings beside warnings; status the project too', async () => {
    const common = project();
    const s = JSON.parse((await cli(['status', '--json', ...common])).stdout);
    const p = s.projects[0];
    sameTexts(p);
    for (const vm of p.vms) sameTexts(vm);
    expect(p.vms.find((v: { machineName: string }) => v.machineName === 'db').codedWarnings[0].code).toBe('vm-stopped');
    const d = JSON.parse((await cli(['diagnose', '--json', ...common])).stdout);
    for (const vm of d.vms) sameTexts(vm);
    expect(d.vms.find((v: { machineName: string }) => v.machineName === 'db').codedWarnings[0].code).toBe('vm-stopped');
  });

  it("diagnose: the guest checks' warnings carry their codes too", async () => {
    const d = JSON.parse((await cli(['diagnose', '--json', ...project()])).stdout);
    const guest = d.vms.find((v: { machineName: string }) => v.machineName === 'web').guest;
    expect(guest.warnings.length).toBeGreaterThan(0);
    sameTexts(guest);
    // Never synced: the simulated guest's /etc/hosts has no managed block yet.
    expect(guest.codedWarnings.map((w: Coded) => w.code)).toContain('hosts-block-missing');
  });

  it('hosts: a duplicate address has its code', async () => {
    const dup: Scenario = { vms: [scenario.vms![0]!, { ...scenario.vms![1]!, state: 'Running', adapters: [{ mac: '00155DDE3302', ipAddresses: ['172.18.185.163'] }] }] };
    const f = makeFixture({ machines: ['web', 'db'], vms: [{ machine: 'web' }, { machine: 'db' }], scenario: dup });
    const h = JSON.parse((await cli(['hosts', '--json', '--config', f.configPath, '--simulate', f.scenarioPath])).stdout);
    sameTexts(h);
    expect(h.codedWarnings.map((w: Coded) => w.code)).toEqual(['duplicate-ip', 'duplicate-ip']);
  });

  it('a reconcile that cannot query the hypervisor keeps the seed shape and codes its one warning', async () => {
    const f = makeFixture({ machines: ['web'], vms: [{ machine: 'web' }], scenario: { ...scenario, vmms: 'Stopped' } });
    const r = await cli(['reconcile', '--json', '--config', f.configPath, '--simulate', f.scenarioPath]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(seed000Problems(doc)).toEqual([]);
    sameTexts(doc);
    expect(doc.codedWarnings).toEqual([{ code: 'hypervisor-unavailable', text: doc.warnings[0] }]);
  });
});

describe('help', () => {
  it('lists version and help, and --proxmox-token among the options', async () => {
    const overview = (await cli(['help'])).stdout;
    expect(overview).toMatch(/\n {2}version +print the version \(also --version\)\n/);
    expect(overview).toMatch(/\n {2}help \[<command>\] +this overview/);
    expect((await cli(['help', 'status'])).stdout).toMatch(/\n {2}--proxmox-token <file> +Proxmox VE provider: the API token's file/);
    expect(await cli(['version'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ragnatramp-tray \d+\.\d+\.\d+\n$/) });
    expect((await cli(['version', 'x'])).code).toBe(2);
  });

  it('help fix reads as a sentence, not "Fix kvp: install …"', async () => {
    expect((await cli(['help', 'fix'])).stdout).toMatch(/^Install and start a guest's Hyper-V KVP daemon over SSH\.\n/);
  });
});
