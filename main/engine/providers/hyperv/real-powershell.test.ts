// The discovery and doctor scripts run in the real PowerShell (pwsh 7.6.10, installed by .ci/run),
// through node-powershell, against the tests' Windows host (dev/test-support/hyperv-cmdlets.cs:
// Get-VM & co. as compiled cmdlets answering from a scenario, with Hyper-V's types and error
// records), in FullLanguage and in ConstrainedLanguage; every answer must be what the JavaScript
// simulator answers for the same scenario.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HyperVHost, pwsh, type LanguageMode } from '../../../../dev/test-support/real-powershell.js';
import { fixedScenario } from '../../simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../simulator/simulated-powershell.js';
import type { Scenario } from '../../simulator/scenario.js';
import type { VmRef } from '../../discovery/observation.js';
import { DOCTOR_SCRIPT } from './discovery-script.js';
import { HyperVProvider } from './hyperv-provider.js';
import { NodePowerShellRunner, type PowerShellRunner } from './powershell-runner.js';

let host: HyperVHost;
beforeAll(() => {
  if (pwsh) host = HyperVHost.build();
}, 120_000);
afterAll(() => {
  if (host) rmSync(host.dir, { recursive: true, force: true });
});

/** An executable that starts the real pwsh with the host for `scenario`, in `mode`. */
function powershellFor(scenario: Scenario, mode: LanguageMode): string {
  return host.powershellFor(scenario, mode).exe;
}

const runners: PowerShellRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.dispose();
});

const NOW = '2026-11-22T10:00:00.000Z';
const ID = (k: number) => `6f1c2d9e-0000-4000-8000-${String(k).padStart(12, '0')}`;
const ref = (machineName: string, vmName: string, vmId: string | null): VmRef => ({ project: 'p', machineName, vmName, vmId });

async function both(scenario: Scenario, refs: VmRef[], mode: 'FullLanguage' | 'ConstrainedLanguage') {
  const runner = new NodePowerShellRunner({ timeoutMs: 30_000, executable: powershellFor(scenario, mode) });
  runners.push(runner);
  const settle = <T>(p: Promise<T>) => p.then((value) => ({ value }), (error: Error) => ({ error: error.message }));
  const real = await settle(new HyperVProvider(runner).observe(refs, NOW));
  const simulated = await settle(new HyperVProvider(new SimulatedPowerShell(fixedScenario({ ...scenario, languageMode: mode }), { timeoutMs: 30_000 })).observe(refs, NOW));
  return { real, simulated, runner };
}

const busy: Scenario = {
  vms: [
    { name: 'p-web-a1b2c3d4', id: ID(1), adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163', 'fe80::215:5dff:fede:3309'] }] },
    { name: 'p-db-a1b2c3d4', id: ID(2), kvp: 'No Contact', adapters: [{ mac: '00155DDE330A' }] },
    { name: 'p-off-a1b2c3d4', id: ID(3), state: 'Off', adapters: [{ mac: '00155DDE330B' }] },
    { name: 'p-new-a1b2c3d4', id: ID(4), kvp: 'No Contact', adapters: [{ mac: '000000000000' }] },
    { name: 'p-wéb-日本-a1b2c3d4', id: ID(5), adapters: [{ name: 'LAN', mac: '00155DDE330C', switch: 'External', ipAddresses: ['192.168.1.50'] }, { mac: '00155DDE330D', switch: 'Standaard schakeloptie', switchId: 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444', ipAddresses: ['172.18.185.170'] }] },
    { name: 'p-gone-a1b2c3d4', id: ID(6), adapterError: 'The operation cannot be performed while the object is in its current state.' },
    { name: 'renamed-in-hyper-v-manager', id: ID(7), kvp: 'Disabled', adapters: [{ mac: '00155DDE330E' }] },
    { name: 'p-nocfg-a1b2c3d4', id: ID(9), adapters: [{ mac: '00155DDE330F', ipAddresses: ['172.18.185.180'], ipAddressesError: 'The guest network configuration is not available.' }] },
  ],
  neighbors: [
    { ip: '172.18.185.164', mac: '00-15-5D-DE-33-0A', state: 'Stale' },
    { ip: '172.18.185.99', mac: '00-00-00-00-00-00' },
    { ip: '172.18.185.165', mac: '00-15-5D-DE-33-0E', state: 'Reachable' },
    { ip: '172.18.185.181', mac: '00-15-5D-DE-33-0F' },
  ],
};
const busyRefs = [
  ref('web', 'p-web-a1b2c3d4', ID(1)),
  ref('db', 'p-db-a1b2c3d4', ID(2)),
  ref('off', 'p-off-a1b2c3d4', null),
  ref('new', 'p-new-a1b2c3d4', ID(4)),
  ref('intl', 'p-wéb-日本-a1b2c3d4', null),
  ref('gone', 'p-gone-a1b2c3d4', ID(6)),
  ref('renamed', 'p-renamed-a1b2c3d4', ID(7)),
  ref('missing', 'p-missing-a1b2c3d4', ID(8)),
  ref('nocfg', 'p-nocfg-a1b2c3d4', ID(9)),
];

// Each case starts pwsh two or three times (about a second each on an idle machine).
const SLOW = { timeout: 120_000 };

describe.skipIf(!pwsh)("the tests' Windows host is shaped like the real modules", SLOW, () => {
  for (const mode of ['FullLanguage', 'ConstrainedLanguage'] as const) {
    it(`${mode}: compiled cmdlets that write non-terminating errors with the real FullyQualifiedErrorIds`, () => {
      const probe = [
        "$c = @('Hyper-V\\Get-VM', 'Hyper-V\\Get-VMNetworkAdapter', 'Hyper-V\\Get-VMSwitch', 'NetTCPIP\\Get-NetNeighbor', 'Microsoft.PowerShell.Management\\Get-Service' | ForEach-Object { [string](Get-Command $_).CommandType })",
        `$vms = @(Hyper-V\\Get-VM -Id '${ID(99)}', '${ID(1)}' -ErrorAction SilentlyContinue -ErrorVariable e1)`,
        `$sw = @(Hyper-V\\Get-VMSwitch -Id '${ID(98)}' -ErrorAction SilentlyContinue -ErrorVariable e2)`,
        '$svc = @(Microsoft.PowerShell.Management\\Get-Service -Name nosuch -ErrorAction SilentlyContinue -ErrorVariable e3)',
        "ConvertTo-Json -Compress -InputObject @{ Types = $c; Found = @($vms | ForEach-Object { [string]$_.Name }); Ids = @(@($e1) + @($e2) + @($e3) | ForEach-Object { [string]$_.FullyQualifiedErrorId }); Reasons = @(@($e1) + @($e2) + @($e3) | ForEach-Object { [string]$_.CategoryInfo.Reason }) }",
      ];
      const out = execFileSync(powershellFor(busy, mode), ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], { input: `${probe.join('; ')}\n`, encoding: 'utf8', env: { ...process.env, TERM: 'dumb' } });
      expect(JSON.parse(out)).toEqual({
        Types: ['Cmdlet', 'Cmdlet', 'Cmdlet', 'Cmdlet', 'Cmdlet'],
        Found: ['p-web-a1b2c3d4'], // the error for the first id did not stop the second
        Ids: ['InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM', 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch', 'NoServiceFoundForGivenName,Microsoft.PowerShell.Commands.GetServiceCommand'],
        Reasons: ['VirtualizationException', 'VirtualizationException', 'ServiceCommandException'],
      });
    });
  }
});

describe.skipIf(!pwsh)('the real scripts in the real PowerShell', SLOW, () => {
  for (const mode of ['FullLanguage', 'ConstrainedLanguage'] as const) {
    it(`${mode}: every tier, state, MAC and name case is discovered exactly as the simulator says`, async () => {
      const { real, simulated, runner } = await both(busy, busyRefs, mode);
      expect(real).toEqual(simulated);
      expect(runner.detectedLanguageMode).toBe(mode);
      const by = Object.fromEntries(('value' in real ? real.value : []).map((o) => [o.ref.machineName, o]));
      expect(by.web!).toMatchObject({ tier: 'kvp', network: { ipv4: '172.18.185.163' } });
      expect(by.db!).toMatchObject({ tier: 'arp', network: { ipv4: '172.18.185.164' } });
      expect(by.new!.network?.ipv4).toBeNull(); // the zero MAC matches no neighbour
      expect(by.intl!).toMatchObject({ ref: { vmName: 'p-wéb-日本-a1b2c3d4' }, tier: 'kvp', network: { ipv4: '172.18.185.170' } });
      expect(by.gone!.warnings.map((w) => w.text)[0]).toMatch(/^Hyper-V could not read this VM's details \(The operation cannot be performed/);
      expect(by.renamed!).toMatchObject({ found: true, detail: { provider: 'hyperv', kvp: { status: 'Disabled' } } });
      expect(by.missing!.found).toBe(false);
      // A property getter that throws reads as nothing: the pass goes on, the ARP tier answers.
      expect(by.nocfg!).toMatchObject({ tier: 'arp', network: { ipv4: '172.18.185.181' } });
      // A VM whose adapter query failed keeps its known name and state.
      expect(by.gone!).toMatchObject({ found: true, ref: { vmName: 'p-gone-a1b2c3d4' }, power: 'running', vmState: 'Running' });
    });

    it(`${mode}: a VM Get-VM cannot read while listing is one VM's failure; the others are discovered`, async () => {
      const half = { name: 'p-half-a1b2c3d4', id: ID(10), vmError: "Hyper-V encountered an error trying to access an object on computer 'DEV-PC' because the object was not found." };
      const { real, simulated } = await both({ ...busy, vms: [...busy.vms!, half] }, [...busyRefs, ref('half', 'p-half-a1b2c3d4', ID(10))], mode);
      expect(real).toEqual(simulated);
      const by = Object.fromEntries(('value' in real ? real.value : []).map((o) => [o.ref.machineName, o]));
      expect(by.web!).toMatchObject({ tier: 'kvp', network: { ipv4: '172.18.185.163' } });
      expect(by.off!).toMatchObject({ found: true, power: 'off' }); // found by name, in the same listing
      expect(by.half!).toMatchObject({ found: false, power: 'unknown', warnings: [{ code: 'vm-unreadable', text: expect.stringMatching(/could not read every VM while listing them \(Hyper-V encountered an error/) }] });
    });

    it(`${mode}: Get-VMSwitch refused for lack of permission reaches doctor as that, not as "no Default Switch"`, async () => {
      const runner = new NodePowerShellRunner({ timeoutMs: 30_000, executable: powershellFor({ ...busy, member: false }, mode) });
      runners.push(runner);
      const { PSVersion: _a, ...real } = JSON.parse(await runner.run(DOCTOR_SCRIPT));
      const { PSVersion: _b, ...sim } = JSON.parse(await new SimulatedPowerShell(fixedScenario({ ...busy, member: false, languageMode: mode }), { timeoutMs: 30_000 }).run(DOCTOR_SCRIPT));
      expect(real).toEqual(sim);
      expect(real).toMatchObject({ DefaultSwitch: null, SwitchError: expect.stringMatching(/^You do not have the required permission/), SwitchErrorId: 'Unspecified,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch' });
    });

    it(`${mode}: with the user's TERM asking for colours, no terminal code reaches the answers`, async () => {
      const term = process.env.TERM;
      process.env.TERM = 'xterm-256color';
      try {
        const runner = new NodePowerShellRunner({ timeoutMs: 30_000, executable: powershellFor(busy, mode) });
        runners.push(runner);
        expect(await runner.run("'plain'")).toBe('plain');
        expect(runner.detectedLanguageMode).toBe(mode);
      } finally {
        if (term === undefined) delete process.env.TERM;
        else process.env.TERM = term;
      }
    });

    it(`${mode}: a stopped vmms with German error texts fails the pass with the vmms fix`, async () => {
      const { real, simulated } = await both({ ...busy, vmms: 'Stopped', language: 'de-DE' }, busyRefs, mode);
      expect(real).toEqual(simulated);
      expect(real).toMatchObject({ error: expect.stringMatching(/^The Hyper-V Virtual Machine Management service \(vmms\) is Stopped\.\nStart it from Services.*\nHyper-V said: Hyper-V konnte keinen virtuellen Computer finden/s) });
    });

    it(`${mode}: outside Hyper-V Administrators the pass fails once with the cause, no VM called missing`, async () => {
      const { real, simulated } = await both({ ...busy, member: false }, busyRefs.slice(0, 2), mode);
      expect(real).toEqual(simulated);
      expect(real).toMatchObject({ error: expect.stringMatching(/^Hyper-V shows your account no VMs: you are not in the 'Hyper-V Administrators' group/) });
    });

    it(`${mode}: the doctor script answers every host step`, async () => {
      const runner = new NodePowerShellRunner({ timeoutMs: 30_000, executable: powershellFor({ ...busy, vmms: 'Running', member: true }, mode) });
      runners.push(runner);
      const answer = JSON.parse(await runner.run(DOCTOR_SCRIPT));
      const simulated = JSON.parse(await new SimulatedPowerShell(fixedScenario({ ...busy, languageMode: mode }), { timeoutMs: 30_000 }).run(DOCTOR_SCRIPT));
      const { PSVersion: _a, ...real } = answer;
      const { PSVersion: _b, ...sim } = simulated;
      expect(real).toEqual(sim);
      expect(answer).toMatchObject({ LanguageMode: mode, HyperVModule: true, Vmms: 'Running', Member: true, VmCount: 8, DefaultSwitch: true });
    });
  }
});
