// Adding a ragnatramp.yaml to watch: the native file picker where the host has one, a path
// field otherwise (the browser host). The field takes what users paste (a quoted path, the
// project's folder, ~): main reads it and says why when it cannot (a relative path).
import { useState } from 'react';
import { useStore } from '../store';

/** An example path in the form of the platform main runs on. */
export function pathPlaceholder(platform: string): string {
  if (platform === 'win32') return 'C:\\Users\\you\\project\\ragnatramp.yaml';
  return platform === 'darwin' ? '/Users/you/project/ragnatramp.yaml' : '/home/you/project/ragnatramp.yaml';
}

export function AddProject({ filePicker, platform }: { filePicker: boolean; platform: string }) {
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
      <label htmlFor="project-path">Path to a ragnatramp.yaml, or its folder</label>
      <div className="row">
        <input id="project-path" type="text" value={path} placeholder={pathPlaceholder(platform)} aria-invalid={error !== null} aria-describedby={error ? 'add-project-error' : undefined} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
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
