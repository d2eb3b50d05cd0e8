// A stand-in `powershell` executable for testing the real node-powershell runner: it speaks the
// same stdin protocol (node-powershell's marker lines echoed to stdout and stderr), answers the
// discovery script from a scenario file like the in-process simulator, and can misbehave on cue:
//   ok:<text>   prints text          err:<text>  prints text on stderr
//   hang        never answers again  exit        dies at once
// FAKE_PWSH_LANGUAGE_MODE=ConstrainedLanguage makes it refuse node-powershell's [Console] marker
// lines as that mode does (with the offending line echoed in the error, so the marker does reach
// stderr: the session then never completes on stdout).
// FAKE_PWSH_NOISE=1 makes it answer the language-mode probe as pwsh does on a terminal-minded
// Unix (ESC[?1h ESC[?1l around the answer; facts file, "Added after running the scripts in the
// real PowerShell"), after a WARNING line.
// It appends its pid, argv and terminal variables to FAKE_PWSH_LOG so tests can check how it was started.

import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { DISCOVERY_MARKER } from '../../main/engine/providers/hyperv/discovery-script.js';
import { ScenarioFile } from '../../main/engine/simulator/scenario-source.js';
import { SimulatedPowerShell } from '../../main/engine/simulator/simulated-powershell.js';

if (process.env.FAKE_PWSH_LOG) appendFileSync(process.env.FAKE_PWSH_LOG, `${JSON.stringify({ pid: process.pid, argv: process.argv.slice(2), term: process.env.TERM ?? null, noColor: process.env.NO_COLOR ?? null })}\n`);
const simulator = process.env.FAKE_PWSH_SCENARIO ? new SimulatedPowerShell(new ScenarioFile(process.env.FAKE_PWSH_SCENARIO), { timeoutMs: 60_000 }) : null;
let hung = false;
let queue = Promise.resolve();

createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(() => handle(line));
});

async function handle(line: string): Promise<void> {
  if (hung) return;
  const mode = process.env.FAKE_PWSH_LANGUAGE_MODE ?? 'FullLanguage';
  if (line === '$ExecutionContext.SessionState.LanguageMode') {
    process.stdout.write(process.env.FAKE_PWSH_NOISE ? `\u001b[?1h\u001b[?1lWARNING: The profile could not be loaded.\n${mode}\n\u001b[?1h` : `${mode}\n`);
    return;
  }
  const marker = /^\[Console\]::(Out|Error)\.WriteLine\("([^"]*)"\)$/.exec(line);
  if (marker && mode === 'ConstrainedLanguage') {
    process.stderr.write(`Cannot invoke method. Method invocation is supported only on core types in this language mode.\nAt line:1 char:1\n+ ${line}\n    + CategoryInfo          : InvalidOperation: (:) [], RuntimeException\n    + FullyQualifiedErrorId : MethodInvocationNotSupportedInConstrainedLanguage\n`);
    return;
  }
  if (marker) {
    (marker[1] === 'Out' ? process.stdout : process.stderr).write(`${marker[2]}\n`);
    return;
  }
  if (line === 'hang') hung = true;
  else if (line === 'exit') process.exit(3);
  else if (line.startsWith('ok:')) process.stdout.write(`${line.slice(3)}\n`);
  else if (line.startsWith('err:')) process.stderr.write(`${line.slice(4)}\n`);
  else if (simulator && line.includes(DISCOVERY_MARKER)) {
    try {
      process.stdout.write(`${await simulator.run(line)}\n`);
    } catch (err) {
      process.stderr.write(`${(err as Error).message}\n`);
    }
  } else process.stderr.write(`The term '${line.split(' ')[0]}' is not recognized as the name of a cmdlet, function, script file, or operable program.\n`);
}
