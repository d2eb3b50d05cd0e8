// Tiered discovery end to end at the runner seam: scenario → simulated PowerShell 5.1 output →
// parser → tiers. Each case is one of the facts file's situations.
import { describe, expect, it } from 'vitest';
import { HypervisorError } from '../../errors.js';
import { buildDiscoveryScript } from './discovery-script.js';
import { fixedScenario } from '../../simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../simulator/simulated-powershell.js';
import type { Scenario, ScenarioVm } from '../../simulator/scenario.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';

const kvpOf = (o: VmObservation) => {
  if (o.detail.provider !== 'hyperv') throw new Error('not a Hyper-V observation');
  return o.detail.kvp;
};
import { explainQueryFailure, HyperVProvider } from './hyperv-provider.js';
import type { HvError, HvHost } from './parse-output.js';

const NOW = '2026-11-22T10:00:00.000Z';
const ref = (machineName: string, vmId: string | null = null, vmName = `p-${machineName}-a1b2c3d4`): VmRef => ({ project: 'p', machineName, vmName, vmId });

function vm(machine: string, extra: Partial<ScenarioVm> = {}): ScenarioVm {
  return { name: `p-${machine}-a1b2c3d4`, state: 'Running', kvp: 'OK', adapters: [{ mac: '00155DDE3309', ipAddresses: ['172.18.185.163', 'fe80::215:5dff:fede:3309'] }], ...extra };
}

async function observe(scenario: Scenario, refs: VmRef[]) {
  const ps = new SimulatedPowerShell(fixedScenario(scenario), { timeoutMs: 1000 });
  const provider = new HyperVProvider(ps);
  const result = await provider.observe(refs, NOW);
  return { result, ps };
}

describe('Hyper-V discovery through the simulator', () => {
  it('a single VM: 5.1 prints bare objects and the KVP tier gives the first IPv4', async () => {
    const ps = new SimulatedPowerShell(fixedScenario({ vms: [vm('web', { adapters: [{ mac: '00155DDE3309', ipAddresses: [] }], kvp: 'none' })] }), { timeoutMs: 1000 });
    const raw = await ps.run(buildDiscoveryScript({ ids: [], names: ['p-web-a1b2c3d4'] }));
    expect(raw.trimStart().startsWith('[')).toBe(true); // vm + adapter records
    const { result } = await observe({ vms: [vm('web')] }, [ref('web')]);
    expect(result[0]!).toMatchObject({
      ref: { machineName: 'web', vmName: 'p-web-a1b2c3d4' },
      found: true,
      power: 'running',
      vmState: 'Running',
      network: { ipv4: '172.18.185.163', mac: '00155DDE3309', adapterName: 'Network Adapter', discoveredAt: NOW, source: 'hyperv' },
      tier: 'kvp',
      warnings: [],
      lookedIn: 'Hyper-V',
      detail: { provider: 'hyperv', kvp: { status: 'OK', detail: null } },
    });
    expect(kvpOf(result[0]!)).toEqual({ status: 'OK', detail: null });
  });

  it('the answer is one line of pure ASCII, a non-ASCII name escaped, and parses back to the name', async () => {
    const name = 'p-wéb-日本-a1b2c3d4';
    const ps = new SimulatedPowerShell(fixedScenario({ vms: [{ name, state: 'Off', kvp: 'none' }] }), { timeoutMs: 1000 });
    const raw = await ps.run(buildDiscoveryScript({ ids: [], names: [name] }));
    expect(raw).toMatch(/^\[[\x20-\x7e]*\]$/);
    const { result } = await observe({ vms: [{ name, state: 'Off', kvp: 'none' }] }, [ref('x', null, name)]);
    expect(result[0]!).toMatchObject({ ref: { vmName: name }, vmState: 'Off', power: 'off' });
  });

  it('a localized Default Switch is matched by its fixed Id', async () => {
    const { result } = await observe({ vms: [vm('web', { adapters: [{ mac: '00155DDE3309', switch: 'Standaard schakeloptie', switchId: 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444', ipAddresses: ['172.18.185.163'] }] })] }, [ref('web')]);
    expect(result[0]!.network?.ipv4).toBe('172.18.185.163');
  });

  it('falls back to the English switch name when no Id matches', async () => {
    const { result } = await observe({ vms: [vm('web', { adapters: [{ mac: '00155DDE3309', switch: 'Default Switch', switchId: '', ipAddresses: ['172.18.185.163'] }] })] }, [ref('web')]);
    expect(result[0]!.tier).toBe('kvp');
  });

  it('KVP "No Contact": IPAddresses are empty and the ARP tier finds the IP, with the fix', async () => {
    const { result } = await observe(
      { vms: [vm('web', { kvp: 'No Contact' })], neighbors: [{ ip: '172.18.185.163', mac: '00-15-5D-DE-33-09', state: 'Permanent' }] },
      [ref('web')],
    );
    const o = result[0]!;
    expect(kvpOf(o).status).toBe('No Contact');
    expect(o.tier).toBe('arp');
    expect(o.network).toMatchObject({ ipv4: '172.18.185.163', source: 'arp', mac: '00155DDE3309' });
    expect(o.warnings.map((w) => w.text).join(' ')).toMatch(/KVP reports 'No Contact'.*KVP daemon/);
  });

  it('"Lost Communication" maps to No Contact, localized descriptions are ignored', async () => {
    const { result } = await observe({ vms: [vm('web', { kvp: 'Lost Communication', kvpDescription: 'Communicatie verbroken' })] }, [ref('web')]);
    expect(kvpOf(result[0]!)).toEqual({ status: 'No Contact', detail: 'Lost Communication' });
  });

  it('link-local-only KVP addresses are dropped and ARP is used', async () => {
    const { result } = await observe(
      { vms: [vm('web', { adapters: [{ mac: '00155DDE3309', ipAddresses: ['169.254.10.20', 'fe80::1'] }] })], neighbors: [{ ip: '172.18.185.170', mac: '00155DDE3309' }] },
      [ref('web')],
    );
    expect(result[0]!).toMatchObject({ tier: 'arp', network: { ipv4: '172.18.185.170' } });
    expect(result[0]!.network).not.toHaveProperty('ipv6');
  });

  it('IPv6-only KVP keeps the IPv6 as information and falls back to ARP', async () => {
    const { result } = await observe(
      { vms: [vm('web', { adapters: [{ mac: '00155DDE3309', ipAddresses: ['2001:db8::5', 'fe80::1'] }] })], neighbors: [{ ip: '172.18.185.171', mac: '00:15:5d:de:33:09', state: 'Reachable' }] },
      [ref('web')],
    );
    expect(result[0]!.network).toMatchObject({ ipv4: '172.18.185.171', ipv6: ['2001:db8::5'], source: 'arp' });
  });

  it('a multi-adapter VM uses the Default Switch adapter, not the first one', async () => {
    const { result } = await observe(
      { vms: [vm('web', { adapters: [{ name: 'LAN', mac: '00155D000001', switch: 'External', ipAddresses: ['192.168.1.50'] }, { mac: '00155DDE3309', ipAddresses: ['172.18.185.163'] }] })] },
      [ref('web')],
    );
    expect(result[0]!.network).toMatchObject({ ipv4: '172.18.185.163', mac: '00155DDE3309' });
  });

  it("no Default Switch adapter: seed 000's mac null and ipv4 null, and a warning naming its switch with the command that connects one", async () => {
    const { result } = await observe({ vms: [vm('web', { adapters: [{ name: 'LAN', mac: '00155D000001', switch: 'External', ipAddresses: ['192.168.1.50'] }] })] }, [ref('web')]);
    expect(result[0]!.network).toEqual({ ipv4: null, mac: null, adapterName: null, discoveredAt: NOW, source: 'hyperv' });
    expect(result[0]!.warnings.map((w) => w.text)[0]).toMatch(/no network adapter on the Default Switch \(it has: LAN on 'External'\)\. Add one \(its other adapters stay as they are\).*Hyper-V\\Add-VMNetworkAdapter/);
    expect(result[0]!.warnings.map((w) => w.text)[0]).not.toContain('Connect-VMNetworkAdapter');
  });

  it('Off and Saved VMs report no network (their ARP entries stay Permanent and are ignored)', async () => {
    const { result } = await observe(
      { vms: [vm('a', { state: 'Off' }), vm('b', { state: 'Saved', adapters: [{ mac: '00155D00000B' }] })], neighbors: [{ ip: '172.18.185.163', mac: '00155DDE3309' }, { ip: '172.18.185.11', mac: '00155D00000B' }] },
      [ref('a'), ref('b')],
    );
    expect(result.map((o) => [o.vmState, o.network, o.tier, kvpOf(o).status])).toEqual([
      ['Off', null, null, 'Unknown'],
      ['Saved', null, null, 'Unknown'],
    ]);
  });

  it('ARP-only: no KVP service at all, neighbour states filtered, several candidates warned about', async () => {
    const { result } = await observe(
      {
        vms: [vm('web', { kvp: 'none' })],
        neighbors: [
          { ip: '172.18.185.1', mac: '00155DDE3309', state: 'Unreachable' },
          { ip: '172.18.185.2', mac: '00155DDE3309', state: 'Incomplete' },
          { ip: '172.18.185.9', mac: '00155DDE3309', state: 'Stale' },
          { ip: '172.18.185.8', mac: '00155DDE3309', state: 'Permanent' },
          { ip: '172.18.185.7', mac: '000000000000', state: 'Permanent' },
        ],
      },
      [ref('web')],
    );
    expect(kvpOf(result[0]!).status).toBe('Unknown');
    expect(result[0]!.network?.ipv4).toBe('172.18.185.8');
    // The provider reports the candidates; the plan words the warning (plan.test.ts).
    expect(result[0]!.addressChoice).toEqual({ candidates: ['172.18.185.8', '172.18.185.9'], by: 'freshest', table: "the host's ARP table" });
  });

  it('running with no IPv4 anywhere says what to check', async () => {
    const { result } = await observe({ vms: [vm('web', { kvp: 'No Contact' })] }, [ref('web')]);
    expect(result[0]!.tier).toBeNull();
    expect(result[0]!.network).toMatchObject({ ipv4: null, mac: '00155DDE3309' });
    expect(result[0]!.warnings.map((w) => w.text).join(' ')).toMatch(/no IPv4 yet.*DHCP lease/);
  });

  it('KVP disabled is reported as Disabled', async () => {
    const { result } = await observe({ vms: [vm('web', { kvp: 'Disabled' })] }, [ref('web')]);
    expect(kvpOf(result[0]!).status).toBe('Disabled');
  });

  it('matches by id first, then by name; unknown VMs are missing', async () => {
    const id = '6f1c2d9e-0000-4000-8000-000000000001';
    const { result } = await observe(
      { vms: [vm('renamed', { id, name: 'p-renamed-in-hyperv' }), vm('db', { adapters: [] })] },
      [ref('web', id.toUpperCase()), ref('db', '6f1c2d9e-0000-4000-8000-0000000000ff'), ref('gone', '6f1c2d9e-0000-4000-8000-0000000000ee'), ref('new')],
    );
    expect(result.map((o) => [o.ref.machineName, o.found, o.hypervisorId])).toEqual([
      ['web', true, id],
      ['db', true, expect.any(String)],
      ['gone', false, null],
      ['new', false, null],
    ]);
    expect(result[2]!).toMatchObject({ vmState: 'Missing', network: null, tier: null });
    expect(result[2]!.warnings.map((w) => w.text)[0]).toMatch(/recorded in state\.json but Hyper-V has no such VM/);
    expect(result[3]!.warnings.map((w) => w.text)[0]).toMatch(/has not been created yet: run 'ragnatramp up'/);
  });

  it('hostile VM names are found by exact name and reach no script text', async () => {
    const hostile = "evil'; Remove-VM * -Force; '$(Stop-Computer)\u001b[2J";
    const { result } = await observe({ vms: [vm('x', { name: hostile })] }, [ref('x', null, hostile)]);
    expect(result[0]!.found).toBe(true);
    expect(result[0]!.ref.vmName).toBe(hostile);
  });

  it('PowerShell 7 output parses the same', async () => {
    const { result } = await observe({ powershell: { version: '7' }, vms: [vm('web')] }, [ref('web')]);
    expect(result[0]!.network?.ipv4).toBe('172.18.185.163');
  });

  it('one VM whose adapter query throws (deleted or created mid-pass) is reported alone; the others are discovered', async () => {
    const { result } = await observe({ vms: [vm('web'), vm('db', { adapterError: 'The operation cannot be performed while the virtual machine is in its current state.', adapters: [{ mac: '00155DDE330A', ipAddresses: ['172.18.185.164'] }] })] }, [ref('web'), ref('db')]);
    expect(result[0]!).toMatchObject({ tier: 'kvp', network: { ipv4: '172.18.185.163' } });
    expect(result[1]!.found).toBe(true);
    // Running, so seed 000's network is there, knowing nothing (null is for VMs not running).
    expect(result[1]!.network).toEqual({ ipv4: null, mac: null, adapterName: null, discoveredAt: NOW, source: 'hyperv' });
    expect(result[1]!.warnings.map((w) => w.text)).toEqual(["Hyper-V could not read this VM's details (The operation cannot be performed while the virtual machine is in its current state.); it may be being created, changed or deleted. The next pass looks again."]);
  });

  for (const language of ['en-US', 'de-DE'] as const) {
    it(`vmms stopped (${language}): classified from the service state, not from the words`, async () => {
      const failing = observe({ vmms: 'Stopped', language, vms: [vm('web')] }, [ref('web', '6f1c2d9e-0000-4000-8000-000000000001')]);
      await expect(failing).rejects.toThrow(HypervisorError);
      await expect(failing).rejects.toThrow(/^The Hyper-V Virtual Machine Management service \(vmms\) is Stopped\.\nStart it from Services/);
      await expect(failing).rejects.not.toThrow(/Hyper-V Administrators/);
    });
  }

  it('vmms still starting says the next pass tries again', async () => {
    await expect(observe({ vmms: 'StartPending', vms: [vm('web')] }, [ref('web')])).rejects.toThrow(/still starting\.\nThe next pass tries again/);
  });

  it("outside Hyper-V Administrators Get-VM lists nothing: one host-level cause with its fix, no VM called missing, not 'run ragnatramp up'", async () => {
    const failing = observe({ member: false, vms: [vm('web')] }, [ref('web', '6f1c2d9e-0000-4000-8000-000000000001'), ref('db')]);
    await expect(failing).rejects.toThrow(HypervisorError);
    await expect(failing).rejects.toThrow(/^Hyper-V shows your account no VMs: you are not in the 'Hyper-V Administrators' group \(SID S-1-5-32-578\)\.\nAsk an administrator to add you, then sign out and back in/);
    await expect(failing).rejects.not.toThrow(/ragnatramp up|doctor/);
  });

  it('a VM is found by its id even after it was renamed; a VM whose id is gone is looked up by name', async () => {
    const id = '6f1c2d9e-0000-4000-8000-000000000001';
    const renamed = await observe({ vms: [vm('web', { id, name: 'renamed-in-hyper-v-manager' })] }, [ref('web', id)]);
    expect(renamed.result[0]!.found).toBe(true);
    const recreated = await observe({ vms: [vm('web', { id: '6f1c2d9e-0000-4000-8000-0000000000ff' })] }, [ref('web', id)]);
    expect(recreated.result[0]!.found).toBe(true);
  });

  it('the all-zero MAC of a never-started dynamic-MAC VM matches no neighbour entry', async () => {
    const { result } = await observe({ vms: [vm('web', { kvp: 'No Contact', adapters: [{ mac: '000000000000' }] })], neighbors: [{ ip: '172.18.0.99', mac: '00-00-00-00-00-00' }] }, [ref('web')]);
    expect(result[0]!.network?.ipv4).toBeNull();
  });

  it('in Constrained Language Mode the script runs (it uses no type that mode forbids)', async () => {
    const { result } = await observe({ languageMode: 'ConstrainedLanguage', vms: [vm('web')] }, [ref('web')]);
    expect(result[0]!.network?.ipv4).toBe('172.18.185.163');
  });

  it('one invocation per pass whatever the number of VMs', async () => {
    const vms = Array.from({ length: 50 }, (_, i) => vm(`m${i}`, { adapters: [{ mac: `00155D0000${String(i).padStart(2, '0')}`, ipAddresses: [`172.18.0.${i + 2}`] }] }));
    const { result, ps } = await observe({ vms }, vms.map((_, i) => ref(`m${i}`)));
    expect(result.every((o) => o.tier === 'kvp')).toBe(true);
    expect(ps.invocations).toBe(1);
  });
});

describe('a failed Get-VM, classified from the error record', () => {
  const record = (over: Partial<HvError>): HvError => ({ scope: 'host', vmId: null, vmName: null, errorId: 'Unspecified,Microsoft.HyperV.PowerShell.Commands.GetVM', category: 'InvalidOperation', reason: 'VirtualizationException', message: 'Texte localisé', ...over });
  const host = (over: Partial<HvHost> = {}): HvHost => ({ languageMode: 'FullLanguage', psVersion: '5.1', vmms: 'Running', member: true, ...over });

  it('permission denied, whatever the language, names Hyper-V Administrators', () => {
    expect(explainQueryFailure(record({ category: 'PermissionDenied' }), host()).message).toMatch(/Hyper-V Administrators.*S-1-5-32-578.*sign out/s);
    expect(explainQueryFailure(record({}), host({ member: false })).message).toMatch(/Hyper-V Administrators/);
  });
  it("older hosts' not-found for a non-member is an access problem", () => {
    expect(explainQueryFailure(record({ category: 'ObjectNotFound' }), host({ member: null })).message).toMatch(/older Windows builds.*Hyper-V Administrators/s);
  });
  it('a missing Hyper-V module, or no Hyper-V at all', () => {
    expect(explainQueryFailure(record({ errorId: 'CommandNotFoundException', reason: 'CommandNotFoundException' }), host()).message).toMatch(/Hyper-V Module for Windows PowerShell/);
    expect(explainQueryFailure(record({}), host({ vmms: 'Missing' })).message).toMatch(/Hyper-V is not enabled on this PC/);
  });
  it('the cause leads, its fix follows on the next line, and Windows\' own words come once, last', () => {
    const lines = explainQueryFailure(record({ message: 'Le service est arrêté.' }), host({ vmms: 'Stopped' })).message.split('\n');
    expect(lines).toEqual(['The Hyper-V Virtual Machine Management service (vmms) is Stopped.', "Start it from Services (or 'Start-Service vmms' in an administrator PowerShell), or restart the PC.", 'Hyper-V said: Le service est arrêté.']);
    const denied = explainQueryFailure(record({ category: 'PermissionDenied', message: 'Zugriff verweigert' }), host()).message;
    expect(denied).toMatch(/^Hyper-V refused your account: your account must be in the 'Hyper-V Administrators' group \(SID S-1-5-32-578\)\.\nAsk an administrator to add you/);
    expect(denied.split('Zugriff verweigert')).toHaveLength(2);
  });
  it('anything else points at doctor, never at group membership', () => {
    const message = explainQueryFailure(record({}), host()).message;
    expect(message).toMatch(/ragnatramp-tray doctor/);
    expect(message).not.toMatch(/Administrators/);
  });
});
