// Adding a ragnatramp.yaml to watch: the native file picker where the host has one, a path
// field otherwise (the browser host).
import { useState } from 'react';
import { useStore } from '../store';

/** An example path in the spelling of the machine the engine runs on (a Mac user never sees C:\Users). */
export function projectPathExample(platform: string | undefined): string {
  if (platform === 'win32') return 'C:\\Users\\you\\project\\ragnatramp.yaml';
  return platform === 'darwin' ? '/Users/you/project/ragnatramp.yaml' : '/home/you/project/ragnatramp.yaml';
}

export function AddProject({ filePicker }: { filePicker: boolean }) {
  const platform = useStore((s) => s.app?.host.platform);
  const api = useStore((s) => s.api);
  const [path, setPath] = useState('');
  // Shown under the field, not as a page-wide banner: the file's own problem (file, line, field).
  const [error, setError] = useState<string | null>(null);
  const add = async (p: string) => {
    try {
      useStore.setState({ settings: await api!.addProject(p) });
      setPath('');
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (filePicker) {
    return (
      <>
        <button
          type="button"
          className="primary"
          aria-describedby={error ? 'add-project-error' : undefined}
          onClick={() =>
            void api!.pickProjectFile().then(
              (picked) => (picked ? add(picked) : undefined),
              (err: Error) => setError(err.message),
            )
          }
        >
          Add a project…
        </button>
        {error && (
          <pre className="field-error" role="alert" id="add-project-error">
            {error}
          </pre>
        )}
      </>
    );
  }
  return (
    <form
      className="add-project"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) void add(path.trim());
      }}
    >
      <label htmlFor="project-path">Path to a ragnatramp.yaml</label>
      <div className="row">
        <input id="project-path" type="text" value={path} placeholder={projectPathExample(platform)} aria-invalid={error !== null} aria-describedby={error ? 'add-project-error' : undefined} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        <button type="submit" className="primary" disabled={!path.trim()}>
          Add project
        </button>
      </div>
      {error && (
        <pre className="field-error" role="alert" id="add-project-error">
          {error}
        </pre>
      )}
    </form>
  );
}
