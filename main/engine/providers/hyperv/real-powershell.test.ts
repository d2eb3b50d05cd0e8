// The discovery and doctor scripts run in the real PowerShell engine, through node-powershell,
// against the tests' Hyper-V host (tools/pwsh-host/hyperv-host.ps1: Get-VM & co. as functions
// answering from a scenario, with Hyper-V's enum types and error records), in FullLanguage and
// in ConstrainedLanguage; every answer must be what the JavaScript simulator answers for the
// same scenario. The engine is `pwsh` where it is on PATH, else the host .ci/run builds on
// System.Management.Automation (the package registry here holds no PowerShell distribution).
import { afterEach, describe, expect, it } from 'vitest';
import { engine, powershellFor, pwsh } from '../../../../dev/test-support/real-powershell-host.js';
import { fixedScenario } from '../../simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../simulator/simulated-powershell.js';
import type { Scenario } from '../../simulator/scenario.js';
import type { VmRef } from '../../discovery/observation.js';
import { DOCTOR_SCRIPT } from './discovery-script.js';
import { HyperVProvider } from './hyperv-provider.js';
import { NodePowerShellRunner, type PowerShellRunner } from './powershell-runner.js';

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

describe.skipIf(!engine)(`the real scripts in the PowerShell engine (${pwsh ? 'pwsh' : 'System.Management.Automation host'})`, () => {
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
    });

    it(`${mode}: a stopped vmms with German error texts fails the pass with the vmms fix`, async () => {
      const { real, simulated } = await both({ ...busy, vmms: 'Stopped', language: 'de-DE' }, busyRefs, mode);
      expect(real).toEqual(simulated);
      expect(real).toMatchObject({ error: expect.stringMatching(/^Hyper-V could not be queried: Hyper-V konnte keinen virtuellen Computer finden.*\nThe Hyper-V Virtual Machine Management service \(vmms\) is Stopped/s) });
    });

    it(`${mode}: outside Hyper-V Administrators every VM says so`, async () => {
      const { real, simulated } = await both({ ...busy, member: false }, busyRefs.slice(0, 2), mode);
      expect(real).toEqual(simulated);
      expect('value' in real && real.value[0]!.warnings.map((w) => w.text)[0]).toMatch(/not in the 'Hyper-V Administrators' group/);
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
