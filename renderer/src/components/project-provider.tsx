// One project's provider, chosen in Settings: a list of the providers, and the one option the
// chosen one takes (a URI, a folder, a cluster, a manifest), checked by the app before it is
// kept; its error shows under the field. A Proxmox VE project also takes its API token, which
// the app keeps in the OS's credential store (or a file only the user reads) and never shows.
import { useState } from 'react';
import { PROVIDER_CHOICES, type ProjectProvider, type ProviderChoiceId } from '../../../contract/api';
import { useStore } from '../store';

export function ProjectProviderField({ configPath, current }: { configPath: string; current: ProjectProvider | undefined }) {
  const api = useStore((s) => s.api);
  const [provider, setProvider] = useState<ProviderChoiceId>(current?.provider ?? 'auto');
  const [option, setOption] = useState(current?.option ?? '');
  const [state, setState] = useState<{ saved: boolean; error: string | null }>({ saved: false, error: null });
  const choice = PROVIDER_CHOICES.find((c) => c.id === provider)!;
  const id = `provider-${configPath}`;
  const changed = provider !== (current?.provider ?? 'auto') || option !== (current?.option ?? '');

  const save = async (next: ProviderChoiceId, text: string) => {
    const picked = PROVIDER_CHOICES.find((c) => c.id === next)!;
    if (picked.option?.required && text.trim() === '') {
      setState({ saved: false, error: `Enter the ${picked.option.label.toLowerCase()}.` });
      return;
    }
    try {
      const settings = await api!.setProjectProvider(configPath, { provider: next, ...(picked.option && text.trim() ? { option: text.trim() } : {}) });
      useStore.setState({ settings });
      setOption(settings.providers[configPath]?.option ?? '');
      setState({ saved: true, error: null });
    } catch (err) {
      setState({ saved: false, error: (err as Error).message });
    }
  };

  return (
    <>
      <form
        className="provider-field"
        onSubmit={(e) => {
          e.preventDefault();
          void save(provider, option);
        }}
      >
        <label htmlFor={id}>Provider</label>
        <select
          id={id}
          value={provider}
          onChange={(e) => {
            const next = e.target.value as ProviderChoiceId;
            setProvider(next);
            setState({ saved: false, error: null });
            // A provider without an option is saved at once; one with an option waits for it.
            if (!PROVIDER_CHOICES.find((c) => c.id === next)!.option) void save(next, '');
          }}
        >
          {PROVIDER_CHOICES.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        {choice.option && (
          <>
            <label htmlFor={`${id}-option`}>{choice.option.label}</label>
            <input id={`${id}-option`} value={option} placeholder={choice.option.placeholder} aria-invalid={!!state.error} aria-describedby={state.error ? `${id}-error` : undefined} onChange={(e) => setOption(e.target.value)} />
            <button type="submit" disabled={!changed}>
              Save
            </button>
          </>
        )}
        <Outcome id={id} done={state.saved && !changed ? 'Saved' : null} error={state.error} />
      </form>
      {current?.provider === 'proxmox' && current.option && <ProxmoxTokenField configPath={configPath} />}
    </>
  );
}

export function ProxmoxTokenField({ configPath }: { configPath: string }) {
  const api = useStore((s) => s.api);
  const [token, setToken] = useState('');
  const [state, setState] = useState<{ kept: string | null; error: string | null }>({ kept: null, error: null });
  const id = `token-${configPath}`;
  const keep = async () => {
    try {
      const where = await api!.setProxmoxToken(configPath, token);
      setToken('');
      setState({ kept: where, error: null });
    } catch (err) {
      setState({ kept: null, error: (err as Error).message });
    }
  };
  return (
    <form
      className="provider-field"
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim() !== '') void keep();
      }}
    >
      <label htmlFor={id}>API token</label>
      <input id={id} type="password" autoComplete="off" value={token} placeholder="USER@REALM!TOKENID=SECRET" aria-invalid={!!state.error} aria-describedby={state.error ? `${id}-error` : undefined} onChange={(e) => setToken(e.target.value)} />
      <button type="submit" disabled={token.trim() === ''}>
        Keep token
      </button>
      <Outcome id={id} done={state.kept && `Kept in ${state.kept}`} error={state.error} />
    </form>
  );
}

/** What became of a field's last save: said as a status, or an error under the field. */
export function Outcome({ id, done, error }: { id: string; done: string | null; error: string | null }) {
  return (
    <>
      {done && (
        <span className="saved" role="status">
          {done}
        </span>
      )}
      {error && (
        <p className="field-error" role="alert" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  );
}
