// Adding a ragnatramp.yaml to watch: the native file picker where the host has one, a path
// field otherwise (the browser host).
import { useState } from 'react';
import { useStore } from '../store';

export function AddProject({ filePicker }: { filePicker: boolean }) {
  const run = useStore((s) => s.run);
  const [path, setPath] = useState('');
  const add = async (p: string) => {
    const settings = await run((api) => api.addProject(p));
    if (settings) {
      useStore.setState({ settings });
      setPath('');
    }
  };
  if (filePicker) {
    return (
      <button
        type="button"
        className="primary"
        onClick={() =>
          void run(async (api) => {
            const picked = await api.pickProjectFile();
            if (picked) await add(picked);
          })
        }
      >
        Add a project…
      </button>
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
        <input id="project-path" type="text" value={path} placeholder="C:\\Users\\you\\project\\ragnatramp.yaml" onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        <button type="submit" className="primary" disabled={!path.trim()}>
          Add project
        </button>
      </div>
    </form>
  );
}
