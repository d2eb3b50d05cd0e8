// Start, stop and restart of a Hyper-V VM by its id, run in the real PowerShell (pwsh 7.6.10)
// against the tests' Windows host, whose compiled Start-VM and Stop-VM change the VM's state as
// Hyper-V's would (dev/test-support/hyperv-cmdlets.cs): the next discovery sees each change, and a
// user outside Hyper-V Administrators is told that membership is what is missing.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { useHyperVHost } from '../../../../dev/test-support/hyperv-host-fixture.js';
import { pwsh } from '../../../../dev/test-support/real-powershell.js';
import type { VmRef } from '../../discovery/observation.js';
import { powerVm } from '../../power-vm.js';
import type { Scenario } from '../../simulator/scenario.js';
import { fixedScenario } from '../../simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../simulator/simulated-powershell.js';
import { HyperVProvider } from './hyperv-provider.js';
import { powerScript } from './hyperv-power.js';
import { NodePowerShellRunner } from './powershell-runner.js';

const host = useHyperVHost();
const runners: NodePowerShellRunner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.dispose();
});

const ID = '6f1c2d9e-0000-4000-8000-000000000001';
const ref: VmRef = { project: 'p', machineName: 'web', vmName: "p-web-o'brien-a1b2c3d4", vmId: ID };
const project = { name: 'p', configPath: '/home/me/p/ragnatramp.yaml', vms: [ref] };
const scenario = (state: string, member = true): Scenario => ({ member, vms: [{ name: ref.vmName, id: ID, state, adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] }] }) as Scenario;

function providerFor(s: Scenario) {
  const { exe, scenarioFile } = host().powershellFor(s, 'FullLanguage');
  const runner = new NodePowerShellRunner({ timeoutMs: 30_000, executable: exe });
  runners.push(runner);
  const stateOf = () => (JSON.parse(readFileSync(scenarioFile, 'utf8')) as { vms: Array<{ state: string }> }).vms[0]!.state;
  return { provider: new HyperVProvider(runner), stateOf };
}

describe.skipIf(!pwsh)('Hyper-V power through the real PowerShell', () => {
  it('starts an Off VM by its id, stops it through the guest, and restarts it; discovery sees each', async () => {
    const { provider, stateOf } = providerFor(scenario('Off'));
    const started = await powerVm(provider, project, 'web', 'start');
    expect(started).toMatchObject({ changed: true, message: "'web' started (Hyper-V says Running)." });
    expect(stateOf()).toBe('Running');
    expect((await provider.observe([ref], new Date().toISOString()))[0]!.power).toBe('running');
    expect(await powerVm(provider, project, 'web', 'start')).toMatchObject({ changed: false, message: "'web' is already running." });
    expect((await powerVm(provider, project, 'web', 'restart')).message).toBe("'web' restarted (Hyper-V says Running).");
    expect((await powerVm(provider, project, 'web', 'stop')).message).toBe("'web' shut down (Hyper-V says Off).");
    expect(stateOf()).toBe('Off');
    await expect(powerVm(provider, project, 'web', 'restart')).rejects.toThrow("'web' is not running (Off), so it cannot be restarted.");
  }, 120_000);

  it('tells a user outside Hyper-V Administrators that membership is missing, and changes nothing', async () => {
    const { provider, stateOf } = providerFor(scenario('Off', false));
    const vm = { ref, found: true, hypervisorId: ID, power: 'off', vmState: 'Off', network: null, tier: null, warnings: [], lookedIn: 'Hyper-V', detail: { provider: 'hyperv', kvp: { status: 'Unknown', detail: null } } } as const;
    await expect(provider.power(vm as never, 'start')).rejects.toThrow(/Hyper-V could not start 'web': Hyper-V was unable to find a virtual machine with ID .*\n.*Hyper-V Administrators/);
    expect(stateOf()).toBe('Off');
  }, 60_000);

  it('puts nothing but a checked id into the script', () => {
    expect(() => powerScript("x'; Remove-Item C:\\ -Recurse; '", 'start')).toThrow('not a Hyper-V VM id');
    expect(powerScript(ID, 'stop')).toContain(`Hyper-V\\Get-VM -Id '${ID}'`);
  });
});

describe('the simulator answers the power script as the real host does', () => {
  it('starts, restarts and stops with the same words, and finds no VM for a non-member', async () => {
    const provider = new HyperVProvider(new SimulatedPowerShell(fixedScenario(scenario('Off')), { timeoutMs: 30_000 }));
    expect((await powerVm(provider, project, 'web', 'start')).message).toBe("'web' started (Hyper-V says Running).");
    expect((await provider.observe([ref], new Date().toISOString()))[0]!.power).toBe('running');
    expect((await powerVm(provider, project, 'web', 'restart')).message).toBe("'web' restarted (Hyper-V says Running).");
    expect((await powerVm(provider, project, 'web', 'stop')).message).toBe("'web' shut down (Hyper-V says Off).");
    const outsider = new HyperVProvider(new SimulatedPowerShell(fixedScenario(scenario('Off', false)), { timeoutMs: 30_000 }));
    const vm = { ref, found: true, hypervisorId: ID, power: 'off', vmState: 'Off', network: null, tier: null, warnings: [], lookedIn: 'Hyper-V', detail: { provider: 'hyperv', kvp: { status: 'Unknown', detail: null } } } as const;
    await expect(outsider.power(vm as never, 'start')).rejects.toThrow(/Hyper-V could not start 'web': Hyper-V was unable to find a virtual machine with ID .*\n.*Hyper-V Administrators/);
  });
});
