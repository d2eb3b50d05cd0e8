// A project's extra names in Settings: a domain suffix (every machine is also
// <machine>.<domain>) and, per VM, its aliases, written into the guests' hosts block and the ssh
// config. Kept in the app's settings, never in ragnatramp.yaml; the app checks each as a host
// name before keeping it, and its error shows under the form. A project defined by its
// provider also has its SSH login here, for all its VMs or one.
import { useState } from 'react';
import type { ProjectNames, Settings, SshLoginSetting, WatchedProject } from '../../../contract/api';
import { useStore } from '../store';
import { Outcome } from './project-provider';

const splitNames = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** A form's save: the settings the app kept, or its refusal, as the form's outcome. */
function useSave() {
  const [state, setState] = useState<{ saved: boolean; error: string | null }>({ saved: false, error: null });
  const run = async (call: () => Promise<Settings>) => {
    try {
      useStore.setState({ settings: await call() });
      setState({ saved: true, error: null });
    } catch (err) {
      setState({ saved: false, error: (err as Error).message });
    }
  };
  return { state, setState, run };
}

export function ProjectNamesField({ configPath, machines, current }: { configPath: string; machines: string[]; current: ProjectNames | undefined }) {
  const api = useStore((s) => s.api);
  const [domain, setDomain] = useState(current?.domain ?? '');
  // The VMs shown now, and any the settings give aliases to (one not listed this pass keeps them).
  const named = [...new Set([...machines, ...Object.keys(current?.aliases ?? {})])];
  const [aliases, setAliases] = useState<Record<string, string>>(Object.fromEntries(named.map((m) => [m, (current?.aliases && Object.hasOwn(current.aliases, m) ? current.aliases[m]! : []).join(', ')])));
  const { state, run } = useSave();
  const id = `names-${configPath}`;
  const save = () => {
    const names: ProjectNames = {
      ...(domain.trim() ? { domain: domain.trim() } : {}),
      aliases: Object.fromEntries(Object.entries(aliases).map(([m, text]) => [m, [...new Set(splitNames(text))]])),
    };
    return run(() => api!.setProjectNames(configPath, names));
  };
  // Folded away until asked for: most projects need no extra names.
  return (
    <details className="names" open={!!current}>
      <summary>Domain and aliases</summary>
      <form
        className="provider-field names-field"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={`${id}-domain`}>Domain</label>
        <input id={`${id}-domain`} value={domain} placeholder="demo.internal" spellCheck={false} onChange={(e) => setDomain(e.target.value)} />
        {named.map((m) => (
          <span key={m} className="alias-field">
            <label htmlFor={`${id}-${m}`}>Aliases of {m}</label>
            <input id={`${id}-${m}`} value={aliases[m] ?? ''} placeholder="www, api" spellCheck={false} onChange={(e) => setAliases({ ...aliases, [m]: e.target.value })} />
          </span>
        ))}
        <button type="submit">Save names</button>
        <Outcome id={id} done={state.saved ? 'Saved' : null} error={state.error} />
      </form>
    </details>
  );
}

/** A provider-defined project's SSH login: for every VM, or for one VM of its own. */
export function WatchedLoginField({ project, machines }: { project: WatchedProject; machines: string[] }) {
  const api = useStore((s) => s.api);
  const [vm, setVm] = useState<string>('');
  // A VM is named by its hypervisor (constructor, __proto__): a login of its own key only.
  const ownLogin = (name: string) => (project.vmSsh && Object.hasOwn(project.vmSsh, name) ? project.vmSsh[name] : undefined);
  const login = (vm ? ownLogin(vm) : project.ssh) ?? { user: '', privateKey: '' };
  const [draft, setDraft] = useState<SshLoginSetting>(login);
  const { state, setState, run } = useSave();
  const id = `login-${project.provider}-${project.option}`;
  const save = async () => {
    const given = draft.user.trim() && draft.privateKey.trim() ? { user: draft.user.trim(), privateKey: draft.privateKey.trim() } : null;
    if (!given && (draft.user.trim() || draft.privateKey.trim())) {
      setState({ saved: false, error: 'Give both the SSH user and the key, or neither.' });
      return;
    }
    const { ssh: _ssh, vmSsh: _vmSsh, ...rest } = project;
    const vmSsh = { ...project.vmSsh };
    if (vm) {
      if (given) vmSsh[vm] = given;
      else delete vmSsh[vm];
    }
    const ssh = vm ? project.ssh : given;
    const next: WatchedProject = { ...rest, ...(ssh ? { ssh } : {}), ...(Object.keys(vmSsh).length > 0 ? { vmSsh } : {}) };
    await run(() => api!.saveWatchedProject(next));
  };
  return (
    <form
      className="provider-field"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <label htmlFor={`${id}-vm`}>SSH login of</label>
      <select
        id={`${id}-vm`}
        value={vm}
        onChange={(e) => {
          setVm(e.target.value);
          setDraft((e.target.value ? ownLogin(e.target.value) : project.ssh) ?? { user: '', privateKey: '' });
          setState({ saved: false, error: null });
        }}
      >
        <option value="">every VM</option>
        {machines.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-user`}>User</label>
      <input id={`${id}-user`} value={draft.user} autoComplete="off" onChange={(e) => setDraft({ ...draft, user: e.target.value })} />
      <label htmlFor={`${id}-key`}>Key</label>
      <input id={`${id}-key`} value={draft.privateKey} spellCheck={false} onChange={(e) => setDraft({ ...draft, privateKey: e.target.value })} />
      <button type="submit">Save login</button>
      <Outcome id={id} done={state.saved ? 'Saved' : null} error={state.error} />
    </form>
  );
}
