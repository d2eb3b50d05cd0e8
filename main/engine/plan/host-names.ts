// The names a VM answers to besides its machine name, from the app's settings (Ragnatramp's
// YAML stays closed): the project's domain suffix (`web` is also `web.demo.internal`) and the
// VM's aliases, as vagrant-hostmanager's aliases. Pure: checked here as host names, so that a
// bad one is said once and written nowhere (neither a hosts block nor the ssh config).

import { hostnameProblem } from '../hosts/hosts-block.js';
import { excerpt } from '../excerpt.js';

export interface ProjectNames {
  /** e.g. demo.internal: every machine is also <machine>.<domain>. */
  domain?: string;
  /** Per machine, its extra names. */
  aliases?: Record<string, string[]>;
}

/** Why a domain or alias cannot be used, or null. An alias may be a name with dots of its own. */
export function extraNameProblem(kind: 'domain' | 'alias', name: string): string | null {
  const problem = hostnameProblem(name);
  return problem ? `The ${kind} ${excerpt(name)} ${problem}` : null;
}

/** Checks settings' names; throws an Error whose message names the field at fault. */
export function checkProjectNames(names: ProjectNames): void {
  if (names.domain !== undefined) {
    const p = extraNameProblem('domain', names.domain);
    if (p) throw new Error(p);
  }
  for (const [machine, aliases] of Object.entries(names.aliases ?? {})) {
    for (const a of aliases) {
      const p = extraNameProblem('alias', a);
      if (p) throw new Error(`${machine}: ${p}`);
    }
  }
}

/**
 * A machine's extra names in order: its name under the domain, then its aliases (each written
 * lower case, as hosts-block.ts writes names), each once; the ones that cannot be host names
 * are left out with why.
 */
export function extraNames(machine: string, names: ProjectNames | undefined): { names: string[]; problems: string[] } {
  if (!names) return { names: [], problems: [] };
  // The machine's name is the hypervisor's (constructor, __proto__): an alias list of its own only.
  const wanted = [...(names.domain ? [{ kind: 'domain' as const, name: `${machine}.${names.domain}` }] : []), ...(names.aliases && Object.hasOwn(names.aliases, machine) ? names.aliases[machine]! : []).map((name) => ({ kind: 'alias' as const, name }))];
  const out: string[] = [];
  const problems: string[] = [];
  for (const w of wanted) {
    const whole = hostnameProblem(w.name);
    const problem = w.kind === 'domain' ? (extraNameProblem('domain', names.domain!) ?? (whole ? `The name ${excerpt(w.name)} ${whole}` : null)) : extraNameProblem('alias', w.name);
    if (problem) problems.push(problem);
    else if (!out.includes(w.name.toLowerCase()) && w.name.toLowerCase() !== machine.toLowerCase()) out.push(w.name.toLowerCase());
  }
  return { names: out, problems };
}
