import { describe, expect, it } from 'vitest';
import { buildDiscoveryScript, parseDiscoveryScript } from './discovery-script.js';
import { psData, psQuote } from './ps-quote.js';

const HOSTILE = [
  "x'; Remove-VM * -Force; '",
  'x’; Stop-Computer; ‘',
  '$(Stop-Computer)',
  '`n Get-Process',
  'web" ; Remove-Item C:\\ -Recurse ; "',
  'a\nb\r\nc',
  'name with ) } ] and # <# comment',
  '日本語-ünïcödé',
];

describe('buildDiscoveryScript', () => {
  it('is a single line (node-powershell feeds -Command -)', () => {
    expect(buildDiscoveryScript({ ids: ['A'], names: HOSTILE })).not.toMatch(/[\r\n]/);
  });

  it('carries names only as base64 data: no name reaches the script text', () => {
    const plain = buildDiscoveryScript({ ids: [], names: [] });
    for (const name of HOSTILE) {
      const script = buildDiscoveryScript({ ids: [], names: [name] });
      expect(script).not.toContain(name);
      // Everything but the data literal is the same script as for no VMs at all.
      const strip = (s: string) => s.replace(/FromBase64String\('[A-Za-z0-9+/=]*'\)/, '');
      expect(strip(script)).toBe(strip(plain));
    }
  });

  it('round-trips its request through parseDiscoveryScript, normalized and sorted', () => {
    const script = buildDiscoveryScript({ ids: ['B-ID', 'a-id', 'a-id'], names: ['web', ...HOSTILE] });
    expect(parseDiscoveryScript(script)).toEqual({ ids: ['a-id', 'b-id'], names: ['web', ...HOSTILE].sort() });
  });

  it('rejects any script that is not exactly a discovery script', () => {
    const script = buildDiscoveryScript({ ids: [], names: ['web'] });
    expect(parseDiscoveryScript(`${script}; Remove-VM *`)).toBeNull();
    expect(parseDiscoveryScript(script.replace('Get-VM |', 'Get-VM -Name * |'))).toBeNull();
    expect(parseDiscoveryScript('Get-VM')).toBeNull();
    expect(parseDiscoveryScript(script.replace(/'[A-Za-z0-9+/=]+'\)/, `'${Buffer.from('not json').toString('base64')}')`))).toBeNull();
  });

  it('follows the facts file: Default Switch and KVP service by id, enums by name, UTF-8, quiet streams', () => {
    const script = buildDiscoveryScript({ ids: [], names: ['web'] });
    expect(script).toContain("'2A34B1C2-FD73-4043-8A5B-DD2159BC743F'");
    expect(script).toContain('State = [string]$vm.State');
    expect(script).toContain('[Console]::OutputEncoding = [System.Text.UTF8Encoding]::new()');
    expect(script).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(script).toContain('Get-NetNeighbor -AddressFamily IPv4 -ErrorAction SilentlyContinue');
    expect(script).not.toMatch(/Get-VM -Name|-VMName/); // both take wildcards
  });
});

describe('psQuote and psData', () => {
  it('doubles every kind of single quote PowerShell recognizes', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('a‘b’c‚d‛e')).toBe("'a‘‘b’’c‚‚d‛‛e'");
  });
  it('produces a literal that stays closed: quotes come in pairs inside', () => {
    for (const h of HOSTILE) {
      const inner = psQuote(h).slice(1, -1);
      expect(inner.replace(/(['‘’‚‛])\1/g, '')).not.toMatch(/['‘’‚‛]/);
    }
  });
  it('psData uses only the base64 alphabet', () => {
    for (const h of HOSTILE) expect(psData({ names: [h] })).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});
