// What needs the user's attention about one VM, in the few words the header, the tray tooltip
// and the row's badges use ("KVP No Contact", "hosts out of date"), each with the check it comes
// from, so that the user can mute it; muted ones need no attention. Pure: read from the view's
// typed fields and warning codes, never from text.

import { factCheck, muteKey, type ProblemView, type VmView } from '../../contract/api.js';

export function vmProblems(vm: Omit<VmView, 'problems' | 'muted'>): ProblemView[] {
  const p = (check: string, text: string): ProblemView => ({ check, text });
  if (vm.status === 'missing') return [vm.warnings.some((w) => w.code === 'not-created') ? p('not-created', 'not created yet') : p('vm-missing', 'VM missing')];
  // Stopped needs nothing; unknown's cause is the host's, said once in the header, not per VM.
  if (vm.status === 'stopped' || vm.status === 'unknown') return [];
  const out: ProblemView[] = [];
  const failing = vm.facts.filter((f) => f.ok === false).map((f) => p(factCheck(f.label), `${f.label} ${f.value}`));
  if (!vm.ipv4 && !vm.sshAt) out.push(p('ip-unknown', failing.length > 0 ? `IP unknown: ${failing[0]!.text}` : 'IP unknown'));
  else out.push(...failing);
  // A duplicate IPv4 is not each VM's problem: the window says it once, in one banner naming both.
  if ((vm.ipv4 || vm.sshAt) && vm.sshOpen === false) out.push(p('ssh-closed', 'SSH closed'));
  if (vm.sync && !vm.sync.success) out.push(vm.sync.problem === 'host-key-changed' ? p('host-key', 'host key changed') : p('hosts-sync', 'hosts sync failed'));
  else if (vm.hostsStale) out.push(p('hosts-stale', 'hosts out of date'));
  // Warnings that are problems of their own carry their few words (the raising module's).
  for (const w of vm.warnings) if (w.brief && !out.some((x) => x.check === w.code)) out.push(p(w.code, w.brief));
  return out;
}

/** A VM's problems split into those that need attention and those the user muted. */
export function withMutes(vm: Omit<VmView, 'problems' | 'muted'>, muted: readonly string[]): Pick<VmView, 'problems' | 'muted'> {
  const all = vmProblems(vm);
  const isMuted = (x: ProblemView) => muted.includes(muteKey(vm.key, x.check));
  return { problems: all.filter((x) => !isMuted(x)), muted: all.filter(isMuted) };
}
