// A Hyper-V host in a box, plugged in at the PowerShell runner seam. It accepts exactly the
// provider's discovery script (anything else fails as an unknown command would), reads the VMs
// and names it asks for from the script's data, and answers with the records a real host would
// print, in Windows PowerShell 5.1's (or 7's) ConvertTo-Json layout. It counts invocations.

import { DEFAULT_SWITCH_ID, parseDiscoveryScript, type DiscoveryRequest } from '../hyperv/discovery-script.js';
import { PowerShellError, cleanErrorText, type PowerShellRunner } from '../hyperv/powershell-runner.js';
import { normalizeMac } from '../discovery/net-address.js';
import { convertToJson } from './powershell-json.js';
import { scenarioVmId, type Scenario, type ScenarioVm } from './scenario.js';
import type { ScenarioSource } from './scenario-source.js';
import { createHash } from 'node:crypto';

const KVP_CODES: Record<string, number> = { OK: 2, 'No Contact': 12, 'Lost Communication': 13, Disabled: 32896 };

export interface SimulatedPowerShellOptions {
  /** Same meaning as the real runner's: a hung invocation fails after this long. */
  timeoutMs: number;
  /** VMs whose guest KVP daemon was installed since the scenario was written (by `fix kvp`). */
  kvpFixed?: (vmId: string) => boolean;
}

export class SimulatedPowerShell implements PowerShellRunner {
  /** Scripts received, answered or not: what the benchmarks count per pass. */
  invocations = 0;
  private passes = 0;
  private disposed = false;

  constructor(
    private readonly source: ScenarioSource,
    private readonly options: SimulatedPowerShellOptions,
  ) {}

  async run(script: string): Promise<string> {
    this.invocations++;
    const scenario = await this.source.current();
    const ps = scenario.powershell ?? {};
    if (ps.delayMs) await sleep(ps.delayMs);
    if (ps.hang) {
      await sleep(this.options.timeoutMs);
      throw new PowerShellError(`PowerShell did not answer within ${Math.round(this.options.timeoutMs / 1000)} s; its process was killed and will be replaced.`, 'timeout');
    }
    if (ps.fail) {
      // What Windows PowerShell prints for a terminating error; the real runner keeps the first line.
      throw new PowerShellError(cleanErrorText(`Get-VM : ${ps.fail}\r\nAt line:1 char:612\r\n+ ... Get-VM | Where-Object { ...\r\n    + CategoryInfo          : PermissionDenied: (:) [Get-VM], VirtualizationException\r\n    + FullyQualifiedErrorId : Unspecified,Microsoft.HyperV.PowerShell.Commands.GetVM`), 'failed');
    }
    const request = parseDiscoveryScript(script);
    if (!request) {
      throw new PowerShellError("The simulator answers only the tray's discovery script, and this is not it (the script text was altered).", 'failed');
    }
    if (this.disposed) throw new PowerShellError('invoke called after process exited', 'exited');
    const pass = this.passes++;
    return convertToJson(discoveryRecords(withFixes(scenario, this.options.kvpFixed), request, pass), ps.version ?? '5.1');
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

function withFixes(scenario: Scenario, kvpFixed: ((vmId: string) => boolean) | undefined): Scenario {
  if (!kvpFixed) return scenario;
  return { ...scenario, vms: (scenario.vms ?? []).map((vm) => (vm.kvp && vm.kvp !== 'none' && vm.kvp !== 'Disabled' && kvpFixed(scenarioVmId(vm)) ? { ...vm, kvp: 'OK' as const } : vm)) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function requestedVms(scenario: Scenario, request: DiscoveryRequest): ScenarioVm[] {
  const ids = new Set(request.ids.map((i) => i.toLowerCase()));
  const names = new Set(request.names.map((n) => n.toLowerCase()));
  return (scenario.vms ?? [])
    .filter((vm) => ids.has(scenarioVmId(vm)) || names.has(vm.name.toLowerCase()))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** Whether KVP reports this adapter's addresses on this pass. */
export function kvpReportsAddresses(vm: ScenarioVm, ipAfterPolls: number | undefined, pass: number): boolean {
  return (vm.state ?? 'Running') === 'Running' && (vm.kvp ?? 'OK') === 'OK' && pass >= (ipAfterPolls ?? 0);
}

function discoveryRecords(scenario: Scenario, request: DiscoveryRequest, pass: number): unknown[] {
  const records: unknown[] = [];
  const macs = new Set<string>();
  for (const vm of requestedVms(scenario, request)) {
    const id = scenarioVmId(vm);
    const state = vm.state ?? 'Running';
    records.push({ Kind: 'vm', VMId: id, VMName: vm.name, State: state });
    for (const a of vm.adapters ?? []) {
      const mac = a.mac.toUpperCase();
      macs.add(mac);
      const switchName = a.switch === undefined ? 'Default Switch' : a.switch;
      const switchId = a.switchId ?? (switchName === 'Default Switch' ? DEFAULT_SWITCH_ID : switchName ? guidFrom(`switch:${switchName}`) : '');
      records.push({
        Kind: 'adapter',
        VMId: id,
        Name: a.name ?? 'Network Adapter',
        MacAddress: mac,
        SwitchName: switchName,
        SwitchId: switchId,
        IPAddresses: kvpReportsAddresses(vm, a.ipAfterPolls, pass) ? (a.ipAddresses ?? []) : [],
      });
    }
    const kvp = vm.kvp ?? 'OK';
    if (kvp !== 'none') {
      const running = state === 'Running';
      records.push({
        Kind: 'kvp',
        VMId: id,
        Enabled: kvp !== 'Disabled',
        PrimaryStatusDescription: running ? (vm.kvpDescription ?? kvp) : null,
        PrimaryOperationalStatus: running ? KVP_CODES[kvp]! : null,
      });
    }
  }
  if (macs.size > 0) {
    for (const n of scenario.neighbors ?? []) {
      const mac = normalizeMac(n.mac);
      if (!mac || !macs.has(mac) || pass < (n.afterPolls ?? 0)) continue;
      records.push({ Kind: 'neighbor', IPAddress: n.ip, LinkLayerAddress: mac.match(/../g)!.join('-'), State: n.state ?? 'Permanent', InterfaceAlias: n.interface ?? 'vEthernet (Default Switch)' });
    }
  }
  return records;
}

function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
