// Starting and stopping a quickemu VM the way quickemu 4.9.9 does (line numbers are its
// `quickemu` script's): a start runs `quickemu --vm <vm>.conf` (an argv, no shell) from the
// .conf's folder, where quickemu is on PATH; quickemu starts QEMU in the background and exits
// (`${QEMU} "${args[@]}" &> "${VMDIR}/${VMNAME}.log" &`, :2157), saying "ERROR!" and exiting 1
// when QEMU did not start (:2160-2170). QEMU is started in a session of its own, so it outlives
// the tray. A stop sends `system_powerdown` to QEMU's monitor socket (`<vm>-monitor.socket`,
// :2099-2101, :2819; what `quickemu --monitor-cmd system_powerdown` sends, :2505-2516), which asks
// the guest to shut down (ACPI); a guest that has not powered off by the deadline is stopped with
// `quit` on the same monitor (QEMU exits at once, removing its pid file). Restart is both.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { HypervisorError } from '../../errors.js';
import type { VmObservation } from '../../discovery/observation.js';
import type { PowerAction } from '../../discovery/provider.js';
import { installHint, toolPath } from '../../discovery/tool-path.js';
import { parseConf, vmPaths } from './quickemu-files.js';
import { readFile } from 'node:fs/promises';

export interface QuickemuPowerOptions {
  /** Whether the VM's QEMU still runs (the provider's own liveness check). */
  running: (vm: VmObservation) => Promise<boolean>;
  /** How long the guest may take to power off after `system_powerdown` (default 60 s), and after `quit` (5 s). */
  shutdownMs?: number;
  quitMs?: number;
  pollMs?: number;
  /** The quickemu to run (default `quickemu`, found on PATH). */
  quickemu?: string;
  /** How long quickemu itself may take to start QEMU and exit, and QEMU to be seen running (default 120 s each). */
  startMs?: number;
  /** The host's platform: on macOS quickemu is also looked for where Homebrew puts it. */
  platform?: NodeJS.Platform;
}

/** Sends one command to QEMU's human monitor and closes the connection once it was written. */
export function monitorCommand(socket: string, command: string, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket);
    const timer = setTimeout(() => s.destroy(new Error(`its monitor ${socket} did not take the command within ${timeoutMs / 1000} s`)), timeoutMs);
    s.once('error', (err) => (clearTimeout(timer), reject(err)));
    // The monitor greets first ("QEMU … monitor - type 'help'", then "(qemu) "): the command follows the prompt.
    let seen = '';
    s.on('data', (d: Buffer) => {
      seen += d.toString('latin1');
      if (seen.includes('(qemu)')) {
        s.removeAllListeners('data');
        s.end(`${command}\n`, () => {
          clearTimeout(timer);
          resolve();
        });
      }
    });
  });
}

/** Runs quickemu and resolves with its exit code and output, once it exits (QEMU stays behind). */
function runQuickemu(exe: string, confFile: string, timeoutMs: number, platform: NodeJS.Platform): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, PATH: toolPath(process.env, platform) };
    const child = spawn(exe, ['--vm', path.basename(confFile)], { cwd: path.dirname(confFile), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-16_384));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => (clearTimeout(timer), reject(err)));
    // 'exit', not 'close': a viewer or swtpm quickemu left behind may hold its output open.
    child.once('exit', (code) => {
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ code, output });
    });
    child.unref();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the VM's QEMU came to run (or stopped running) within `ms`. */
async function waitUntil(o: QuickemuPowerOptions, vm: VmObservation, running: boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if ((await o.running(vm)) === running) return true;
    if (Date.now() >= until) return false;
    await sleep(o.pollMs ?? 500);
  }
}

async function start(o: QuickemuPowerOptions, vm: VmObservation, confFile: string): Promise<string> {
  const name = vm.ref.machineName;
  const exe = o.quickemu ?? 'quickemu';
  const platform = o.platform ?? process.platform;
  const by = `quickemu --vm ${path.basename(confFile)}`;
  let run: { code: number | null; output: string };
  try {
    run = await runQuickemu(exe, confFile, o.startMs ?? 120_000, platform);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HypervisorError(`quickemu is not on PATH, so '${name}' cannot be started from here.`, `${installHint('quickemu', platform)} Or start it yourself: cd ${path.dirname(confFile)} && ${by}`);
    throw new HypervisorError(`quickemu could not be run for '${name}' (${(err as Error).message}).`, `Start it yourself: cd ${path.dirname(confFile)} && ${by}`);
  }
  if (run.code !== 0) {
    const said = run.output.split('\n').map((l) => l.trim()).filter((l) => /ERROR!/.test(l)).at(-1) ?? run.output.trim().split('\n').at(-1) ?? '';
    throw new HypervisorError(`${by} failed for '${name}' (exit ${run.code ?? 'killed'}): ${said}`, `Run it in a terminal in ${path.dirname(confFile)} to see all it says.`);
  }
  // quickemu exits 0 once its QEMU has lived 0.25 s (:2158-2161), which may be before QEMU has
  // written its pid file: the VM counts as started when the tray sees it running.
  if (await waitUntil(o, vm, true, o.startMs ?? 120_000)) return `'${name}' started (${by}).`;
  throw new HypervisorError(`${by} exited as if it had started '${name}', but its QEMU is not running.`, `QEMU's own words are in ${vmPaths(confFile, parseConf(await readFile(confFile, 'utf8').catch(() => ''))).log}.`);
}

/** Whether a process has exited (gone, or a zombie nobody reaped: its exit work is done). */
async function exited(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && / Z /.test(stat.slice(stat.lastIndexOf(')')));
}

async function stop(o: QuickemuPowerOptions, vm: VmObservation, confFile: string): Promise<string> {
  const name = vm.ref.machineName;
  const paths = vmPaths(confFile, parseConf(await readFile(confFile, 'utf8').catch(() => '')));
  const monitor = paths.monitor;
  const pid = Number((await readFile(paths.pid, 'utf8').catch(() => '')).split('\n')[0]);
  // QEMU removes its pid file before the rest of its exit, which unlinks its monitor socket: a
  // restart that started the next QEMU on the pid file's word would lose that QEMU's socket to it.
  const stoppedFully = async (running: boolean) => {
    if (!running) return false;
    const until = Date.now() + (o.quitMs ?? 5_000);
    while (Number.isInteger(pid) && pid > 0 && !(await exited(pid)) && Date.now() < until) await sleep(o.pollMs ?? 100);
    return true;
  };
  const send = (command: string) =>
    monitorCommand(monitor, command).catch((err: Error) => {
      throw new HypervisorError(`'${name}' cannot be told to ${command} (${err.message}).`, `quickemu's monitor socket is ${monitor} (the default, monitor="socket"); with another monitor setting stop it yourself (quickemu --vm ${path.basename(confFile)} --kill).`);
    });
  await send('system_powerdown');
  const shutdownMs = o.shutdownMs ?? 60_000;
  if (await stoppedFully(await waitUntil(o, vm, false, shutdownMs))) return `'${name}' shut down (system_powerdown).`;
  await send('quit');
  if (await stoppedFully(await waitUntil(o, vm, false, o.quitMs ?? 5_000))) return `'${name}' did not power off within ${Math.round(shutdownMs / 1000)} s of system_powerdown (its OS ignored it), so QEMU was told to quit.`;
  throw new HypervisorError(`'${name}''s QEMU still runs after system_powerdown and quit.`, `Stop it with: quickemu --vm ${path.basename(confFile)} --kill`);
}

export async function powerQuickemu(o: QuickemuPowerOptions, vm: VmObservation, action: PowerAction): Promise<string> {
  const confFile = vm.detail.provider === 'quickemu' ? vm.detail.conf : null;
  if (!confFile) throw new HypervisorError(`'${vm.ref.machineName}' has no .conf in ${vm.lookedIn}, so quickemu cannot ${action} it.`, vm.warnings[0]?.text ?? 'Add its <vm>.conf to the folder.');
  if (action === 'start') return start(o, vm, confFile);
  const stopped = await stop(o, vm, confFile);
  if (action === 'stop') return stopped;
  return `${stopped} ${await start(o, vm, confFile)}`;
}
