// What Add project watches: a Ragnatramp project (its ragnatramp.yaml, add-project.tsx) or the
// VMs a provider already has, with no ragnatramp.yaml (a quickemu folder, a libvirt host, a
// Proxmox VE cluster or one of its pools or tags), each VM a machine named as its hypervisor
// names it, logged in to with the SSH user and key given here. The app checks what is given
// before it keeps it; its error shows under the form.
import { useState } from 'react';
import { WATCHED_KINDS, type WatchedProject } from '../../../contract/api';
import { useStore } from '../store';
import { AddProject } from './add-project';

type Kind = 'ragnatramp' | WatchedProject['provider'];

export function AddProjectKind({ filePicker, platform }: { filePicker: boolean; platform: string }) {
  const [kind, setKind] = useState<Kind>('ragnatramp');
  return (
    <div className="add-project-kind">
      <label htmlFor="add-project-kind">What to watch</label>
      <select id="add-project-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
        <option value="ragnatramp">A Ragnatramp project (ragnatramp.yaml)</option>
        {WATCHED_KINDS.map((k) => (
          <option key={k.id} value={k.id}>
            {k.label}
          </option>
        ))}
      </select>
      {kind === 'ragnatramp' ? <AddProject filePicker={filePicker} platform={platform} /> : <AddWatchedProject key={kind} kind={kind} />}
    </div>
  );
}

function AddWatchedProject({ kind }: { kind: WatchedProject['provider'] }) {
  const api = useStore((s) => s.api);
  const info = WATCHED_KINDS.find((k) => k.id === kind)!;
  const [option, setOption] = useState('');
  const [part, setPart] = useState<{ by: 'all' | 'pool' | 'tag'; value: string }>({ by: 'all', value: '' });
  const [user, setUser] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const problem = option.trim() === '' ? `Enter the ${info.option.toLowerCase()}.` : (user.trim() === '') !== (key.trim() === '') ? 'Give both the SSH user and the key, or neither (hosts sync needs them).' : part.by !== 'all' && part.value.trim() === '' ? `Enter the ${part.by}.` : null;
  const add = async () => {
    const project: WatchedProject = {
      provider: kind,
      option: option.trim(),
      ...(part.by === 'pool' ? { pool: part.value.trim() } : part.by === 'tag' ? { tag: part.value.trim() } : {}),
      ...(user.trim() ? { ssh: { user: user.trim(), privateKey: key.trim() } } : {}),
    };
    try {
      useStore.setState({ settings: await api!.saveWatchedProject(project) });
      setOption('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form
      className="add-project add-watched"
      onSubmit={(e) => {
        e.preventDefault();
        if (problem) setError(problem);
        else void add();
      }}
    >
      <p className="muted">Every VM there is a machine, named as {kind === 'quickemu' ? 'quickemu names it (its .conf)' : kind === 'libvirt' ? 'libvirt names it' : 'Proxmox VE names it'}. No ragnatramp.yaml is needed; the tray keeps its own record of their addresses.</p>
      <label htmlFor="watched-option">{info.option}</label>
      <input id="watched-option" value={option} placeholder={info.placeholder} spellCheck={false} onChange={(e) => setOption(e.target.value)} />
      {kind === 'proxmox' && (
        <div className="row">
          <label htmlFor="watched-part">Guests</label>
          <select id="watched-part" value={part.by} onChange={(e) => setPart({ by: e.target.value as 'all' | 'pool' | 'tag', value: '' })}>
            <option value="all">All of the cluster</option>
            <option value="pool">One pool</option>
            <option value="tag">One tag</option>
          </select>
          {part.by !== 'all' && <input aria-label={part.by === 'pool' ? 'Pool' : 'Tag'} value={part.value} onChange={(e) => setPart({ ...part, value: e.target.value })} />}
        </div>
      )}
      <label htmlFor="watched-user">SSH user</label>
      <input id="watched-user" value={user} placeholder="ubuntu" autoComplete="off" onChange={(e) => setUser(e.target.value)} />
      <label htmlFor="watched-key">SSH private key</label>
      <input id="watched-key" value={key} placeholder="/home/me/.ssh/id_ed25519" spellCheck={false} onChange={(e) => setKey(e.target.value)} />
      <button type="submit" className="primary">
        Watch these VMs
      </button>
      {error && (
        <p className="field-error" role="alert" id="add-watched-error">
          {error}
        </p>
      )}
    </form>
  );
}
