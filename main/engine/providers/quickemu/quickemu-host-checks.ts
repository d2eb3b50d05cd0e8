// quickemu's checks of this computer, for `doctor` and the window's "This PC": the folder exists
// and holds <vm>.conf files (one for each project VM, by its VM or machine name, as
// observe-quickemu.ts matches them), and the programs that run them are on PATH: quickemu, and
// the `qemu-system-<arch>` each .conf asks for (quickemu 4.9.9 runs `qemu-system-${arch}`,
// arch defaulting to x86_64, and stops when it or qemu-img is missing: quickemu:2602-2611). On
// a Mac they are looked for where Homebrew puts them too (an app started from Finder has
// launchd's PATH, tool-path.ts) and named by Homebrew's package, and bootpd, which gives a vmnet
// guest its address, is checked (bootpd-checks.ts).

import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { bootpdHostChecks } from '../../discovery/bootpd-checks.js';
import { findTool, installHint } from '../../discovery/tool-path.js';
import type { HostCheck, HostCheckContext } from '../provider-entry.js';
import { parseConf } from './quickemu-files.js';

export async function quickemuHostChecks(context: Pick<HostCheckContext, 'options' | 'refs' | 'env' | 'platform' | 'run'>, exists: (file: string) => boolean = existsSync, leasesFile?: string): Promise<HostCheck[]> {
  const steps: HostCheck[] = [];
  const add = (step: string, ok: boolean | null, detail: string, fix: string | null = null) => steps.push({ step, ok, detail, fix });
  const choose = 'Choose the folder that holds your <vm>.conf files as the project\'s provider option in Settings (or give --quickemu <folder>).';
  if (!context.options.quickemu) {
    add("quickemu's folder", false, 'none given', choose);
    return steps;
  }
  const folder = path.resolve(context.options.quickemu);
  try {
    const s = await stat(folder);
    add("quickemu's folder", s.isDirectory(), s.isDirectory() ? folder : `${folder} is a file, not a folder`, s.isDirectory() ? null : choose);
  } catch (err) {
    add("quickemu's folder", false, `${folder} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, choose);
  }
  if (!steps[0]!.ok) return steps;
  const confs = (await readdir(folder)).filter((f) => f.endsWith('.conf')).sort();
  const vmNames = confs.map((f) => path.basename(f, '.conf'));
  const unmatched = context.refs.filter((r) => !vmNames.includes(r.vmName) && !vmNames.includes(r.machineName)).map((r) => r.machineName);
  if (confs.length === 0) add('VM .conf files', false, `no .conf file in ${folder}`, 'Create the VMs with quickget (it writes <vm>.conf), or choose the folder that holds them.');
  else if (unmatched.length > 0) add('VM .conf files', false, `${confs.join(', ')}; none for ${unmatched.join(', ')}`, `Create ${unmatched.length === 1 ? 'it' : 'them'} with quickget (or 'ragnatramp up'), or choose the folder that holds ${unmatched.map((m) => `${m}.conf`).join(', ')}.`);
  else add('VM .conf files', true, confs.join(', '));

  const mac = context.platform === 'darwin';
  const found = (exe: string) => findTool(exe, context.env, context.platform, exists);
  const quickemu = found('quickemu');
  add('quickemu on PATH', quickemu !== null, quickemu ?? 'not found', quickemu ? null : mac ? installHint('quickemu', 'darwin') : 'Install quickemu (your distribution\'s package, or https://github.com/quickemu-project/quickemu), so that your VMs can be started.');
  const arches = new Set<string>();
  for (const f of confs) arches.add(parseConf(await readFile(path.join(folder, f), 'utf8').catch(() => '')).values['arch'] || 'x86_64');
  if (arches.size === 0) arches.add('x86_64');
  for (const exe of [...[...arches].sort().map((a) => `qemu-system-${a}`), 'qemu-img']) {
    const file = found(exe);
    add(`${exe} on PATH`, file !== null, file ?? 'not found: quickemu cannot start a VM without it', file ? null : mac ? installHint('qemu', 'darwin') : 'Install QEMU (qemu-system-x86 and qemu-utils on Debian and Ubuntu, qemu-kvm on Fedora).');
  }
  if (mac) steps.push(...(await bootpdHostChecks(context.run, leasesFile)));
  return steps;
}
