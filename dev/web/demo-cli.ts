// `npm run --silent demo:cli -- <command> [options]`: the command line on a temporary copy of
// examples/demo (its simulated Hyper-V host, a tray folder of its own), as the demo runs the
// window, so that README's examples (reconcile too) change no tracked file.

import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { runCli, type CliIo } from '../../main/cli/cli.js';
import { copyDemo, type DemoCopy } from './demo-copy.js';

export async function runDemoCli(argv: string[], io: Pick<CliIo, 'stdout' | 'stderr'>, demo: DemoCopy = copyDemo()): Promise<number> {
  mkdirSync(demo.home, { recursive: true });
  const [command, ...rest] = argv;
  // help and version name no project; support-bundle takes the project but refuses --simulate.
  const named = command && !['help', 'version'].includes(command) && !rest.includes('--help');
  const project = !named ? [] : command === 'support-bundle' ? ['--config', demo.config] : ['--config', demo.config, '--simulate', demo.scenario];
  return runCli([...(command ? [command] : []), ...project, ...rest], { ...io, env: { ...process.env, RAGNATRAMP_TRAY_HOME: demo.home }, logDir: demo.home });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = copyDemo();
  process.stderr.write(`Demo project: ${demo.project}\n`);
  process.exitCode = await runDemoCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, demo);
}
