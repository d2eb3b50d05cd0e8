// Every PowerShell script the tray runs or suggests uses only what Windows PowerShell 5.1 has: the
// real parser (pwsh 7.6.10) reads each script's tokens and AST (dev/test-support/ps51-check.ps1),
// and the check is shown to catch each construct and parameter 5.1 lacks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { pwsh, runPwshFile } from '../../../../dev/test-support/real-powershell.js';
import { ASCII_OUTPUT, buildDiscoveryScript, DOCTOR_SCRIPT } from './discovery-script.js';
import { connectDefaultSwitchCommand, enableKvpCommand } from './fix-commands.js';

const CHECK = fileURLToPath(new URL('../../../../dev/test-support/ps51-check.ps1', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-ps51-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the check finds in each script, by name. */
function check(scripts: Record<string, string>): Record<string, string[]> {
  const file = path.join(dir, `scripts-${Object.keys(scripts).length}-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(scripts));
  return JSON.parse(runPwshFile(CHECK, ['-Path', file])) as Record<string, string[]>;
}

const SLOW = { timeout: 60_000 };

describe.skipIf(!pwsh)('Windows PowerShell 5.1 compatibility, checked on the AST by the real parser', SLOW, () => {
  it('the discovery and doctor scripts and every suggested command parse and use nothing 5.1 lacks', () => {
    const found = check({
      discovery: buildDiscoveryScript({ ids: ['6f1c2d9e-0000-4000-8000-000000000001'], names: ["o'brien-wéb", 'p-web-a1b2c3d4'] }),
      doctor: DOCTOR_SCRIPT,
      connectById: connectDefaultSwitchCommand('p-web', '6f1c2d9e-0000-4000-8000-000000000001'),
      connectByName: connectDefaultSwitchCommand("o'brien [1]", null),
      enableKvp: enableKvpCommand('p-web', null),
    });
    expect(found).toEqual({ discovery: [], doctor: [], connectById: [], connectByName: [], enableKvp: [] });
  });

  it('catches each construct and parameter that 5.1 lacks, abbreviated or module-qualified too', () => {
    const cases: Record<string, [string, string]> = {
      coalesce: ['$a = $null ?? 1', 'operator ??'],
      coalesceAssign: ['$a ??= 1', 'operator ??='],
      nullDot: ['${a}?.Name', 'operator ?.'],
      nullIndex: ['${a}?[0]', 'operator ?[]'],
      ternary: ['$a = $true ? 1 : 2', 'operator ternary ?:'],
      and: ['Get-Date && Get-Date', 'operator &&'],
      or: ['Get-Date || Get-Date', 'operator ||'],
      asHashtable: ["'{}' | ConvertFrom-Json -AsHashtable", 'ConvertFrom-Json -AsHashtable'],
      fromJsonDepth: ["ConvertFrom-Json -InputObject '{}' -Depth 5", 'ConvertFrom-Json -Depth'],
      noEnumerate: ["ConvertFrom-Json '[]' -NoEnumerate", 'ConvertFrom-Json -NoEnumerate'],
      abbreviated: ["'{}' | ConvertFrom-Json -AsHash", 'ConvertFrom-Json -AsHashtable'],
      enumsAsStrings: ['ConvertTo-Json -InputObject 1 -EnumsAsStrings', 'ConvertTo-Json -EnumsAsStrings'],
      asArray: ['Microsoft.PowerShell.Utility\\ConvertTo-Json -InputObject 1 -AsArray', 'ConvertTo-Json -AsArray'],
      escapeHandling: ['ConvertTo-Json -InputObject 1 -EscapeHandling EscapeNonAscii', 'ConvertTo-Json -EscapeHandling'],
      parallel: ['1..2 | ForEach-Object -Parallel { $_ }', 'ForEach-Object -Parallel'],
      joinString: ["'a' | Join-String", 'command Join-String'],
      isWindows: ['if ($IsWindows) { 1 }', 'variable $IsWindows'],
      clean: ['function f { process { 1 } clean { 2 } }', 'clean block'],
      syntax: ['foreach ($x in ', 'syntax error'],
    };
    const found = check(Object.fromEntries(Object.entries(cases).map(([k, [script]]) => [k, script])));
    for (const [name, [, want]] of Object.entries(cases)) expect({ name, found: found[name] }).toEqual({ name, found: expect.arrayContaining([expect.stringContaining(want)]) });
    // What 5.1 has is not flagged: ConvertTo-Json's -Depth and -Compress, ForEach-Object -Process.
    expect(check({ ok: "ConvertTo-Json -InputObject 1 -Depth 3 -Compress; 1 | ForEach-Object -Process { $_ }; $a = if ($true) { 1 } else { 2 }; 'x?' | Out-Null" })).toEqual({ ok: [] });
  });
});

describe('the ASCII escaping step', () => {
  it('visits only the non-ASCII characters and copies the runs between them whole (no pipeline per character)', () => {
    // Its speed is measured in `npm run bench` (dev/bench/ascii-escaping-bench.ts), its output in
    // the real PowerShell by real-powershell.test.ts; here its shape, which decides its cost.
    expect(ASCII_OUTPUT).not.toMatch(/ToCharArray|ForEach-Object|\|/);
    expect(ASCII_OUTPUT).toMatch(/foreach \(\$m in \[regex\]::Matches\(\$json, '\[\^\\x00-\\x7F\]'\)\)/);
    expect(ASCII_OUTPUT).toMatch(/\$json\.Substring\(\$last, \$m\.Index - \$last\)/);
  });
});
