// One project's provider, chosen in Settings: a list of the providers, and the one option the
// chosen one takes (a URI, a folder, a cluster, a manifest), checked by the app before it is
// kept; its error shows under the field.
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
      {state.saved && !changed && (
        <span className="saved" role="status">
          Saved
        </span>
      )}
      {state.error && (
        <p className="field-error" role="alert" id={`${id}-error`}>
          {state.error}
        </p>
      )}
    </form>
  );
}
