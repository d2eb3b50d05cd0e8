// `npm run --silent lab -- up --guests <N> --dir <D>` / `down --dir <D>` / `down --all`.

import { parseArgs } from 'node:util';
import { LabError, labDown, labDownAll, labUp } from './lab.js';

const USAGE = `Usage: npm run --silent lab -- up --guests <N> --dir <D> [--project <name>]
       npm run --silent lab -- down --dir <D>
       npm run --silent lab -- down --all      (every lab still registered on this machine)

up prints one JSON document: { config, scenario, manifest, guests: [{ machine, netns, mac, ip }] }.
Root only: the lab makes network namespaces, a bridge, a user and sshd processes.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { guests: { type: 'string' }, dir: { type: 'string' }, project: { type: 'string' }, all: { type: 'boolean', default: false } } });
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: v, positionals: [command] } = parsed;
  try {
    if (command === 'up' && v.dir && v.guests) {
      const summary = await labUp({ guests: Number(v.guests), dir: v.dir, project: v.project });
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    }
    if (command === 'down' && (v.dir || v.all)) {
      if (v.all) for (const dir of await labDownAll()) process.stderr.write(`removed the lab in ${dir}\n`);
      else await labDown(v.dir!);
      return 0;
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } catch (err) {
    process.stderr.write(`lab: ${(err as Error).message}\n`);
    return err instanceof LabError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
