// Starting and stopping a libvirt domain by its UUID, through the same command runner (virsh with
// an argv, never a shell, under LC_ALL=C) on the same URI discovery uses: `virsh start`, `virsh
// shutdown` (the guest is asked: libvirt's QEMU driver tries the guest agent, then ACPI, when no
// mode is given), `virsh reboot` (asked the same way). A shutdown returns as soon as the guest was
// asked; the tray then waits for the domain to be shut off, and says so when the guest ignored it.

import { HypervisorError } from '../../errors.js';
import type { VmObservation } from '../../discovery/observation.js';
import type { PowerAction } from '../../discovery/provider.js';
import { UUID } from './virsh-output.js';

export interface LibvirtPowerOptions {
  /** Runs `virsh -c <uri> -q <args>`; rejects with virsh's error. */
  virsh: (args: string[]) => Promise<string>;
  uri: string;
  /** How long a shut-down guest may take to power off (default 90 s), and how often to look. */
  shutdownMs?: number;
  pollMs?: number;
}

const VERB: Record<PowerAction, string> = { start: 'start', stop: 'shutdown', restart: 'reboot' };

/**
 * virsh's reason for a failure: it says what failed first ("failed to connect to the
 * hypervisor"), then why, on its last line.
 */
export function virshReason(err: unknown): string {
  const e = err as Error & { stderr?: string; code?: string };
  if (e.code === 'ENOENT') return 'virsh is not installed';
  const line = (e.stderr || e.message).split('\n').filter((l) => l.trim()).at(-1) ?? e.message;
  return line.replace(/^error:\s*/, '').trim();
}

export async function powerLibvirt(o: LibvirtPowerOptions, vm: VmObservation, action: PowerAction): Promise<string> {
  const name = vm.ref.machineName;
  const uuid = vm.hypervisorId ?? '';
  if (!vm.found || !UUID.test(uuid)) throw new HypervisorError(`'${name}' has no libvirt domain at ${o.uri} to ${action}.`, 'Create the domain (virt-install, virsh define), or point the project at the URI that has it.');
  try {
    await o.virsh([VERB[action], '--domain', uuid]);
  } catch (err) {
    const why = virshReason(err);
    const hint = /denied|permission|authentication/i.test(why) ? `Starting and stopping domains needs write access to ${o.uri} (the libvirt group, or polkit's org.libvirt.unix.manage), not the read-only socket.` : `Check the domain with 'virsh -c ${o.uri} dominfo ${uuid}'.`;
    throw new HypervisorError(`libvirt could not ${action} '${name}' (virsh ${VERB[action]}: ${why}).`, hint);
  }
  if (action === 'start') return `'${name}' started (virsh start).`;
  if (action === 'restart') return `'${name}' was asked to reboot (virsh reboot).`;
  const deadline = Date.now() + (o.shutdownMs ?? 90_000);
  for (;;) {
    const state = await o.virsh(['domstate', '--domain', uuid]).then((t) => t.trim(), () => '');
    if (state === 'shut off') return `'${name}' shut down (virsh shutdown).`;
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
  }
  throw new HypervisorError(
    `'${name}' was asked to shut down (virsh shutdown) but still runs after ${Math.round((o.shutdownMs ?? 90_000) / 1000)} s: its OS ignored the request.`,
    `Run qemu-guest-agent or acpid in the guest so that it shuts down when asked; to pull the plug instead: virsh -c ${o.uri} destroy ${uuid}.`,
  );
}
