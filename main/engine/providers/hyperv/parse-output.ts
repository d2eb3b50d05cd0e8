// Reads the discovery script's output into plain facts, tolerating every ConvertTo-Json variant
// Windows PowerShell 5.1 and PowerShell 7 produce: empty output or `null` for no records, a bare
// object for one, `{"value":[…],"Count":n}` wrapped arrays, enums as names or as numbers, and
// terminal noise around the JSON (escape sequences, a BOM, 7.1+'s truncation warning). The
// script always ends with a host record: an answer without one was lost on the way, and says so
// rather than reading as "no VMs".

import { HypervisorError } from '../../errors.js';
import { withoutTerminalNoise } from './terminal-noise.js';

export interface HvAdapter {
  name: string | null;
  mac: string | null;
  switchName: string | null;
  switchId: string | null;
  ipAddresses: string[];
}

export interface HvKvp {
  enabled: boolean;
  description: string | null;
  operationalStatus: number | null;
}

/** An error record: what failed, in PowerShell's language-neutral terms, and its text. */
export interface HvError {
  /** host: Get-VM failed; list: Get-VM listed VMs but could not read one; vm: one VM's details. */
  scope: 'host' | 'list' | 'vm' | 'neighbors';
  vmId: string | null;
  vmName: string | null;
  errorId: string;
  category: string;
  reason: string;
  message: string;
}

export interface HvVm {
  id: string;
  name: string;
  state: string;
  adapters: HvAdapter[];
  kvp: HvKvp | null;
  /** Reading this VM failed (deleted or being created mid-pass, a getter that threw). */
  error: HvError | null;
}

/** Facts about the PowerShell and Hyper-V host; vmms and member only when Hyper-V answered nothing. */
export interface HvHost {
  languageMode: string | null;
  psVersion: string | null;
  vmms: string | null;
  member: boolean | null;
}

export interface HvNeighbor {
  ip: string;
  mac: string;
  state: string;
  interfaceAlias: string | null;
}

export interface HyperVSnapshot {
  vms: HvVm[];
  neighbors: HvNeighbor[];
  host: HvHost;
  /** Failures of the whole query (Get-VM itself), of VMs Get-VM could not list, or of the neighbour table. */
  errors: HvError[];
}

// Stable low values of Microsoft.HyperV.PowerShell.VMState; higher ones differ between builds.
const VM_STATE_NAMES: Record<number, string> = {
  1: 'Other', 2: 'Running', 3: 'Off', 4: 'Stopping', 6: 'Saved', 9: 'Paused', 10: 'Starting', 11: 'Reset',
  32773: 'Saving', 32776: 'Pausing', 32777: 'Resuming', 32779: 'FastSaved', 32780: 'FastSaving',
};
const NEIGHBOR_STATE_NAMES: Record<number, string> = {
  0: 'Unreachable', 1: 'Incomplete', 2: 'Probe', 3: 'Delay', 4: 'Stale', 5: 'Reachable', 6: 'Permanent',
};
const OPERATIONAL_STATUS_CODES: Record<string, number> = {
  ok: 2, degraded: 3, error: 6, nonrecoverableerror: 7, nocontact: 12, lostcommunication: 13,
  protocolmismatch: 32775, communicationtimedout: 32783, communicationfailed: 32784, disabled: 32896,
};

export function parseDiscoveryOutput(raw: string): HyperVSnapshot {
  const records = asList(parseJson(raw));
  const vms = new Map<string, HvVm>();
  const neighbors: HvNeighbor[] = [];
  const errors: HvError[] = [];
  let host: HvHost | null = null;
  const vmFor = (id: string) => vms.get(id.toLowerCase());
  for (const r of records) {
    if (!isObject(r)) continue;
    const id = text(r.VMId)?.toLowerCase() ?? '';
    switch (r.Kind) {
      case 'vm':
        vms.set(id, { id, name: text(r.VMName) ?? '', state: enumName(r.State, VM_STATE_NAMES) ?? 'Other', adapters: [], kvp: null, error: vms.get(id)?.error ?? null });
        break;
      case 'error': {
        const scope = r.Scope === 'vm' || r.Scope === 'list' || r.Scope === 'neighbors' ? r.Scope : 'host';
        const e: HvError = { scope, vmId: id || null, vmName: text(r.VMName), errorId: text(r.ErrorId) ?? '', category: text(r.Category) ?? '', reason: text(r.Reason) ?? '', message: text(r.Message) ?? '' };
        if (scope === 'vm' && id) {
          const vm = vms.get(id) ?? { id, name: e.vmName ?? '', state: 'Other', adapters: [], kvp: null, error: null };
          vm.error = e;
          vms.set(id, vm);
        } else errors.push(e);
        break;
      }
      case 'host':
        host = { languageMode: text(r.LanguageMode), psVersion: text(r.PSVersion), vmms: text(r.Vmms), member: typeof r.Member === 'boolean' ? r.Member : null };
        break;
      case 'adapter':
        vmFor(id)?.adapters.push({
          name: text(r.Name),
          mac: text(r.MacAddress),
          switchName: text(r.SwitchName),
          switchId: text(r.SwitchId)?.toLowerCase() ?? null,
          ipAddresses: asList(r.IPAddresses).map(text).filter((s): s is string => !!s),
        });
        break;
      case 'kvp': {
        const vm = vmFor(id);
        if (vm && !vm.kvp) vm.kvp = { enabled: r.Enabled === true || r.Enabled === 'True', description: text(r.PrimaryStatusDescription), operationalStatus: statusCode(r.PrimaryOperationalStatus) };
        break;
      }
      case 'neighbor': {
        const ip = text(r.IPAddress);
        const mac = text(r.LinkLayerAddress);
        if (ip && mac) neighbors.push({ ip, mac, state: enumName(r.State, NEIGHBOR_STATE_NAMES) ?? 'Unknown', interfaceAlias: text(r.InterfaceAlias) });
        break;
      }
    }
  }
  if (!host) {
    throw new HypervisorError(
      'PowerShell answered nothing: the discovery script\'s answer has no host record, so its output was lost.',
      "Run with --verbose to see the exchange; check for a PowerShell wrapper on PATH or a host that swallows output. 'ragnatramp-tray doctor' checks each step.",
      `answer: ${JSON.stringify(raw.slice(0, 200))}`,
    );
  }
  return { vms: [...vms.values()], neighbors, host, errors };
}

function parseJson(raw: string): unknown {
  const body = withoutTerminalNoise(raw);
  if (body === '') return null;
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new HypervisorError(
      'PowerShell answered with output that is not the JSON the tray expects.',
      'Run with --verbose to see the exchange; if a profile script prints text, the tray runs PowerShell with -NoProfile, so check for a PowerShell wrapper on PATH.',
      `${(err as Error).message}: ${body.slice(0, 200)}`,
    );
  }
}

/** Normalizes ConvertTo-Json's many shapes of "a list" into an array. */
export function asList(value: unknown): unknown[] {
  if (value === null || value === undefined || value === '') return [];
  if (Array.isArray(value)) return value;
  if (isObject(value) && Array.isArray(value.value) && 'Count' in value) return value.value;
  return [value];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown): string | null {
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number') return String(v);
  return null;
}

function enumName(v: unknown, names: Record<number, string>): string | null {
  if (typeof v === 'number') return names[v] ?? String(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return names[Number(v)] ?? v;
  return text(v);
}

function statusCode(v: unknown): number | null {
  const first = asList(v)[0];
  if (typeof first === 'number') return first;
  if (typeof first === 'string') {
    if (/^\d+$/.test(first)) return Number(first);
    return OPERATIONAL_STATUS_CODES[first.replace(/\s+/g, '').toLowerCase()] ?? null;
  }
  return null;
}
