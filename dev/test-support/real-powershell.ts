// The real PowerShell for the tests: pwsh 7.6.10, the `dotnet tool` .ci/run installs in
// /opt/pwsh-tool (or a pwsh on PATH), with the tests' Windows host (hyperv-cmdlets.cs, compiled
// with Add-Type) imported in FullLanguage before the language mode is lowered, as WDAC or
// AppLocker would lower it. In CI (CI=true) a missing pwsh is an error, never a skip.

import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUIET_TERMINAL } from '../../main/engine/providers/hyperv/terminal-noise.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';

export const PWSH_TOOL_DIR = '/opt/pwsh-tool';
export const PWSH_VERSION = '7.6.10';
/** No terminal codes on stdout: on Unix pwsh writes ESC[?1h ESC[?1l unless these are set (the runner's own). */
export const PWSH_ENV = QUIET_TERMINAL;

const CMDLETS = fileURLToPath(new URL('./hyperv-cmdlets.cs', import.meta.url));

function findPwsh(): string | null {
  const tool = path.join(PWSH_TOOL_DIR, 'pwsh');
  try {
    accessSync(tool, constants.X_OK);
    return tool;
  } catch {
    try {
      return execFileSync('sh', ['-c', 'command -v pwsh'], { encoding: 'utf8' }).trim() || null;
    } catch {
      return null;
    }
  }
}

/** The pwsh to run, or null (tests skip) outside CI. */
export const pwsh: string | null = findPwsh();
if (!pwsh && process.env.CI) throw new Error(`PowerShell is missing: .ci/run installs it (dotnet tool install PowerShell --version ${PWSH_VERSION} --tool-path ${PWSH_TOOL_DIR}).`);

/** Runs a script file in pwsh and returns its stdout; throws with stderr on failure. */
export function runPwshFile(file: string, args: string[] = []): string {
  return execFileSync(pwsh!, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file, ...args], { encoding: 'utf8', env: { ...process.env, ...PWSH_ENV }, maxBuffer: 64 << 20 });
}

export type LanguageMode = 'FullLanguage' | 'ConstrainedLanguage';

/** Compiles the host's cmdlets once and hands out a powershell executable per scenario and mode. */
export class HyperVHost {
  private n = 0;

  private constructor(readonly dir: string) {}

  /**
   * Add-Type compiles the cmdlets into one assembly; each module gets its own copy of it (one
   * loaded from the same path would be the first module again) and a manifest exporting its own.
   */
  static build(): HyperVHost {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-hyperv-host-'));
    const modules: Record<string, string[]> = {
      'Hyper-V': ['Get-VM', 'Get-VMNetworkAdapter', 'Get-VMIntegrationService', 'Get-VMSwitch', 'Start-VM', 'Stop-VM'],
      NetTCPIP: ['Get-NetNeighbor'],
      'Microsoft.PowerShell.Management': ['Get-Service'],
    };
    const dll = path.join(dir, 'hyperv-cmdlets.dll');
    const build = path.join(dir, 'build.ps1');
    writeFileSync(build, `$ErrorActionPreference = 'Stop'\nAdd-Type -Path '${CMDLETS}' -OutputAssembly '${dll}' -OutputType Library -IgnoreWarnings\n`);
    runPwshFile(build);
    for (const [name, cmdlets] of Object.entries(modules)) {
      mkdirSync(path.join(dir, name));
      copyFileSync(dll, path.join(dir, name, 'hyperv-cmdlets.dll'));
      const list = cmdlets.map((c) => `'${c}'`).join(', ');
      writeFileSync(path.join(dir, name, `${name}.psd1`), `@{ RootModule = 'hyperv-cmdlets.dll'; ModuleVersion = '2.0.0.0'; CmdletsToExport = @(${list}); FunctionsToExport = @(); AliasesToExport = @() }\n`);
    }
    return new HyperVHost(dir);
  }

  /** Statements fed to pwsh before the tray's: the modules, whoami.exe, then the language mode. */
  prelude(mode: LanguageMode): string[] {
    return [
      ...['Hyper-V', 'NetTCPIP', 'Microsoft.PowerShell.Management'].map((m) => `Import-Module '${path.join(this.dir, m, `${m}.psd1`)}'`),
      // whoami.exe /groups /fo csv: a member's token carries the Hyper-V Administrators SID.
      "function global:whoami.exe { '\"Group Name\",\"Type\",\"SID\",\"Attributes\"'; '\"Everyone\",\"Well-known group\",\"S-1-1-0\",\"Mandatory group, Enabled by default, Enabled group\"'; if ($env:RAGNATRAMP_PWSH_MEMBER -ne 'false') { '\"BUILTIN\\Hyper-V Administrators\",\"Alias\",\"S-1-5-32-578\",\"Mandatory group, Enabled by default, Enabled group\"' } }",
      `$ExecutionContext.SessionState.LanguageMode = '${mode}'`,
    ];
  }

  /**
   * An executable that starts pwsh on this host for `scenario` (read at every call), in `mode`.
   * The terminal variables are the caller's: the tray's runner must ask for quiet itself.
   */
  powershellFor(scenario: Scenario, mode: LanguageMode, env: Record<string, string> = {}): { exe: string; scenarioFile: string } {
    const id = ++this.n;
    const scenarioFile = path.join(this.dir, `scenario-${id}.json`);
    writeFileSync(scenarioFile, JSON.stringify(scenario));
    const preludeFile = path.join(this.dir, `prelude-${id}.ps1`);
    writeFileSync(preludeFile, `${this.prelude(mode).join('\n')}\n`);
    const exe = path.join(this.dir, `powershell-${id}`);
    const exports = Object.entries({ ...env, RAGNATRAMP_PWSH_SCENARIO: scenarioFile, RAGNATRAMP_PWSH_MEMBER: String(scenario.member ?? true) }).map(([k, v]) => `${k}='${v}'`).join(' ');
    // The prelude goes first on stdin, as the statements of a session that -Command - reads.
    writeFileSync(exe, `#!/bin/sh\nexport ${exports}\n{ cat '${preludeFile}'; cat; } | exec '${pwsh}' "$@"\n`);
    chmodSync(exe, 0o755);
    return { exe, scenarioFile };
  }
}
