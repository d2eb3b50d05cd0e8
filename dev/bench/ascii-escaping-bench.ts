// The discovery script's last step (every non-ASCII character of the answer as \uXXXX) in the
// real pwsh, on the answer for a fleet of VMs of which one has an accented name, in FullLanguage
// and in ConstrainedLanguage. Measure-Command times the step inside the process, so pwsh's
// start-up is not counted; each run's result is compared with the escaping done in JavaScript.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ASCII_OUTPUT, buildDiscoveryScript } from '../../main/engine/providers/hyperv/discovery-script.js';
import { fixedScenario } from '../../main/engine/simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../main/engine/simulator/simulated-powershell.js';
import type { Scenario } from '../../main/engine/simulator/scenario.js';
import { PWSH_ENV, pwsh, type LanguageMode } from '../test-support/real-powershell.js';
import { median, round } from './stats.js';

export interface AsciiEscapingRow {
  vms: number;
  mode: LanguageMode;
  /** Median of the runs, in milliseconds. */
  ms: number;
  /** The step's output is the answer escaped as JavaScript escapes it. */
  correct: boolean;
}

/** The answer the discovery script builds before its last step: JSON with the names as they are. */
async function rawAnswer(vms: number): Promise<string> {
  const names = Array.from({ length: vms }, (_, i) => (i === 0 ? 'bench-wéb-0badc0de' : `bench-m${i}-0badc0de`));
  const scenario: Scenario = { vms: names.map((name, i) => ({ name, adapters: [{ mac: `00155D${i.toString(16).toUpperCase().padStart(6, '0')}`, ipAddresses: [`172.18.0.${i + 2}`] }] })) };
  const answer = await new SimulatedPowerShell(fixedScenario(scenario), { timeoutMs: 60_000 }).run(buildDiscoveryScript({ ids: [], names }));
  return JSON.stringify(JSON.parse(answer)); // the \uXXXX escapes undone
}

export async function benchAsciiEscaping(vms: number, runs: number): Promise<AsciiEscapingRow[]> {
  if (!pwsh) throw new Error('bench: pwsh is missing (.ci/run installs it in /opt/pwsh-tool)');
  const raw = await rawAnswer(vms);
  const expected = raw.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rt-bench-ascii-'));
  try {
    const file = path.join(dir, 'answer.json');
    writeFileSync(file, raw);
    const rows: AsciiEscapingRow[] = [];
    for (const mode of ['FullLanguage', 'ConstrainedLanguage'] as const) {
      // One statement a line, as -Command - reads them: the mode is lowered before the step is parsed.
      const script = [
        `$raw = Get-Content -Raw -Encoding utf8 -LiteralPath '${file}'`,
        `$ExecutionContext.SessionState.LanguageMode = '${mode}'`,
        `$ms = foreach ($i in 1..${runs}) { (Measure-Command { $json = $raw; ${ASCII_OUTPUT} }).TotalMilliseconds }`,
        `$json = $raw; ${ASCII_OUTPUT}`,
        "ConvertTo-Json -Compress -InputObject @{ Ms = @($ms); Out = $json }",
      ];
      const out = execFileSync(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], { input: `${script.join('\n')}\n`, encoding: 'utf8', env: { ...process.env, ...PWSH_ENV }, maxBuffer: 64 << 20 });
      const { Ms, Out } = JSON.parse(out) as { Ms: number[]; Out: string };
      rows.push({ vms, mode, ms: round(median(Ms)), correct: Out === expected });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
