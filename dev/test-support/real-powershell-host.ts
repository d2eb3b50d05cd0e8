// The tests' Hyper-V host inside a real PowerShell engine: an executable, for the tray's
// PowerShell runner, that starts the engine with tools/pwsh-host's Hyper-V cmdlets answering
// from one scenario, in the language mode asked for. The engine is `pwsh` where it is on PATH
// (its types compiled by Add-Type from HyperVTypes.cs, TERM=dumb so that pwsh 7.6 writes no
// terminal escapes into the JSON), else the host .ci/run builds on System.Management.Automation.

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../main/engine/simulator/scenario.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hostDir = path.join(root, 'tools', 'pwsh-host');
const prelude = path.join(hostDir, 'hyperv-host.ps1');
const builtHost = process.env.RAGNATRAMP_PWSH_HOST ?? path.join(hostDir, 'bin', 'pwsh-host');

function pwshOnPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v pwsh'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export const pwsh = pwshOnPath();
/** The engine the tests run, or null when this machine has none. */
export const engine = pwsh ?? (existsSync(builtHost) ? builtHost : null);
if (!engine && process.env.CI) throw new Error(`No PowerShell engine: .ci/run builds ${builtHost} (dotnet build tools/pwsh-host).`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-real-pwsh-'));
let n = 0;

/** An executable that starts the engine with the Hyper-V host for `scenario`, in `mode`. */
export function powershellFor(scenario: Scenario, mode: 'FullLanguage' | 'ConstrainedLanguage'): string {
  const scenarioFile = path.join(dir, `scenario-${++n}.json`);
  writeFileSync(scenarioFile, JSON.stringify(scenario));
  return powershellForFile(scenarioFile, mode);
}

/**
 * The same for a scenario file read at each start of the engine: in ConstrainedLanguage the
 * runner starts one process per invocation, so rewriting the file changes the host between passes.
 */
export function powershellForFile(scenarioFile: string, mode: 'FullLanguage' | 'ConstrainedLanguage'): string {
  const exe = path.join(dir, `powershell-${++n}`);
  const types = `Add-Type -TypeDefinition ("using System;\`n" + [System.IO.File]::ReadAllText('${path.join(hostDir, 'HyperVTypes.cs')}'))`;
  const body = pwsh
    ? // Real pwsh: the host's types and functions first, then the language mode is lowered, as policy would.
      `export TERM=dumb\n{ printf '%s\\n' "${types.replace(/["$`\\]/g, '\\$&')}" ". '${prelude}'" "\\$ExecutionContext.SessionState.LanguageMode = '${mode}'"; cat; } | '${pwsh}' "$@"`
    : `exec '${engine}' "$@"`;
  writeFileSync(exe, `#!/bin/sh\nexport RAGNATRAMP_PWSH_PRELUDE='${prelude}' RAGNATRAMP_PWSH_SCENARIO='${scenarioFile}' RAGNATRAMP_PWSH_LANGUAGE_MODE='${mode}'\n${body}\n`);
  chmodSync(exe, 0o755);
  return exe;
}
