// A Hyper-V host in a box, plugged in at the PowerShell runner seam. It accepts exactly the
// provider's discovery script (anything else fails as an unknown command would), reads the VMs
// and names it asks for from the script's data, and answers with the records the script prints
// on a real host, in Windows PowerShell 5.1's (or 7's) ConvertTo-Json layout: VMs by id, then
// by name for names still unfound; a per-VM error record where a VM's adapter query throws; a
// host error record, in the scenario's language, when vmms is not running; nothing from Get-VM
// for a user outside Hyper-V Administrators. In Constrained Language Mode it refuses a script
// that uses a type that mode forbids, as PowerShell does. It counts invocations. The power
// script (Start-VM, Stop-VM by id) changes a VM's state for the rest of its life, over the
// scenario's, as the tests' compiled cmdlets change theirs (dev/test-support/hyperv-cmdlets.cs).

import { DEFAULT_SWITCH_ID, parseDiscoveryScript, type DiscoveryRequest } from '../providers/hyperv/discovery-script.js';
import { PowerShellError, cleanErrorText, type PowerShellRunner } from '../providers/hyperv/powershell-runner.js';
import { normalizeMac } from '../discovery/net-address.js';
import { convertToJsonCompressed } from './powershell-json.js';
import { asciiJson, DOCTOR_SCRIPT } from '../providers/hyperv/discovery-script.js';
import { parsePowerScript } from '../providers/hyperv/hyperv-power.js';
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
  /** States set by the power script, by VM id: over the scenario's. */
  private readonly powered = new Map<string, 'Running' | 'Off'>();

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
    if ((scenario.languageMode ?? 'FullLanguage') === 'ConstrainedLanguage' && CLM_FORBIDDEN.test(script)) {
      // What PowerShell prints when a script touches a non-core type in Constrained Language Mode.
      throw new PowerShellError(cleanErrorText('Cannot invoke method. Method invocation is supported only on core types in this language mode.\r\nAt line:1 char:200\r\n    + CategoryInfo          : InvalidOperation: (:) [], RuntimeException\r\n    + FullyQualifiedErrorId : MethodInvocationNotSupportedInConstrainedLanguage'), 'failed');
    }
    if (script === DOCTOR_SCRIPT) return asciiOnly(doctorAnswer(scenario));
    const power = parsePowerScript(script);
    if (power) return asciiOnly(this.power(scenario, power.vmId, power.action));
    const request = parseDiscoveryScript(script);
    if (!request) {
      throw new PowerShellError("The simulator answers only the tray's discovery script, and this is not it (the script text was altered).", 'failed');
    }
    if (this.disposed) throw new PowerShellError('invoke called after process exited', 'exited');
    const pass = this.passes++;
    const json = convertToJsonCompressed(discoveryRecords(this.withPower(withFixes(scenario, this.options.kvpFixed)), request, pass), ps.version ?? '5.1');
    return asciiOnly(json);
  }

  /** What the power script prints: the new state, or Get-VM's record when the VM is not there for this user. */
  private power(scenario: Scenario, vmId: string, action: 'start' | 'stop' | 'restart'): string {
    const vm = (scenario.member ?? true) ? (scenario.vms ?? []).find((v) => scenarioVmId(v) === vmId) : undefined;
    if (!vm) return JSON.stringify({ ok: false, message: `Hyper-V was unable to find a virtual machine with ID "${vmId}".`, errorId: 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM', category: 'InvalidArgument' });
    const state = action === 'stop' ? 'Off' : 'Running';
    this.powered.set(vmId, state);
    return JSON.stringify({ ok: true, state });
  }

  private withPower(scenario: Scenario): Scenario {
    if (this.powered.size === 0) return scenario;
    return { ...scenario, vms: (scenario.vms ?? []).map((vm) => (this.powered.has(scenarioVmId(vm)) ? { ...vm, state: this.powered.get(scenarioVmId(vm))! } : vm)) };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

// The scripts' last step: every non-ASCII character as a \\uXXXX escape.
function asciiOnly(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => asciiJson(c).slice(1, -1));
}

/** $PSVersionTable.PSVersion of the scenario's PowerShell. */
function psVersion(scenario: Scenario): string {
  return (scenario.powershell?.version ?? '5.1') === '5.1' ? '5.1.22621.4391' : '7.4.6';
}

/** What DOCTOR_SCRIPT prints on the scenario's host. */
function doctorAnswer(scenario: Scenario): string {
  const vmms = scenario.vmms ?? 'Running';
  const member = scenario.member ?? true;
  const answer: Record<string, unknown> = {
    PSVersion: psVersion(scenario),
    LanguageMode: scenario.languageMode ?? 'FullLanguage',
    HyperVModule: true,
    Vmms: vmms,
    Member: member,
    DefaultSwitch: member,
    NeighborCount: (scenario.neighbors ?? []).length,
  };
  // Outside Hyper-V Administrators the switch query is refused (hyperv-cmdlets.cs, Get-VMSwitch).
  if (!member) Object.assign(answer, { DefaultSwitch: null, SwitchError: PERMISSION_DENIED, SwitchErrorId: 'Unspecified,Microsoft.HyperV.PowerShell.Commands.GetVMSwitch' });
  const unreadable = member ? (scenario.vms ?? []).filter((vm) => vm.vmError) : [];
  if (vmms !== 'Running') Object.assign(answer, { VmError: VMMS_DOWN[scenario.language ?? 'en-US']!.message, VmErrorId: 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM' });
  else if (unreadable.length > 0) Object.assign(answer, { VmError: unreadable[0]!.vmError, VmErrorId: 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM' });
  else answer.VmCount = member ? (scenario.vms ?? []).length : 0;
  return JSON.stringify(answer);
}

function withFixes(scenario: Scenario, kvpFixed: ((vmId: string) => boolean) | undefined): Scenario {
  if (!kvpFixed) return scenario;
  return { ...scenario, vms: (scenario.vms ?? []).map((vm) => (vm.kvp && vm.kvp !== 'none' && vm.kvp !== 'Disabled' && kvpFixed(scenarioVmId(vm)) ? { ...vm, kvp: 'OK' as const } : vm)) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Types Constrained Language Mode refuses that a discovery script might reach for.
const CLM_FORBIDDEN = /\[(System\.)?(Console|Text\.Encoding|Text\.UTF8Encoding|Convert|IO\.\w+|Security\.Principal\.\w+)\]/i;

/**
 * What the script's lookups find: VMs by id, then, listing all VMs, those whose names no found VM
 * has. A VM with vmError cannot be read: by id it is not found, and listing it is an error in its
 * place (`unreadable`); the listing is asked for only when some name is still unfound.
 */
export function requestedVms(scenario: Scenario, request: DiscoveryRequest): { vms: ScenarioVm[]; unreadable: ScenarioVm[] } {
  if (scenario.member === false) return { vms: [], unreadable: [] }; // outside Hyper-V Administrators Get-VM lists nothing
  const all = scenario.vms ?? [];
  const ids = new Set(request.ids.map((i) => i.toLowerCase()));
  const byId = all.filter((vm) => !vm.vmError && ids.has(scenarioVmId(vm)));
  const have = new Set(byId.map((vm) => vm.name.toLowerCase()));
  const rest = new Set(request.names.map((n) => n.toLowerCase()).filter((n) => !have.has(n)));
  if (rest.size === 0) return { vms: byId, unreadable: [] };
  const byName = all.filter((vm) => !vm.vmError && !byId.includes(vm) && rest.has(vm.name.toLowerCase()));
  return { vms: [...byId, ...byName], unreadable: all.filter((vm) => vm.vmError) };
}

const PERMISSION_DENIED = "You do not have the required permission to complete this task. Contact the administrator of the authorization policy for the computer 'DEV-PC'.";

const VMMS_DOWN: Record<string, { message: string }> = {
  'en-US': { message: "Hyper-V was unable to find a virtual machine. The operation failed because the object was not found. Verify that the Virtual Machine Management service on computer 'DEV-PC' is running." },
  'de-DE': { message: "Hyper-V konnte keinen virtuellen Computer finden. Fehler beim Vorgang, da das Objekt nicht gefunden wurde. Überprüfen Sie, ob der Verwaltungsdienst für virtuelle Computer auf dem Computer 'DEV-PC' ausgeführt wird." },
};

/** Whether KVP reports this adapter's addresses on this pass. */
export function kvpReportsAddresses(vm: ScenarioVm, ipAfterPolls: number | undefined, pass: number): boolean {
  return (vm.state ?? 'Running') === 'Running' && (vm.kvp ?? 'OK') === 'OK' && pass >= (ipAfterPolls ?? 0);
}

function discoveryRecords(scenario: Scenario, request: DiscoveryRequest, pass: number): unknown[] {
  const records: unknown[] = [];
  const macs = new Set<string>();
  const vmms = scenario.vmms ?? 'Running';
  const host = (found: number, failed: boolean) => ({
    Kind: 'host',
    LanguageMode: scenario.languageMode ?? 'FullLanguage',
    PSVersion: psVersion(scenario),
    Vmms: failed || found === 0 ? vmms : null,
    Member: failed || found === 0 ? (scenario.member ?? true) : null,
  });
  if (vmms !== 'Running' && (request.ids.length > 0 || request.names.length > 0)) {
    const text = VMMS_DOWN[scenario.language ?? 'en-US']!.message;
    records.push({ Kind: 'error', Scope: 'host', VMId: '', VMName: '', ErrorId: 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM', Category: 'ObjectNotFound', Reason: 'VirtualizationException', Message: text });
    records.push(host(0, true));
    return records;
  }
  const { vms, unreadable } = requestedVms(scenario, request);
  const listError = (vm: ScenarioVm, scope: 'host' | 'list') => ({ Kind: 'error', Scope: scope, VMId: '', VMName: '', ErrorId: 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVM', Category: 'ObjectNotFound', Reason: 'VirtualizationException', Message: vm.vmError });
  // A listing that yielded only errors fails the pass (the script's $failed).
  const listedNothing = unreadable.length > 0 && unreadable.length === (scenario.vms ?? []).length;
  if (listedNothing) records.push(listError(unreadable[0]!, 'host'));
  else records.push(...unreadable.map((vm) => listError(vm, 'list')));
  for (const vm of vms) {
    const id = scenarioVmId(vm);
    const state = vm.state ?? 'Running';
    records.push({ Kind: 'vm', VMId: id, VMName: vm.name, State: state });
    if (vm.adapterError) {
      records.push({ Kind: 'error', Scope: 'vm', VMId: id, VMName: vm.name, ErrorId: 'ObjectNotFound,Microsoft.HyperV.PowerShell.Commands.GetVMNetworkAdapter', Category: 'ObjectNotFound', Reason: 'VirtualizationException', Message: vm.adapterError });
      continue;
    }
    for (const a of vm.adapters ?? []) {
      const mac = a.mac.toUpperCase();
      if (mac !== '000000000000') macs.add(mac);
      const switchName = a.switch === undefined ? 'Default Switch' : a.switch;
      const switchId = a.switchId ?? (switchName === 'Default Switch' ? DEFAULT_SWITCH_ID : switchName ? guidFrom(`switch:${switchName}`) : '');
      records.push({
        Kind: 'adapter',
        VMId: id,
        Name: a.name ?? 'Network Adapter',
        MacAddress: mac,
        SwitchName: switchName,
        SwitchId: switchId,
        // PowerShell swallows an exception thrown by a property getter on member access: the
        // property reads as $null (seen in the real pwsh 7.6.10 with a compiled getter, dev/test-support/hyperv-cmdlets.cs).
        IPAddresses: !a.ipAddressesError && kvpReportsAddresses(vm, a.ipAfterPolls, pass) ? (a.ipAddresses ?? []) : [],
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
  records.push(host(vms.length, listedNothing));
  return records;
}

function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
