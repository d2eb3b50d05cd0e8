// The quickemu provider's edges: lists the folder's `<vm>.conf` files, reads each VM's state
// files, checks that the pid file names a live QEMU (not a pid the system has since reused), and
// for bridged VMs reads the console log and the host's neighbour table; then hands the facts to
// observeQuickemu. It watches the VM folders, where quickemu writes and removes pid files.

import { execFile } from 'node:child_process';
import { watch as watchPath, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { HypervisorError } from '../../errors.js';
import { execRunner, readHostNeighbors, type CommandRunner } from '../../discovery/host-neighbors.js';
import type { DiscoveryProvider } from '../../discovery/provider.js';
import { readTail } from '../../discovery/read-tail.js';
import type { VmObservation, VmRef } from '../../discovery/observation.js';
import { networkOf, parseConf, parsePid, parsePorts, vmPaths } from './quickemu-files.js';
import { observeQuickemu, type QuickemuVm } from './observe-quickemu.js';

export class QuickemuProvider implements DiscoveryProvider {
  readonly name = 'quickemu';

  constructor(
    private readonly folder: string,
    private readonly runCommand: CommandRunner = execRunner,
  ) {}

  async observe(refs: VmRef[], now: string): Promise<VmObservation[]> {
    if (refs.length === 0) return [];
    const vms = await this.readVms();
    const bridged = vms.some((v) => v.running && networkOf(v.conf).kind === 'bridge');
    const neighbors = bridged ? await readHostNeighbors(this.runCommand) : [];
    return observeQuickemu(refs, { folder: this.folder, vms, neighbors }, now);
  }

  private async readVms(): Promise<QuickemuVm[]> {
    let names: string[];
    try {
      names = (await readdir(this.folder)).filter((f) => f.endsWith('.conf')).sort();
    } catch (err) {
      throw new HypervisorError(`quickemu's folder ${this.folder} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`, 'Check the path given to --quickemu: it is the folder that holds your <vm>.conf files.');
    }
    return Promise.all(
      names.map(async (file): Promise<QuickemuVm> => {
        const confFile = path.join(this.folder, file);
        const conf = parseConf(await readFile(confFile, 'utf8').catch(() => ''));
        const paths = vmPaths(confFile, conf);
        const [entries, pidText, portsText] = await Promise.all([readdir(paths.dir).catch(() => [] as string[]), readFile(paths.pid, 'utf8').catch(() => ''), readFile(paths.ports, 'utf8').catch(() => '')]);
        const running = await isQemu(parsePid(pidText));
        const confPort = Number(conf.values['ssh_port']);
        const sshPort = parsePorts(portsText).ssh ?? (Number.isInteger(confPort) && confPort > 0 && confPort < 65536 ? confPort : null);
        const bridged = networkOf(conf).kind === 'bridge';
        const consoleLog = running && bridged ? await readTail(paths.log) : null;
        return { confFile, conf, paths, created: entries.length > 0, running, sshPort, ...(consoleLog !== null ? { consoleLog } : {}) };
      }),
    );
  }

  /** quickemu writes the pid file when QEMU starts and removes it when it is stopped. */
  watch(onHint: () => void): () => void {
    const watchers: FSWatcher[] = [];
    const dirs = new Set<string>([this.folder]);
    void this.readVms()
      .then((vms) => {
        for (const v of vms) dirs.add(v.paths.dir);
        for (const dir of dirs) {
          try {
            watchers.push(watchPath(dir, (_event, name) => (name && /\.(pid|ports|conf)$/.test(name) ? onHint() : undefined)));
          } catch {
            // A folder not made yet: polling still covers it.
          }
        }
      })
      .catch(() => undefined);
    return () => {
      for (const w of watchers) w.close();
    };
  }

  async dispose(): Promise<void> {}
}

/** Whether a pid is a live QEMU process (seed 002: "PID must reference running qemu-system process"). */
async function isQemu(pid: number | null): Promise<boolean> {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const name = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => processName(pid));
  return /qemu/i.test(name);
}

/** The process's command name where there is no /proc (macOS). */
function processName(pid: number): Promise<string> {
  return new Promise((resolve) => execFile('ps', ['-p', String(pid), '-o', 'comm='], (err, stdout) => resolve(err ? '' : stdout)));
}
