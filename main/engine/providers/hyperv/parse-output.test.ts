// The discovery script's JSON, in every shape ConvertTo-Json gives it (none, one, wrapped, enums).
import { describe, expect, it } from 'vitest';
import { HypervisorError } from '../../errors.js';
import { asList, parseDiscoveryOutput } from './parse-output.js';

const vm = { Kind: 'vm', VMId: 'ABC', VMName: 'web', State: 'Running' };
const host = { Kind: 'host', LanguageMode: 'FullLanguage', PSVersion: '5.1.22621.4391', Vmms: 'Running', Member: true };
const adapter = { Kind: 'adapter', VMId: 'abc', Name: 'Network Adapter', MacAddress: '00155DDE3309', SwitchName: 'Default Switch', SwitchId: 'C08CB7B8-9B3C-408E-8E30-5E16A3AEB444', IPAddresses: ['172.18.185.163'] };

describe('parseDiscoveryOutput tolerates every ConvertTo-Json variant', () => {
  it('an answer without the host record is an error ("PowerShell answered nothing"), never "no VMs"', () => {
    for (const raw of ['', '  \r\n', 'null', '[]', '\u001b[?1h\u001b[?1l', JSON.stringify([vm])]) {
      expect(() => parseDiscoveryOutput(raw)).toThrow(HypervisorError);
      expect(() => parseDiscoveryOutput(raw)).toThrow(/^PowerShell answered nothing/);
    }
  });
  it('the host record alone is an answer with no VMs', () => {
    expect(parseDiscoveryOutput(JSON.stringify(host))).toEqual({ vms: [], neighbors: [], host: { languageMode: 'FullLanguage', psVersion: '5.1.22621.4391', vmms: 'Running', member: true }, errors: [] });
  });
  it("pwsh's terminal codes around the JSON and a WARNING line before it", () => {
    const text = `\u001b[?1h\u001b[?1lWARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 2.\n${JSON.stringify([vm, host])}\n\u001b[?1h`;
    expect(parseDiscoveryOutput(text).vms).toHaveLength(1);
  });
  it('a single record as a bare object', () => {
    expect(parseDiscoveryOutput(JSON.stringify(host)).host.languageMode).toBe('FullLanguage');
    expect(parseDiscoveryOutput(JSON.stringify([vm, host])).vms).toEqual([{ id: 'abc', name: 'web', state: 'Running', adapters: [], kvp: null, error: null }]);
  });
  it("5.1's wrapped arrays {value, Count}, at the top and inside", () => {
    const out = parseDiscoveryOutput(JSON.stringify({ value: [vm, { ...adapter, IPAddresses: { value: ['172.18.185.163', 'fe80::1'], Count: 2 } }, host], Count: 3 }));
    expect(out.vms[0]!.adapters[0]!.ipAddresses).toEqual(['172.18.185.163', 'fe80::1']);
  });
  it('IPAddresses as null, a bare string, or empty', () => {
    for (const [ips, want] of [[null, []], ['172.18.0.2', ['172.18.0.2']], [[], []]] as const) {
      const out = parseDiscoveryOutput(JSON.stringify([vm, { ...adapter, IPAddresses: ips }, host]));
      expect(out.vms[0]!.adapters[0]!.ipAddresses).toEqual(want);
    }
  });
  it('enums as numbers map by the stable low values', () => {
    const out = parseDiscoveryOutput(JSON.stringify([{ ...vm, State: 3 }, { Kind: 'neighbor', IPAddress: '172.18.0.2', LinkLayerAddress: '00-15-5D-DE-33-09', State: 6 }, host]));
    expect(out.vms[0]!.state).toBe('Off');
    expect(out.neighbors[0]!.state).toBe('Permanent');
  });
  it('KVP status as a number, an enum name, or a one-element array', () => {
    for (const status of [12, 'NoContact', 'No Contact', [12], '12']) {
      const out = parseDiscoveryOutput(JSON.stringify([vm, { Kind: 'kvp', VMId: 'abc', Enabled: true, PrimaryStatusDescription: 'Geen contact', PrimaryOperationalStatus: status }, host]));
      expect(out.vms[0]!.kvp).toEqual({ enabled: true, description: 'Geen contact', operationalStatus: 12 });
    }
  });
  it("a BOM and 7.1's truncation warning before the JSON", () => {
    const text = `\uFEFFWARNING: Resulting JSON is truncated as serialization has exceeded the set depth of 2.\r\n${JSON.stringify([vm, host])}`;
    expect(parseDiscoveryOutput(text).vms).toHaveLength(1);
  });
  it('records of VMs not listed, and unknown kinds, are ignored', () => {
    const out = parseDiscoveryOutput(JSON.stringify([{ ...adapter, VMId: 'other' }, { Kind: 'future-thing' }, 'text', 3, host]));
    expect(out).toEqual({ vms: [], neighbors: [], host: { languageMode: 'FullLanguage', psVersion: '5.1.22621.4391', vmms: 'Running', member: true }, errors: [] });
  });
  it('output that is not JSON is a HypervisorError that says where to look', () => {
    expect(() => parseDiscoveryOutput('Welcome to my profile!\n{')).toThrow(HypervisorError);
    expect(() => parseDiscoveryOutput('Welcome to my profile!\n{')).toThrow(/--verbose/);
  });
});

describe('asList', () => {
  it('normalizes every shape of a list', () => {
    expect(asList(undefined)).toEqual([]);
    expect(asList(null)).toEqual([]);
    expect(asList('')).toEqual([]);
    expect(asList('a')).toEqual(['a']);
    expect(asList([1, 2])).toEqual([1, 2]);
    expect(asList({ value: [1], Count: 1 })).toEqual([1]);
    expect(asList({ value: 1 })).toEqual([{ value: 1 }]);
  });
});
