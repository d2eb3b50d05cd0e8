// The Hyper-V discovery script: built from quoted values only, whatever a VM is named.
import { describe, expect, it } from 'vitest';
import { buildDiscoveryScript, parseDiscoveryScript } from './discovery-script.js';
import { psQuote } from './ps-quote.js';

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

  it('carries names only inside one quoted JSON literal, in pure ASCII: no name becomes code', () => {
    const plain = buildDiscoveryScript({ ids: [], names: [] });
    for (const name of HOSTILE) {
      const script = buildDiscoveryScript({ ids: [], names: [name] });
      expect(script).toMatch(/^[\x20-\x7e]*$/);
      // Everything but the data literal is the same script as for no VMs at all.
      const strip = (s: string) => s.replace(/ConvertFrom-Json -InputObject '(?:[^']|'')*'/, '');
      expect(strip(script)).toBe(strip(plain));
      const literal = /ConvertFrom-Json -InputObject '((?:[^']|'')*)'/.exec(script)![1]!;
      expect(literal.replace(/''/g, '')).not.toContain("'"); // the literal stays closed
    }
  });

  it('uses nothing Constrained Language Mode refuses', () => {
    const script = buildDiscoveryScript({ ids: ['a'], names: ['web'] });
    expect(script).not.toMatch(/\[(System\.)?(Console|Text\.Encoding|Text\.UTF8Encoding|Convert|IO\.\w+|Security\.Principal\.\w+)\]/i);
    expect(script).not.toMatch(/::new\(|New-Object|Add-Type/);
  });

  it('module-qualifies every Hyper-V and network cmdlet (VMware PowerCLI also exports Get-VM)', () => {
    const script = buildDiscoveryScript({ ids: ['a'], names: ['web'] });
    for (const cmdlet of ['Get-VM', 'Get-VMNetworkAdapter', 'Get-VMIntegrationService', 'Get-NetNeighbor', 'Get-Service']) {
      const uses = script.match(new RegExp(`[\\w.-]*\\\\?${cmdlet}\\b`, 'g')) ?? [];
      expect(uses.length, cmdlet).toBeGreaterThan(0);
      for (const use of uses) expect(use, cmdlet).toMatch(/^(Hyper-V|NetTCPIP|Microsoft\.PowerShell\.Management)\\/);
    }
  });

  it('reads each VM in its own try/catch, fetches VMs by id, and compares MACs by hex digits, skipping the zero MAC', () => {
    const script = buildDiscoveryScript({ ids: ['a'], names: ['web'] });
    expect(script).toContain('Hyper-V\\Get-VM -Id $id');
    expect(script).toContain("} catch { $records += & $err 'vm' $vmId $vmName $_ } }");
    expect(script).toContain("$hex -ne '000000000000'");
    expect(script).toContain("($lla -replace '[^0-9A-Fa-f]', '').ToUpperInvariant()");
    expect(script.match(/\$a\.SwitchName/g)).toHaveLength(1); // each property read once
    expect(script.match(/\$a\.MacAddress/g)).toHaveLength(1);
  });

  it('round-trips its request through parseDiscoveryScript, normalized and sorted', () => {
    const script = buildDiscoveryScript({ ids: ['B-ID', 'a-id', 'a-id'], names: ['web', ...HOSTILE] });
    expect(parseDiscoveryScript(script)).toEqual({ ids: ['a-id', 'b-id'], names: ['web', ...HOSTILE].sort() });
  });

  it('rejects any script that is not exactly a discovery script', () => {
    const script = buildDiscoveryScript({ ids: [], names: ['web'] });
    expect(parseDiscoveryScript(`${script}; Remove-VM *`)).toBeNull();
    expect(parseDiscoveryScript(script.replace('Get-VM -ErrorAction', 'Get-VM -Name * -ErrorAction'))).toBeNull();
    expect(parseDiscoveryScript('Get-VM')).toBeNull();
    expect(parseDiscoveryScript(script.replace(/-InputObject '(?:[^']|'')*'/, "-InputObject 'not json'"))).toBeNull();
  });

  it('follows the facts file: KVP service by id, enums by name, ASCII out, quiet streams', () => {
    const script = buildDiscoveryScript({ ids: [], names: ['web'] });
    expect(script).toContain("'2A34B1C2-FD73-4043-8A5B-DD2159BC743F'");
    expect(script).toContain('State = [string]$vm.State');
    expect(script).toContain("if ($json -match '[^\\x00-\\x7F]')");
    expect(script).toContain("$ProgressPreference = 'SilentlyContinue'");
    expect(script).toContain('NetTCPIP\\Get-NetNeighbor -AddressFamily IPv4 -ErrorAction SilentlyContinue');
    expect(script).not.toMatch(/Get-VM -Name|-VMName/); // both take wildcards
  });
});

describe('psQuote', () => {
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
});
